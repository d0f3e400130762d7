"""Counting shifts against what each household owes in the season: done, upcoming, no-shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from amap.contracts.tables import Subscription
from amap.roster.tables import Obligation, Signup


@dataclass(frozen=True)
class Progress:
    owed: int
    done: int
    upcoming: int
    no_shows: int

    @property
    def behind(self) -> bool:
        """Even with the shifts already taken, the household will not reach what it owes."""
        return self.done + self.upcoming < self.owed

    @property
    def missing(self) -> int:
        return max(0, self.owed - self.done - self.upcoming)


async def season_obligations(group_id: int, today: date) -> list[dict]:
    """The obligations whose period holds `today` (one per share type at most, empty for all)."""
    return await Obligation.select().where(
        (Obligation.group == group_id) & (Obligation.starts_on <= today) & (Obligation.ends_on >= today)
    ).order_by(Obligation.id)


async def progress(group_id: int, household_ids: Iterable[int], today: date) -> dict[int, Progress]:
    """Each household's progress in the current season, in at most three queries whatever their number.

    A household with a share type that has its own obligation owes that one (the largest if it
    holds several); the others owe the group-wide obligation; 0 when the group set none."""
    ids = list(household_ids)
    if not ids:
        return {}
    obligations = await season_obligations(group_id, today)
    general = next((o for o in obligations if not o["share_type_name"]), None)
    by_share = {o["share_type_name"]: o for o in obligations if o["share_type_name"]}
    owed_by: dict[int, dict | None] = {household: general for household in ids}
    if by_share:
        held = await Subscription.select(
            Subscription.household, Subscription.offer_share.share_type.name.as_alias("share_name"),
        ).where(Subscription.household.is_in(ids) & (Subscription.offer.group == group_id)
                & (Subscription.status == "active"))
        for row in held:
            obligation = by_share.get(row["share_name"])
            current = owed_by[row["household"]]
            if obligation and (current is None or current is general or obligation["shifts"] > current["shifts"]):
                owed_by[row["household"]] = obligation
    starts = min((o["starts_on"] for o in obligations), default=None)
    query = Signup.select(Signup.household, Signup.status, Signup.slot.held_on.as_alias("held_on")).where(
        Signup.household.is_in(ids) & (Signup.slot.group == group_id)
        & Signup.status.is_in(["signed", "done", "no_show"]))
    if starts:
        query = query.where(Signup.slot.held_on >= starts)
    counts = {household: {"done": 0, "upcoming": 0, "no_shows": 0} for household in ids}
    for row in await query:
        obligation = owed_by[row["household"]]
        in_season = obligation is None or obligation["starts_on"] <= row["held_on"] <= obligation["ends_on"]
        if row["status"] == "signed" and row["held_on"] >= today:
            counts[row["household"]]["upcoming"] += 1
        elif row["status"] == "done" and in_season:
            counts[row["household"]]["done"] += 1
        elif row["status"] == "no_show" and in_season:
            counts[row["household"]]["no_shows"] += 1
    return {household: Progress(owed=(owed_by[household] or {}).get("shifts", 0), **counts[household])
            for household in ids}
