"""Reading distribution days: what a household collects, what each farm brings, the changes and the
published announcements. Every function takes lists of ids and runs a fixed number of queries,
whatever the number of households or deliveries (the sign-off sheet asks for 300 households)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from piccolo.querystring import QueryString

from amap.contracts.tables import OfferDelivery, Subscription, SubscriptionQuantity
from amap.distributions.tables import Announcement, Delivery, Distribution, DistributionChange
from amap.lib.prepared import prepared

COLLECTING = ("active", "ended")  # an ended contract still delivered until the day it ended


@dataclass(frozen=True)
class Collection:
    """One share a household collects at one distribution."""

    distribution_id: int
    household_id: int
    delivery_id: int
    offer_id: int
    offer_name: str
    farm_name: str
    subscription_id: int
    offer_share_id: int
    share_name: str
    quantity: int
    """Shares of this type; for a variable contract, the units chosen for that date."""
    outcome: str
    """The delivery's: planned | delivered | reduced | cancelled."""
    catch_up_for: int | None
    """This delivery makes up that cancelled one."""
    shared_with: int | None
    """The other household of a shared contract."""
    sharing: str
    """How a shared contract is shared: together | alternate ("" when not shared)."""
    collects: bool = True
    """False only for the co-household of an alternating contract in the other's week
    (listed when asked for with `include_other_weeks`)."""
    subscriber: bool = True
    """False for the co-household of a shared contract: this household did not sign it."""


@cache
def distribution_columns() -> tuple:
    """A distribution with its place and group, as the pages, the feed and the API show it.

    Built once: each `Table.fk.column` (and `as_alias`) makes Piccolo copy the joined table's columns,
    which cost a sign-off sheet thousands of copies a request. The columns are never changed after."""
    return (Distribution.all_columns(), Distribution.place.name.as_alias("place_name"),
            Distribution.place.address.as_alias("place_address"), Distribution.group.name.as_alias("group_name"),
            Distribution.group.slug.as_alias("group_slug"), Distribution.group.timezone.as_alias("timezone"))


@cache
def _delivery_columns() -> tuple:
    """deliveries_of's columns, its two sort columns and a catch-up's day (built once, see above)."""
    return ((Delivery.all_columns(), Delivery.offer.name.as_alias("offer_name"), Delivery.offer.farm.as_alias("farm"),
             Delivery.offer.farm.name.as_alias("farm_name"), Delivery.offer.farm.slug.as_alias("farm_slug"),
             Delivery.offer.nature.as_alias("nature"),
             Delivery.offer.missed_delivery_rule.as_alias("missed_delivery_rule"),
             Delivery.offer.shifts_allowed.as_alias("shifts_allowed"),
             Delivery.catch_up_for.due_on.as_alias("catch_up_of_on")),
            Delivery.offer.farm.name, Delivery.offer.name, Delivery.distribution.held_on.as_alias("held_on"))


def _deliveries(distributions: list):
    columns, farm_name, offer_name, _held_on = _delivery_columns()
    return Delivery.select(*columns).where(Delivery.distribution.is_in(distributions)).order_by(
        farm_name).order_by(offer_name).order_by(Delivery.id)


# A distribution's page reads these on every view: their SQL is written once (amap.lib.prepared).
_DELIVERIES_OF = prepared(_deliveries)
_MADE_UP = prepared(lambda cancelled: Delivery.select(
    Delivery.catch_up_for, Delivery.distribution, _delivery_columns()[3]).where(Delivery.catch_up_for.is_in(cancelled)))


async def deliveries_of(distribution_ids: Sequence[int]) -> list[dict]:
    """The deliveries of these distributions with their contract and farm, each with the catch-up
    it makes up (`catch_up_of_on`) or the one that makes it up (`caught_up_on`, `caught_up_at`)."""
    if not distribution_ids:
        return []
    rows = await _DELIVERIES_OF(distributions=list(distribution_ids))
    made_up = {}
    cancelled = [row["id"] for row in rows if row["outcome"] == "cancelled"]
    if cancelled:
        made_up = {row["catch_up_for"]: row for row in await _MADE_UP(cancelled=cancelled)}
    for row in rows:
        catch_up = made_up.get(row["id"])
        row["caught_up_on"] = catch_up["held_on"] if catch_up else None
        row["caught_up_at"] = catch_up["distribution"] if catch_up else None
    return rows


@cache
def _change_columns() -> tuple:
    return DistributionChange.all_columns(), DistributionChange.changed_by.name.as_alias("changed_by_name")


_CHANGES = prepared(lambda distributions: DistributionChange.select(*_change_columns()).where(
    DistributionChange.distribution.is_in(distributions)).order_by(
    DistributionChange.changed_at).order_by(DistributionChange.id))


async def changes_of(distribution_ids: Sequence[int]) -> dict[int, list[dict]]:
    """The recorded exceptions of each distribution, oldest first."""
    if not distribution_ids:
        return {}
    changes: dict[int, list[dict]] = {}
    for row in await _CHANGES(distributions=list(distribution_ids)):
        changes.setdefault(row["distribution"], []).append(row)
    return changes


@cache
def _announcement_columns() -> tuple:
    return Announcement.all_columns(), Announcement.offer_share.share_type.name.as_alias("share_name")


_ANNOUNCEMENTS = prepared(lambda deliveries: Announcement.select(*_announcement_columns()).where(
    Announcement.delivery.is_in(deliveries) & Announcement.published_at.is_not_null()).order_by(
    Announcement.offer_share).output(load_json=True))


async def announcements_of(delivery_ids: Sequence[int]) -> dict[int, list[dict]]:
    """The published announcements of each delivery, one per share type."""
    if not delivery_ids:
        return {}
    found: dict[int, list[dict]] = {}
    for row in await _ANNOUNCEMENTS(deliveries=list(delivery_ids)):
        found.setdefault(row["delivery"], []).append(row)
    return found


@cache
def _collection_columns() -> tuple[tuple, tuple]:
    return ((Delivery.id, Delivery.offer, Delivery.distribution, Delivery.due_on, Delivery.outcome,
             Delivery.catch_up_for, Delivery.catch_up_for.due_on.as_alias("catch_up_of_on"),
             Delivery.offer.name.as_alias("offer_name"), Delivery.offer.farm.name.as_alias("farm_name")),
            (Subscription.id, Subscription.offer, Subscription.household, Subscription.co_household,
             Subscription.sharing, Subscription.quantity, Subscription.offer_share, Subscription.first_delivery_on,
             Subscription.ended_on, Subscription.offer.nature.as_alias("nature"),
             Subscription.offer_share.share_type.name.as_alias("share_name")))


# collections() serves /me, the sheet and the farm's lists on every view: its SQL is written once.
_DELIVERIES = prepared(lambda distributions: Delivery.select(*_collection_columns()[0]).where(
    Delivery.distribution.is_in(distributions)))


_COLLECTING = prepared(lambda offers: Subscription.select(*_collection_columns()[1]).where(
    Subscription.offer.is_in(offers) & Subscription.status.is_in(list(COLLECTING))
    & Subscription.first_delivery_on.is_not_null()))

# A household's collections (/me, a member's distribution page, on every view) read the deliveries
# with the household's contracts of their offers in one statement instead of two: the same columns
# as _DELIVERIES and _collecting, each row a delivery and one contract of its offer.
_HOUSEHOLD_COLLECTING_SQL = """
SELECT delivery.id AS delivery_id, delivery.offer, delivery.distribution, delivery.due_on, delivery.outcome,
  delivery.catch_up_for, made_up.due_on AS catch_up_of_on, offer.name AS offer_name, farm.name AS farm_name,
  subscription.id, subscription.household, subscription.co_household, subscription.sharing, subscription.quantity,
  subscription.offer_share, subscription.first_delivery_on, subscription.ended_on, offer.nature,
  share_type.name AS share_name
FROM delivery
JOIN offer ON offer.id = delivery.offer
JOIN farm ON farm.id = offer.farm
LEFT JOIN delivery AS made_up ON made_up.id = delivery.catch_up_for
JOIN subscription ON subscription.offer = delivery.offer
LEFT JOIN offer_share ON offer_share.id = subscription.offer_share
LEFT JOIN share_type ON share_type.id = offer_share.share_type
WHERE {} AND subscription.status IN ('active', 'ended') AND subscription.first_delivery_on IS NOT NULL AND {}
"""
_HOUSEHOLD_COLLECTING = prepared(lambda distributions, households: Delivery.raw(
    _HOUSEHOLD_COLLECTING_SQL, Delivery.distribution.is_in(distributions).querystring,
    (Subscription.household.is_in(households) | Subscription.co_household.is_in(households)).querystring))
_UNITS = prepared(lambda subscriptions: SubscriptionQuantity.select(
    SubscriptionQuantity.subscription, SubscriptionQuantity.delivers_on, SubscriptionQuantity.quantity,
).where(SubscriptionQuantity.subscription.is_in(subscriptions)))
_CALENDARS = prepared(lambda offers: OfferDelivery.select(OfferDelivery.offer, OfferDelivery.delivers_on).where(
    OfferDelivery.offer.is_in(offers)))


async def collections(distribution_ids: Sequence[int], household_ids: Iterable[int] | None = None, *,
                      include_other_weeks: bool = False, deliveries: list[dict] | None = None) -> list[Collection]:
    """What households collect at these distributions, sorted by distribution, household, farm.

    `household_ids=None` means every household that collects there. The rule, per delivery and
    signed contract of that offer: the contract ran on the delivery's date (from its first
    delivery, until the day it ended); a variable contract gives the units chosen for the date
    (none chosen: nothing); two households sharing "together" both collect; sharing "alternate",
    the subscriber takes the contract's 1st, 3rd, 5th… delivery since its first one and the
    co-household the others. A catch-up delivery follows the date it makes up. A cancelled
    delivery is listed with its outcome: the caller decides how to show it.
    Four queries at most, whatever the number of households and deliveries; three for given households,
    or when the caller passes the `deliveries` it read with deliveries_of(distribution_ids) (used only
    when no households are given: given households, they come with their contracts)."""
    households = None if household_ids is None else set(household_ids)
    if not distribution_ids or households == set():
        return []
    if households is None:
        if deliveries is None:
            deliveries = await _DELIVERIES(distributions=list(distribution_ids))
        if not deliveries:
            return []
        subscriptions = await _COLLECTING(offers=sorted({d["offer"] for d in deliveries}))
    else:
        rows = await _HOUSEHOLD_COLLECTING(distributions=list(distribution_ids), households=sorted(households))
        deliveries = list({row["delivery_id"]: {**row, "id": row["delivery_id"]} for row in rows}.values())
        subscriptions = list({row["id"]: row for row in rows}.values())
    by_offer: dict[int, list[dict]] = {}
    for sub in subscriptions:
        by_offer.setdefault(sub["offer"], []).append(sub)
    variable = [s["id"] for s in subscriptions if s["nature"] == "variable"]
    units: dict[tuple[int, date], int] = {}
    if variable:
        units = {(row["subscription"], row["delivers_on"]): row["quantity"]
                 for row in await _UNITS(subscriptions=variable)}
    alternating = sorted({s["offer"] for s in subscriptions if s["co_household"] and s["sharing"] == "alternate"})
    calendars: dict[int, list[date]] = {}
    if alternating:
        for row in await _CALENDARS(offers=alternating):
            calendars.setdefault(row["offer"], []).append(row["delivers_on"])
        for days in calendars.values():
            days.sort()

    found = []
    for delivery in deliveries:
        day = delivery["catch_up_of_on"] or delivery["due_on"]  # a catch-up follows the date it makes up
        for sub in by_offer.get(delivery["offer"], []):
            if sub["first_delivery_on"] > day or (sub["ended_on"] is not None and day >= sub["ended_on"]):
                continue
            quantity = units.get((sub["id"], day), 0) if sub["nature"] == "variable" else sub["quantity"]
            if quantity <= 0:
                continue
            turns = [(sub["household"], sub["co_household"], True, True)]
            if sub["co_household"]:
                turns.append((sub["co_household"], sub["household"], True, False))
                if sub["sharing"] == "alternate":
                    days = calendars.get(sub["offer"], [])
                    index = bisect_left(days, day) - bisect_left(days, sub["first_delivery_on"])
                    subscriber_week = index % 2 == 0
                    turns = [(sub["household"], sub["co_household"], subscriber_week, True),
                             (sub["co_household"], sub["household"], not subscriber_week, False)]
            for household, other, collects, subscriber in turns:
                if (households is not None and household not in households) or not (collects or include_other_weeks):
                    continue
                found.append(Collection(
                    distribution_id=delivery["distribution"], household_id=household, delivery_id=delivery["id"],
                    offer_id=delivery["offer"], offer_name=delivery["offer_name"], farm_name=delivery["farm_name"],
                    subscription_id=sub["id"], offer_share_id=sub["offer_share"], share_name=sub["share_name"],
                    quantity=quantity, outcome=delivery["outcome"], catch_up_for=delivery["catch_up_for"],
                    shared_with=other, sharing=sub["sharing"] if other else "", collects=collects,
                    subscriber=subscriber))
    found.sort(key=lambda c: (c.distribution_id, c.household_id, c.farm_name, c.offer_name, c.share_name,
                              c.delivery_id))
    return found


def by_distribution_and_household(found: Iterable[Collection]) -> dict[tuple[int, int], list[Collection]]:
    grouped: dict[tuple[int, int], list[Collection]] = {}
    for item in found:
        grouped.setdefault((item.distribution_id, item.household_id), []).append(item)
    return grouped


# Whether a distribution has recorded changes comes with it: most have none, and their reader
# (/me, on every view) then skips reading them.
_HAS_CHANGES = QueryString(
    f'EXISTS (SELECT 1 FROM {DistributionChange._meta.tablename} AS recorded '
    f'WHERE recorded.distribution = "{Distribution._meta.tablename}"."id")', alias="has_changes")
_COMING = prepared(lambda groups, earliest, limit: Distribution.select(*distribution_columns(), _HAS_CHANGES).where(
    Distribution.group.is_in(groups) & (Distribution.held_on >= earliest)
).order_by(Distribution.held_on).order_by(Distribution.starts_at).order_by(Distribution.id).limit(limit),
    shaping=("limit",))


async def next_distributions(group_ids: Sequence[int], today_by_group: dict[int, date], *,
                             limit: int = 10) -> list[dict]:
    """The coming distributions of these groups (cancelled ones included), each from its group's
    own today, soonest first; each says whether it `has_changes` (see changes_of)."""
    if not group_ids:
        return []
    rows = await _COMING(groups=list(group_ids), earliest=min(today_by_group.values()),
                         limit=limit + 2 * len(group_ids))  # a group whose today is later drops a day
    return [row for row in rows if row["held_on"] >= today_by_group[row["group"]]][:limit]
