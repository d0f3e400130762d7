"""The risk-sharing ledger: for each subscription, delivery by delivery, what was announced, how the
delivery ended, what it was worth, what the household paid for it, and the compensations the
committee decided. Money is integer cents throughout.

`load_ledger` reads the season in bulk (amap.distributions.season) and the compensations, in a
fixed number of queries whatever the number of deliveries or subscribers; everything after
that is plain arithmetic on those rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from amap.contracts.tables import OfferShare
from amap.distributions.season import (
    Announced,
    CalendarDay,
    DeliveryRecord,
    calendar_days,
    holders,
    holds_a_place,
    offer_calendar,
    units_on,
)
from amap.distributions.tables import LedgerEntry
from amap.lib.i18n import _l
from amap.lib.prepared import prepared

STATUSES = {
    "to_come": _l("To come"),
    "unconfirmed": _l("Delivered (not confirmed yet)"),
    "delivered": _l("Delivered as planned"),
    "reduced": _l("Delivered reduced"),
    "shared_loss": _l("Cancelled: a loss shared by all"),
    "catch_up_owed": _l("Cancelled: catch-up owed"),
    "catch_up_planned": _l("Cancelled: catch-up planned"),
    "caught_up": _l("Cancelled, then caught up"),
}
"""What a line of the ledger says, the outcome read with the contract's rule and its catch-up."""


@dataclass(frozen=True)
class LedgerLine:
    """One delivery of one subscription."""

    due_on: date
    held_on: date
    delivery_id: int | None
    offer_share: int
    status: str
    units: int  # shares received that day (the per-date quantity of a variable contract)
    announced: Announced | None  # what the share held, as published
    delivered_percent: int
    missing: str
    cause: str
    catch_up_on: date | None
    price_cents: int  # what the household paid for this delivery
    value_cents: int | None  # what it was worth; None while to come or when no unit price was announced
    shortfall_cents: int  # announced value not delivered (a reduced delivery)
    loss_cents: int  # price of a cancelled delivery carried as a shared loss

    @property
    def counted(self) -> bool:
        """The delivery happened, was cancelled or its day is past: it counts in the totals to date."""
        return self.status != "to_come"

    @property
    def difference_cents(self) -> int | None:
        if not self.counted or self.value_cents is None:
            return None
        return self.value_cents - self.price_cents


@dataclass(frozen=True)
class Totals:
    deliveries: int = 0
    made: int = 0  # counted lines
    price_season_cents: int = 0
    price_to_date_cents: int = 0
    value_to_date_cents: int = 0
    valued_price_cents: int = 0  # price of the counted lines whose value is known
    unvalued: int = 0  # counted lines without a priced announcement, left out of the difference
    reduced: int = 0
    shortfall_cents: int = 0
    shared_losses: int = 0
    shared_loss_cents: int = 0
    catch_ups_owed: int = 0  # cancelled deliveries not made up yet (planned or not)
    catch_ups_made: int = 0
    compensation_cents: int = 0

    @property
    def to_come(self) -> int:
        return self.deliveries - self.made

    @property
    def difference_cents(self) -> int:
        """Value delivered minus price paid, over the deliveries whose value is known."""
        return self.value_to_date_cents - self.valued_price_cents

    @property
    def balance_cents(self) -> int:
        """The difference once the committee's compensations are counted."""
        return self.difference_cents + self.compensation_cents


@dataclass(frozen=True)
class SubscriptionLedger:
    subscription: dict
    lines: list[LedgerLine]
    entries: list[dict]
    totals: Totals


@dataclass(frozen=True)
class DayRow:
    """One delivery of the contract across all its subscribers."""

    due_on: date
    held_on: date
    delivery_id: int | None
    status: str
    outcome: str
    delivered_percent: int
    missing: str
    cause: str
    catch_up_on: date | None
    catch_up_id: int | None
    announced: dict[int, Announced]
    units_by_share: dict[int, int]
    price_cents: int
    value_cents: int
    valued_price_cents: int
    unvalued: int
    cumulative_price_cents: int | None  # None while to come
    cumulative_value_cents: int | None

    @property
    def units(self) -> int:
        return sum(self.units_by_share.values())

    @property
    def counted(self) -> bool:
        return self.status != "to_come"


@dataclass(frozen=True)
class OfferLedger:
    shares: list[dict]  # the offer's share types: id, name
    days: list[DayRow]
    subscriptions: list[SubscriptionLedger]
    totals: Totals

    def day_counts(self) -> dict[str, int]:
        """How many deliveries of the contract ended each way (the totals count households' lines)."""
        counts = dict.fromkeys(STATUSES, 0)
        for row in self.days:
            counts[row.status] += 1
        return counts

    def chart(self) -> dict:
        """Cumulative price and value over the deliveries whose value is known, for the chart."""
        return {
            "dates": [row.held_on.isoformat() for row in self.days],
            "price": [row.cumulative_price_cents for row in self.days],
            "value": [row.cumulative_value_cents for row in self.days],
        }


# --- Arithmetic ------------------------------------------------------------------------------

def percent_of(cents: int, percent: int) -> int:
    """cents × percent / 100, rounded half up (amounts here are never negative)."""
    whole, rest = divmod(cents * percent, 100)
    return whole + (1 if rest * 2 >= 100 else 0)


def day_status(day: CalendarDay, rule: str, today: date) -> str:
    """What became of a date: the recorded outcome, read with the rule and the catch-up."""
    delivery = day.delivery
    outcome = delivery.outcome if delivery else "planned"
    held_on = delivery.held_on if delivery else day.due_on
    if outcome == "cancelled":
        if day.catch_up is not None:
            catch_up = day.catch_up
            made = catch_up.made or (catch_up.outcome == "planned" and catch_up.held_on <= today)
            return "caught_up" if made else "catch_up_planned"
        return "shared_loss" if rule == "shared_loss" else "catch_up_owed"
    if outcome in ("delivered", "reduced"):
        return outcome
    return "unconfirmed" if held_on <= today else "to_come"


def _worth(announced: Announced | None, units: int, percent: int) -> int | None:
    if announced is None or not announced.priced:
        return None
    return percent_of(announced.value_cents * units, percent)


def ledger_line(day: CalendarDay, subscription: dict, units: int, rule: str, today: date) -> LedgerLine:
    """One subscription's line for one date (its `units` that day already worked out)."""
    delivery = day.delivery
    status = day_status(day, rule, today)
    share = subscription["offer_share"]
    price = subscription["price_cents"] * units
    source = day.catch_up if status in ("caught_up", "catch_up_planned") else delivery
    announced = source.announced.get(share) if source else None
    if announced is None and delivery is not None:
        announced = delivery.announced.get(share)
    percent = source.delivered_percent if source is not None and source.outcome == "reduced" else 100
    value: int | None
    if status == "to_come":
        value = None
    elif status in ("shared_loss", "catch_up_owed", "catch_up_planned"):
        value = 0
    else:
        value = _worth(announced, units, percent)
    full = _worth(announced, units, 100)
    shortfall = full - value if status in ("reduced", "caught_up") and full is not None and value is not None else 0
    return LedgerLine(
        due_on=day.due_on,
        held_on=delivery.held_on if delivery else day.due_on,
        delivery_id=delivery.id if delivery else None,
        offer_share=share,
        status=status,
        units=units,
        announced=announced,
        delivered_percent=percent,
        missing=delivery.missing if delivery and delivery.outcome == "reduced" else "",
        cause=delivery.cause if delivery and delivery.outcome == "cancelled" else "",
        catch_up_on=day.catch_up.held_on if day.catch_up and status != "shared_loss" else None,
        price_cents=price,
        value_cents=value,
        shortfall_cents=shortfall,
        loss_cents=price if status == "shared_loss" else 0,
    )


def subscription_lines(days: list[CalendarDay], subscription: dict, quantities: dict[date, int], *,
                       variable: bool, rule: str, today: date,
                       made: dict[tuple, LedgerLine] | None = None) -> list[LedgerLine]:
    """The subscription's lines from its first delivery until it ended (a date with no unit is no line).
    A line depends only on its day, share type, price and units: `made` keeps those already worked out
    for the offer's other subscriptions, which share them (lines are immutable)."""
    made = {} if made is None else made
    share, price = subscription["offer_share"], subscription["price_cents"]
    lines = []
    for day in days:
        units = units_on(subscription, quantities, day.due_on, variable)
        if units > 0:
            key = (day.due_on, share, price, units)
            line = made.get(key)
            if line is None:
                line = made[key] = ledger_line(day, subscription, units, rule, today)
            lines.append(line)
    return lines


def totals(lines: Iterable[LedgerLine], entries: Iterable[dict] = ()) -> Totals:
    counts: dict[str, int] = defaultdict(int)
    for line in lines:
        counts["deliveries"] += 1
        counts["price_season_cents"] += line.price_cents
        if not line.counted:
            continue
        counts["made"] += 1
        counts["price_to_date_cents"] += line.price_cents
        if line.value_cents is None:
            counts["unvalued"] += 1
        else:
            counts["value_to_date_cents"] += line.value_cents
            counts["valued_price_cents"] += line.price_cents
        counts["shortfall_cents"] += line.shortfall_cents
        counts["reduced"] += line.status == "reduced"
        if line.status == "shared_loss":
            counts["shared_losses"] += 1
            counts["shared_loss_cents"] += line.loss_cents
        counts["catch_ups_owed"] += line.status in ("catch_up_owed", "catch_up_planned")
        counts["catch_ups_made"] += line.status == "caught_up"
    counts["compensation_cents"] = sum(entry["amount_cents"] for entry in entries)
    return Totals(**counts)


def day_rows(days: list[CalendarDay], ledgers: list[SubscriptionLedger], rule: str, today: date) -> list[DayRow]:
    """The offer's deliveries across all subscribers, with running totals for the chart."""
    by_date: dict[date, list[LedgerLine]] = defaultdict(list)
    for ledger in ledgers:
        for line in ledger.lines:
            by_date[line.due_on].append(line)
    rows = []
    cumulative_price = cumulative_value = 0
    for day in days:
        lines = by_date.get(day.due_on, [])
        units_by_share: dict[int, int] = defaultdict(int)
        for line in lines:
            units_by_share[line.offer_share] += line.units
        status = day_status(day, rule, today)
        valued = [line for line in lines if line.value_cents is not None]
        valued_price = sum(line.price_cents for line in valued)
        value = sum(line.value_cents or 0 for line in valued)
        counted = status != "to_come"
        if counted:
            cumulative_price += valued_price
            cumulative_value += value
        delivery = day.delivery
        rows.append(DayRow(
            due_on=day.due_on, held_on=delivery.held_on if delivery else day.due_on,
            delivery_id=delivery.id if delivery else None, status=status,
            outcome=delivery.outcome if delivery else "planned",
            delivered_percent=delivery.delivered_percent if delivery else 100,
            missing=delivery.missing if delivery else "", cause=delivery.cause if delivery else "",
            catch_up_on=day.catch_up.held_on if day.catch_up else None,
            catch_up_id=day.catch_up.id if day.catch_up else None,
            announced=delivery.announced if delivery else {},
            units_by_share=dict(units_by_share), price_cents=sum(line.price_cents for line in lines),
            value_cents=value, valued_price_cents=valued_price,
            unvalued=sum(1 for line in lines if line.counted and line.value_cents is None),
            cumulative_price_cents=cumulative_price if counted else None,
            cumulative_value_cents=cumulative_value if counted else None,
        ))
    return rows


# --- Loading ---------------------------------------------------------------------------------

def _entries(offer: int, subscription: int | None = None):
    """compensations()' select; `subscription` given (never None in a prepared call): that one only."""
    where = LedgerEntry.subscription.offer == offer
    if subscription is not None:
        where &= LedgerEntry.subscription == subscription
    return LedgerEntry.select(
        LedgerEntry.id, LedgerEntry.subscription, LedgerEntry.delivery,
        LedgerEntry.delivery.due_on.as_alias("delivery_due_on"), LedgerEntry.amount_cents, LedgerEntry.note,
        LedgerEntry.recorded_by.name.as_alias("recorded_by_name"), LedgerEntry.recorded_at,
    ).where(where).order_by(LedgerEntry.recorded_at).order_by(LedgerEntry.id)


# The ledger is on every subscription's page: its SQL is written once (amap.lib.prepared).
_ENTRIES = prepared(_entries)
_ENTRIES_OF = prepared(_entries)
_SHARES = prepared(lambda offer: OfferShare.select(OfferShare.id, OfferShare.share_type.name.as_alias("name")).where(
    OfferShare.offer == offer).order_by(OfferShare.id))


async def compensations(offer_id: int, subscription_id: int | None = None) -> dict[int, list[dict]]:
    """The committee's recorded compensations, by subscription, oldest first."""
    rows = (await _ENTRIES(offer=offer_id) if subscription_id is None
            else await _ENTRIES_OF(offer=offer_id, subscription=subscription_id))
    found: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        found[row["subscription"]].append(row)
    return found


def _subscription_ledger(days: list[CalendarDay], subscription: dict, quantities: dict[date, int],
                         entries: list[dict], offer: dict, today: date,
                         made: dict[tuple, LedgerLine] | None = None) -> SubscriptionLedger:
    lines = subscription_lines(days, subscription, quantities, variable=offer["nature"] == "variable",
                               rule=offer["missed_delivery_rule"], today=today, made=made)
    return SubscriptionLedger(subscription, lines, entries, totals(lines, entries))


async def load_ledger(offer: dict, today: date, subscription_id: int | None = None) -> OfferLedger:
    """The ledger of an offer (`offer` needs id, nature and missed_delivery_rule), or of one of its
    subscriptions: seven queries, whatever the number of deliveries and subscribers."""
    days = await offer_calendar(offer["id"])
    subscriptions, quantities = await holders(offer["id"], subscription_id)
    entries = await compensations(offer["id"], subscription_id)
    made: dict[tuple, LedgerLine] = {}  # the lines the subscriptions share (subscription_lines)
    ledgers = [_subscription_ledger(days, subscription, quantities.get(subscription["id"], {}),
                                    entries.get(subscription["id"], []), offer, today, made)
               for subscription in subscriptions]
    shares = await _SHARES(offer=offer["id"])
    rule = offer["missed_delivery_rule"]
    return OfferLedger(
        shares=shares,
        days=day_rows(days, ledgers, rule, today),
        subscriptions=ledgers,
        totals=totals([line for ledger in ledgers for line in ledger.lines],
                      [entry for ledger in ledgers for entry in ledger.entries]),
    )


async def subscription_ledger(offer: dict, today: date, subscription: dict, quantities: dict[date, int],
                              dates: Iterable[date], records: Iterable[DeliveryRecord], *,
                              compensated: bool = True) -> SubscriptionLedger | None:
    """One subscription's ledger, as `load_ledger(offer, today, subscription["id"])` finds it, from what its
    page has already read: the subscription's row, its units per date, the offer's dates and its
    deliveries with the subscription's share's announcements (season.share_calendar). One query (the
    compensations), none when the page knows no compensation is recorded (`compensated` False); None
    while it holds no place."""
    if not holds_a_place(subscription):
        return None
    days = calendar_days(dates, records)
    entries = (await compensations(offer["id"], subscription["id"])).get(subscription["id"], []) if compensated else []
    return _subscription_ledger(days, subscription, quantities, entries, offer, today)
