"""What happened to an offer's deliveries, read in bulk: the contract's calendar, each delivery's
outcome and published announcements, the catch-ups, and who held a share on which date.

The ledger (amap.distributions.ledger), the announcement page and the delivery note build on
these rows; a fixed number of queries reads them, whatever the number of deliveries.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from amap.contracts.tables import OfferDelivery, Subscription, SubscriptionQuantity
from amap.distributions.tables import Announcement, Delivery
from amap.lib.i18n import _l
from amap.lib.prepared import prepared

OUTCOMES = {
    "planned": _l("Planned"),
    "delivered": _l("Delivered as planned"),
    "reduced": _l("Delivered reduced"),
    "cancelled": _l("Cancelled"),
}
"""How a delivery ended, as recorded on the Delivery row."""

HOLDING_STATUSES = ("active", "ended")  # subscriptions that hold or held a place; waiting ones receive nothing


@dataclass(frozen=True)
class Announced:
    """A published announcement for one share type at one delivery."""

    offer_share: int
    items: list[dict]
    note: str
    photo: str
    value_cents: int
    priced: bool  # at least one item carries a unit price: the share's value is known


@dataclass(frozen=True)
class DeliveryRecord:
    """A Delivery row as the ledger reads it, with its published announcements by share."""

    id: int
    due_on: date
    held_on: date
    outcome: str
    delivered_percent: int
    missing: str
    cause: str
    catch_up_for: int | None
    announced: dict[int, Announced] = field(default_factory=dict)

    @property
    def made(self) -> bool:
        return self.outcome in ("delivered", "reduced")


@dataclass(frozen=True)
class CalendarDay:
    """One date of the contract's calendar, its delivery and the catch-up that makes it up."""

    due_on: date
    delivery: DeliveryRecord | None  # None until the distribution calendar is synced
    catch_up: DeliveryRecord | None = None  # the latest catch-up not itself cancelled


def holds_a_place(subscription: dict) -> bool:
    """The subscription holds or held a place (those `holders` reads): signed, with a first delivery."""
    return subscription["status"] in HOLDING_STATUSES and subscription["first_delivery_on"] is not None


def holds_on(subscription: dict, day: date) -> bool:
    """The subscription had a place on that day: from its first delivery, until it ended."""
    return (holds_a_place(subscription) and subscription["first_delivery_on"] <= day
            and (subscription["ended_on"] is None or day < subscription["ended_on"]))


def units_on(subscription: dict, quantities: dict[date, int], day: date, variable: bool) -> int:
    """Shares the household receives on that day: the per-date quantity of a variable contract."""
    if not holds_on(subscription, day):
        return 0
    return quantities.get(day, 0) if variable else subscription["quantity"]


def calendar_days(dates: Iterable[date], deliveries: Iterable[DeliveryRecord]) -> list[CalendarDay]:
    """The contract's dates, each with its regular delivery and its live catch-up (catch-ups always
    point at the cancelled regular delivery; one that is itself cancelled leaves the debt owed)."""
    regular: dict[date, DeliveryRecord] = {}
    catch_ups: dict[int, list[DeliveryRecord]] = defaultdict(list)
    for delivery in deliveries:
        if delivery.catch_up_for is None:
            regular.setdefault(delivery.due_on, delivery)
        elif delivery.outcome != "cancelled":
            catch_ups[delivery.catch_up_for].append(delivery)
    days = []
    for day in sorted(set(dates)):
        delivery = regular.get(day)
        live = sorted(catch_ups.get(delivery.id, []), key=lambda d: (d.held_on, d.id)) if delivery else []
        days.append(CalendarDay(day, delivery, live[-1] if live else None))
    return days


def clean_items(items: object) -> list[dict]:
    """Items with every key present (rows written by hand or by the demo may lack some)."""
    return [{"name": str(entry.get("name", "")), "quantity": str(entry.get("quantity", "0")),
             "unit": str(entry.get("unit", "")), "unit_price_cents": entry.get("unit_price_cents")}
            for entry in (items if isinstance(items, list) else []) if isinstance(entry, dict)]


def _announced(row: dict) -> Announced:
    items = row["items"]
    items = clean_items(json.loads(items) if isinstance(items, str) else items)  # a raw query's JSON is text
    return Announced(offer_share=row["offer_share"], items=items, note=row["note"], photo=row["photo"],
                     value_cents=row["value_cents"],
                     priced=any(item.get("unit_price_cents") is not None for item in items))


# The ledger, the announcement page and the delivery note read these on every view: SQL written once.
_RECORDS = prepared(lambda offer: Delivery.select(
    Delivery.id, Delivery.due_on, Delivery.distribution.held_on.as_alias("held_on"), Delivery.outcome,
    Delivery.delivered_percent, Delivery.missing, Delivery.cause, Delivery.catch_up_for,
    Delivery.distribution.status.as_alias("distribution_status"),
).where(Delivery.offer == offer))
_PUBLISHED = prepared(lambda offer: Announcement.select(
    Announcement.delivery, Announcement.offer_share, Announcement.items, Announcement.note,
    Announcement.photo, Announcement.value_cents,
).where((Announcement.delivery.offer == offer) & Announcement.published_at.is_not_null()).output(load_json=True))
# A subscription's page needs its own share type's announcements only: they come with the deliveries
# (each {} in turn: the share type, the offer), half the JSON read; and with the contract's dates, each
# a row without a delivery id, in the same statement. The deliveries come first: SQLite types a compound
# select's columns by its first select's, and NULLs there would leave the dates as text.
SHARE_CALENDAR_SQL = """
SELECT delivery.id, delivery.due_on, distribution.held_on, delivery.outcome, delivery.delivered_percent,
  delivery.missing, delivery.cause, delivery.catch_up_for, distribution.status AS distribution_status,
  announcement.offer_share, announcement.items, announcement.note, announcement.photo, announcement.value_cents
FROM delivery LEFT JOIN distribution ON distribution.id = delivery.distribution
LEFT JOIN announcement ON announcement.delivery = delivery.id AND announcement.offer_share = {}
  AND announcement.published_at IS NOT NULL
WHERE delivery.offer = {}
UNION ALL
SELECT NULL, offer_delivery.delivers_on, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM offer_delivery WHERE offer_delivery.offer = {}
"""
_SHARE_CALENDAR = prepared(lambda offer, share: Delivery.raw(SHARE_CALENDAR_SQL, share, offer, offer))
_CALENDAR = prepared(lambda offer: OfferDelivery.select(OfferDelivery.delivers_on).where(OfferDelivery.offer == offer))


def _holding(offers: list, subscription: int | None = None):
    """holders()' subscriptions; `subscription` given (never None in a prepared call): that one only."""
    where = (Subscription.offer.is_in(offers) & Subscription.status.is_in(list(HOLDING_STATUSES))
             & Subscription.first_delivery_on.is_not_null())
    if subscription is not None:
        where &= Subscription.id == subscription
    return Subscription.select(
        Subscription.id, Subscription.offer, Subscription.household,
        Subscription.household.name.as_alias("household_name"),
        Subscription.co_household.name.as_alias("co_household_name"), Subscription.offer_share,
        Subscription.offer_share.share_type.name.as_alias("share_name"), Subscription.tier, Subscription.quantity,
        Subscription.status, Subscription.price_cents, Subscription.first_delivery_on, Subscription.ended_on,
    ).where(where).order_by(Subscription.household.name).order_by(Subscription.id)


def _held_quantities(offers: list, subscription: int | None = None):
    where = SubscriptionQuantity.subscription.offer.is_in(offers)
    if subscription is not None:
        where &= SubscriptionQuantity.subscription == subscription
    return SubscriptionQuantity.select(
        SubscriptionQuantity.subscription, SubscriptionQuantity.delivers_on, SubscriptionQuantity.quantity,
    ).where(where)


_HOLDERS = prepared(_holding)
_HOLDER = prepared(_holding)
_HELD_QUANTITIES = prepared(_held_quantities)
_HOLDER_QUANTITIES = prepared(_held_quantities)


async def delivery_records(offer_id: int) -> list[DeliveryRecord]:
    """Every Delivery row of the offer with its published announcements: two queries."""
    rows = await _RECORDS(offer=offer_id)
    published: dict[int, dict[int, Announced]] = defaultdict(dict)
    for row in await _PUBLISHED(offer=offer_id):
        published[row["delivery"]][row["offer_share"]] = _announced(row)
    return [_record(row, published.get(row["id"], {})) for row in rows]


async def share_calendar(offer_id: int, offer_share: int) -> tuple[list[date], list[DeliveryRecord]]:
    """The contract's dates in order, and its deliveries with the published announcements of one share
    type (as `delivery_records` reads them for all): one query."""
    dates, records = [], []
    for row in await _SHARE_CALENDAR(offer=offer_id, share=offer_share):
        if row["id"] is None:
            dates.append(row["due_on"])
        else:
            records.append(_share_record(row, offer_share))
    return sorted(dates), records


def _share_record(row: dict, offer_share: int) -> DeliveryRecord:
    """A delivery's row of SHARE_CALENDAR_SQL, with its announcement for that share type if published."""
    return _record(row, {offer_share: _announced(row)} if row["offer_share"] is not None else {})


def _record(row: dict, announced: dict[int, Announced]) -> DeliveryRecord:
    return DeliveryRecord(id=row["id"], due_on=row["due_on"], held_on=row["held_on"], outcome=_outcome(row),
                          delivered_percent=row["delivered_percent"], missing=row["missing"], cause=row["cause"],
                          catch_up_for=row["catch_up_for"], announced=announced)


def _outcome(row: dict) -> str:
    """A delivery still planned at a distribution the committee cancelled did not take place: it
    is read as cancelled (and follows the contract's rule) until the farm records otherwise."""
    if row["outcome"] == "planned" and row["distribution_status"] == "cancelled":
        return "cancelled"
    return row["outcome"]


async def offer_calendar(offer_id: int) -> list[CalendarDay]:
    dates = [row["delivers_on"] for row in await _CALENDAR(offer=offer_id)]
    return calendar_days(dates, await delivery_records(offer_id))


async def holders(offer_id: int | list[int], subscription_id: int | None = None
                  ) -> tuple[list[dict], dict[int, dict[date, int]]]:
    """The subscriptions that hold or held a place in the offer (or offers), with household and share
    names, and the per-date quantities of each (variable contracts): two queries."""
    offers = (offer_id if isinstance(offer_id, list) else [offer_id]) or [-1]
    if subscription_id is None:
        subscriptions = await _HOLDERS(offers=offers)
        rows = await _HELD_QUANTITIES(offers=offers)
    else:
        subscriptions = await _HOLDER(offers=offers, subscription=subscription_id)
        rows = await _HOLDER_QUANTITIES(offers=offers, subscription=subscription_id)
    quantities: dict[int, dict[date, int]] = defaultdict(dict)
    for row in rows:
        quantities[row["subscription"]][row["delivers_on"]] = row["quantity"]
    return subscriptions, quantities
