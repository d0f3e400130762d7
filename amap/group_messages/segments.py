"""Who a committee message goes to: the parts of a group a coordinator may choose, and their people.

A segment is chosen in one select, its value naming the kind and the object ("contract:12",
"volunteers:2027-04-01"); only values offered for this group are accepted, so an id of another
group's contract is refused like a made-up one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from amap.accounts.tables import User
from amap.contracts.tables import Offer, Subscription
from amap.distributions import services as distributions
from amap.groups.tables import Membership
from amap.lib.dates import format_date
from amap.lib.i18n import _, get_language
from amap.payments.services import LISTED, balances
from amap.roster.slots import is_live
from amap.roster.tables import Signup, Slot

SEGMENTS = ("all", "contract", "distribution", "volunteers", "behind")
RECENT_OFFERS = timedelta(days=365)
"""Contracts whose season ended longer ago are not offered: their members are no longer reached that way."""
COMING = 12
"""How many coming distributions and shift dates are offered."""


@dataclass(frozen=True)
class Segment:
    kind: str  # one of SEGMENTS
    ref: int | None  # the offer or distribution id; for volunteers the date as YYYYMMDD
    label: str
    value: str  # what the select sends

    @property
    def day(self) -> date | None:
        if self.kind != "volunteers" or self.ref is None:
            return None
        return date(self.ref // 10000, self.ref // 100 % 100, self.ref % 100)


def _day_label(day: date) -> str:
    return format_date(day, get_language(), "full")


async def choices(group: dict, today: date) -> list[tuple[str, list[Segment]]]:
    """The segments offered for this group today, in groups of options for the select."""
    everyone = [Segment("all", None, _("All member households"), "all"),
                Segment("behind", None, _("Households behind on their payments"), "behind")]
    offers = await Offer.select(Offer.id, Offer.name, Offer.starts_on).where(
        (Offer.group == group["id"]) & (Offer.status != "draft") & (Offer.ends_on >= today - RECENT_OFFERS)
    ).order_by(Offer.starts_on, ascending=False).order_by(Offer.name)
    contracts = [Segment("contract", o["id"], _("Members of the contract %(name)s", name=o["name"]),
                         f"contract:{o['id']}") for o in offers]
    coming = await distributions.next_distributions([group["id"]], {group["id"]: today}, limit=COMING)
    days = [Segment("distribution", d["id"], _("Households collecting on %(date)s at %(place)s",
                                                date=_day_label(d["held_on"]), place=d["place_name"] or "")
                    + (f" ({_('cancelled')})" if d["status"] == "cancelled" else ""),
                    f"distribution:{d['id']}") for d in coming]
    shift_days = sorted(set((await volunteer_days(group["id"], today)).values()))[:COMING]
    volunteers = [Segment("volunteers", int(day.strftime("%Y%m%d")),
                          _("Volunteers on %(date)s", date=_day_label(day)), f"volunteers:{day.isoformat()}")
                  for day in shift_days]
    return [(_("The whole group"), everyone), (_("A contract"), contracts),
            (_("A distribution"), days), (_("Volunteers of a date"), volunteers)]


def find(options: list[tuple[str, list[Segment]]], value: str) -> Segment | None:
    return next((s for _title, segments in options for s in segments if s.value == value), None)


async def volunteer_days(group_id: int, first: date, last: date | None = None) -> dict[int, date]:
    """The live slots from `first` (to `last`) that someone is signed on, with their date."""
    query = Slot.select(Slot.id, Slot.held_on).where((Slot.group == group_id) & (Slot.held_on >= first) & is_live())
    if last is not None:
        query = query.where(Slot.held_on <= last)
    slots = {row["id"]: row["held_on"] for row in await query}
    if not slots:
        return {}
    taken = await Signup.select(Signup.slot).where(Signup.slot.is_in(list(slots)) & (Signup.status == "signed"))
    return {row["slot"]: slots[row["slot"]] for row in taken}


async def adults_of(household_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(household_ids))
    if not ids:
        return set()
    rows = await User.select(User.id).where(User.household.is_in(ids) & (User.is_active == True))  # noqa: E712
    return {row["id"] for row in rows}


async def user_ids(segment: Segment, group: dict, today: date) -> set[int]:
    """The accounts the segment reaches: every adult of the households concerned, or for
    volunteers the people on a shift that day (not their whole household)."""
    if segment.kind == "all":
        households = [row["household"] for row in await Membership.select(Membership.household).where(
            (Membership.group == group["id"]) & (Membership.status == "active"))]
        return await adults_of(households)
    if segment.kind == "contract":
        households = set()
        for row in await Subscription.select(Subscription.household, Subscription.co_household).where(
                (Subscription.offer == segment.ref) & (Subscription.status == "active")):
            households.update(h for h in (row["household"], row["co_household"]) if h is not None)
        return await adults_of(households)
    if segment.kind == "distribution":
        return await adults_of(c.household_id for c in await distributions.collections([segment.ref]))
    if segment.kind == "volunteers":
        slot_days = await volunteer_days(group["id"], segment.day, segment.day)
        rows = await Signup.select(Signup.user).where(
            Signup.slot.is_in(list(slot_days) or [-1]) & (Signup.status == "signed"))
        return {row["user"] for row in rows}
    if segment.kind == "behind":
        subscriptions = await Subscription.select(Subscription.id, Subscription.household).where(
            (Subscription.offer.group == group["id"]) & Subscription.status.is_in(list(LISTED)))
        owed = await balances([s["id"] for s in subscriptions], today)
        return await adults_of(s["household"] for s in subscriptions if owed[s["id"]].overdue_cents > 0)
    raise ValueError(segment.kind)
