"""Counting shifts against what each household owes in the season: done, upcoming, no-shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from piccolo.querystring import QueryString

from amap.contracts.tables import Offer, Subscription
from amap.groups.tables import Membership
from amap.lib.prepared import prepared
from amap.roster.tables import Obligation, Signup, Slot


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


# Read for every household on /me and the roster: the SQL of these reads is written once.
_SEASON_OBLIGATIONS = prepared(lambda group, today: Obligation.select().where(
    (Obligation.group == group) & (Obligation.starts_on <= today) & (Obligation.ends_on >= today)
).order_by(Obligation.id))
_SHARES_HELD = prepared(lambda households, group: Subscription.select(
    Subscription.household, Subscription.offer_share.share_type.name.as_alias("share_name"),
).where(Subscription.household.is_in(households) & (Subscription.offer.group == group)
        & (Subscription.status == "active")))


def _shifts_held(households: list, group, starts, since_season: bool):
    query = Signup.select(Signup.household, Signup.status, Signup.slot.held_on.as_alias("held_on")).where(
        Signup.household.is_in(households) & (Signup.slot.group == group)
        & Signup.status.is_in(["signed", "done", "no_show"]))
    return query.where(Signup.slot.held_on >= starts) if since_season else query


_SHIFTS_HELD = prepared(_shifts_held, shaping=("since_season",))


async def season_obligations(group_id: int, today: date) -> list[dict]:
    """The obligations whose period holds `today` (one per share type at most, empty for all)."""
    return await _SEASON_OBLIGATIONS(group=group_id, today=today)


async def progress(group_id: int, household_ids: Iterable[int], today: date) -> dict[int, Progress]:
    """Each household's progress in the current season, in at most three queries whatever their number.

    A household with a share type that has its own obligation owes that one (the largest if it
    holds several); the others owe the group-wide obligation; 0 when the group set none."""
    ids = list(household_ids)
    if not ids:
        return {}
    obligations = await season_obligations(group_id, today)
    held = await _SHARES_HELD(households=ids, group=group_id) if _by_share(obligations) else []
    starts = _season_start(obligations)
    shifts = await _SHIFTS_HELD(households=ids, group=group_id, starts=starts, since_season=starts is not None)
    return _counted(ids, obligations, held, shifts, today)


# One household's season in several groups, in one statement, for the member's own pages (/me, /roster):
# each group's season obligations, the share types the household holds there and its shifts there, told
# apart by `kind`, as the three reads of `progress` give them. Each column sits where the first select
# declares it: SQLite types a compound select's columns by its first one's (`day` is an obligation's
# start or a shift's date). Each {} in turn: the groups' condition and today twice, then the household
# and the groups' condition twice.
HOUSEHOLD_SEASON_SQL = """
SELECT 'obligation' AS kind, roster_obligation."group", roster_obligation.id, roster_obligation.share_type_name AS name,
  roster_obligation.shifts, roster_obligation.starts_on AS day, roster_obligation.ends_on, NULL AS status
FROM roster_obligation WHERE {} AND roster_obligation.starts_on <= {} AND roster_obligation.ends_on >= {}
UNION ALL
SELECT 'share', offer."group", NULL, share_type.name, NULL, NULL, NULL, NULL
FROM subscription JOIN offer ON offer.id = subscription.offer
  JOIN offer_share ON offer_share.id = subscription.offer_share JOIN share_type ON share_type.id = offer_share.share_type
WHERE subscription.household = {} AND {} AND subscription.status = 'active'
UNION ALL
SELECT 'shift', roster_slot."group", NULL, NULL, NULL, roster_slot.held_on, NULL, roster_signup.status
FROM roster_signup JOIN roster_slot ON roster_slot.id = roster_signup.slot
WHERE roster_signup.household = {} AND {} AND roster_signup.status IN ('signed', 'done', 'no_show')
ORDER BY 1, 2, 3
"""
_HOUSEHOLD_SEASON = prepared(lambda household, groups, today: Obligation.raw(
    HOUSEHOLD_SEASON_SQL, Obligation.group.is_in(groups).querystring, today, today, household,
    Offer.group.is_in(groups).querystring, household, Slot.group.is_in(groups).querystring))


async def household_progress(group_ids: Iterable[int], household_id: int, today: date) -> dict[int, Progress]:
    """One household's `progress` in each of these groups, read in one statement whatever their number."""
    ids = sorted(group_ids)
    if not ids:
        return {}
    read: dict[int, tuple[list, list, list]] = {group: ([], [], []) for group in ids}
    for row in await _HOUSEHOLD_SEASON(household=household_id, groups=ids, today=today):
        obligations, held, shifts = read[row["group"]]
        if row["kind"] == "obligation":
            obligations.append({"id": row["id"], "share_type_name": row["name"], "shifts": row["shifts"],
                                "starts_on": row["day"], "ends_on": row["ends_on"]})
        elif row["kind"] == "share":
            held.append({"household": household_id, "share_name": row["name"]})
        else:
            shifts.append({"household": household_id, "status": row["status"], "held_on": row["day"]})
    found = {}
    for group, (obligations, held, shifts) in read.items():
        starts = _season_start(obligations)
        shifts = [row for row in shifts if starts is None or row["held_on"] >= starts]  # as _SHIFTS_HELD reads them
        found[group] = _counted([household_id], obligations, held, shifts, today)[household_id]
    return found


def _by_share(obligations: list[dict]) -> dict[str, dict]:
    return {o["share_type_name"]: o for o in obligations if o["share_type_name"]}


def _season_start(obligations: list[dict]) -> date | None:
    return min((o["starts_on"] for o in obligations), default=None)


def _counted(ids: list[int], obligations: list[dict], held: list[dict], shifts: list[dict],
             today: date) -> dict[int, Progress]:
    """`progress` worked out from what it read: the season's obligations, the share types held (each row
    a household and a share_name) and the shifts since the season's start (household, status, held_on)."""
    general = next((o for o in obligations if not o["share_type_name"]), None)
    by_share = _by_share(obligations)
    owed_by: dict[int, dict | None] = {household: general for household in ids}
    for row in held:
        obligation = by_share.get(row["share_name"])
        current = owed_by[row["household"]]
        if obligation and (current is None or current is general or obligation["shifts"] > current["shifts"]):
            owed_by[row["household"]] = obligation
    counts = {household: {"done": 0, "upcoming": 0, "no_shows": 0} for household in ids}
    for row in shifts:
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


# --- the same count in SQL, for the committee's paged list ----------------------------------------

# The group's shifts of those households are read once and summed per household (`held`), rather than
# counted by three subqueries a household. `counted` is MATERIALIZED: inlined, PostgreSQL ran its sums
# again for `missing`, the sort and the window sums.
STANDING = """
WITH members AS (
  SELECT membership.household, household.name, {chosen} AS chosen
  FROM membership JOIN household ON household.id = membership.household
  WHERE membership."group" = {{}} AND membership.status = 'active' AND {{}}
), held AS (
  SELECT members.household, roster_signup.status, roster_slot.held_on, {in_season} AS in_season
  FROM members JOIN roster_signup ON roster_signup.household = members.household
  JOIN roster_slot ON roster_slot.id = roster_signup.slot
  WHERE roster_slot."group" = {{}} AND roster_signup.status IN ('signed', 'done', 'no_show')
), counted AS MATERIALIZED (
  SELECT members.household, members.name, members.chosen, {owed} AS owed,
    COALESCE(SUM(CASE WHEN held.status = 'done' THEN held.in_season ELSE 0 END), 0) AS done,
    COALESCE(SUM(CASE WHEN held.status = 'no_show' THEN held.in_season ELSE 0 END), 0) AS no_shows,
    COALESCE(SUM(CASE WHEN held.status = 'signed' AND held.held_on >= {{}} THEN 1 ELSE 0 END), 0) AS upcoming
  FROM members LEFT JOIN held ON held.household = members.household
  GROUP BY members.household, members.name, members.chosen
), standing AS (
  SELECT counted.*, CASE WHEN done + upcoming < owed THEN owed - done - upcoming ELSE 0 END AS missing
  FROM counted
)
"""


def _standing_sql(group_id: int, today: date, obligations: list[dict]) -> tuple[str, list]:
    """The STANDING query for these obligations, with its arguments up to the search condition.

    Each household owes the obligation `progress()` would choose for it: among the share-type
    obligations of the shares it holds the one with the most shifts, else the group-wide one, else
    none (`chosen` is its index in `windows`, -1 for none); shifts count inside that obligation's
    period, or from the earliest period when it owes none."""
    general = next((o for o in obligations if not o["share_type_name"]), None)
    by_share = {o["share_type_name"]: o for o in obligations if o["share_type_name"]}
    specific = sorted(by_share.values(), key=lambda o: (-o["shifts"], o["id"]))
    windows = specific + ([general] if general else [])
    earliest = min((o["starts_on"] for o in obligations), default=None)
    args: list = []

    def holds(obligation: dict) -> str:
        args.append(group_id)
        args.append(obligation["share_type_name"])
        return ("EXISTS (SELECT 1 FROM subscription JOIN offer ON offer.id = subscription.offer "
                "JOIN offer_share ON offer_share.id = subscription.offer_share "
                "JOIN share_type ON share_type.id = offer_share.share_type "
                "WHERE subscription.household = membership.household AND offer.\"group\" = {} "
                "AND subscription.status = 'active' AND share_type.name = {})")

    chosen = " ".join(f"WHEN {holds(o)} THEN {index}" for index, o in enumerate(specific))
    chosen = f"CASE {chosen} ELSE {len(specific) if general else -1} END" if specific else (
        "0" if general else "-1")
    chosen_args, args = args, []

    # 1 when a shift counts towards what its household owes: inside the chosen obligation's period, or
    # from the earliest period when it owes none (anywhen when the group set none).
    cases = []
    for index, obligation in enumerate(windows):
        args.extend([obligation["starts_on"], obligation["ends_on"]])
        cases.append(f"WHEN {index} THEN CASE WHEN roster_slot.held_on >= {{}} AND roster_slot.held_on <= {{}} "
                     "THEN 1 ELSE 0 END")
    anywhen = "1"
    if earliest is not None:
        args.append(earliest)
        anywhen = "CASE WHEN roster_slot.held_on >= {} THEN 1 ELSE 0 END"
    in_season = f"CASE members.chosen {' '.join(cases)} ELSE {anywhen} END" if cases else anywhen

    owed = " ".join(f"WHEN {index} THEN {int(o['shifts'])}" for index, o in enumerate(windows))
    owed = f"CASE chosen {owed} ELSE 0 END" if windows else "0"
    sql = STANDING.format(chosen=chosen, in_season=in_season, owed=owed)
    # The placeholders in order: the chosen CASE, the members' group and search, the periods, the shifts'
    # group, today.
    return sql, [*chosen_args, group_id, "SEARCH", *args, group_id, today]


async def _standing(select: str, group_id: int, today: date, condition, obligations: list[dict] | None,
                    *more: object) -> list[dict]:
    if obligations is None:
        obligations = await season_obligations(group_id, today)
    sql, args = _standing_sql(group_id, today, obligations)
    args[args.index("SEARCH")] = condition.querystring if condition is not None else QueryString("1 = 1")
    return await Membership.raw(sql + select, *args, *more)


async def standing_summary(group_id: int, today: date, condition=None, *,
                           obligations: list[dict] | None = None) -> dict[str, int]:
    """How many active households (matching the search condition, if any), and how many are behind.
    `obligations`: the season's, when the caller has read them already."""
    rows = await _standing("SELECT COUNT(*) AS households, COALESCE(SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END), 0)"
                           " AS behind FROM standing", group_id, today, condition, obligations)
    return rows[0]


async def standing_page(group_id: int, today: date, condition=None, *, limit: int, offset: int = 0,
                        obligations: list[dict] | None = None) -> tuple[list[dict], dict[str, int]]:
    """A page of the active households with their `progress`, those behind first (the most missing at
    the top), then by name: what `progress()` counts, read in one statement; and the summary of all
    those listed (as `standing_summary`), from window counts of the same reading."""
    rows = await _standing("SELECT *, COUNT(*) OVER () AS listed_households, "
                           "SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END) OVER () AS listed_behind "
                           "FROM standing ORDER BY CASE WHEN missing > 0 THEN 0 ELSE 1 END, missing DESC, "
                           "name, household LIMIT {} OFFSET {}", group_id, today, condition, obligations, limit, offset)
    if not rows:  # no household listed, or a page beyond the last
        return rows, await standing_summary(group_id, today, condition, obligations=obligations)
    summary = {"households": rows[0]["listed_households"], "behind": rows[0]["listed_behind"]}
    for row in rows:
        row["progress"] = Progress(owed=row["owed"], done=row["done"], upcoming=row["upcoming"],
                                   no_shows=row["no_shows"])
    return rows, summary
