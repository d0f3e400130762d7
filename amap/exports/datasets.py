"""What a group's committee may download: its members, subscriptions, payments, distributions,
roster and one-off orders, each read in a few queries whatever its size; and the orders of one
window, for its producer. Each builds a Sheet; amap/exports/writers.py writes it as CSV or XLSX."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, time

from babel.support import LazyProxy

from amap.contracts.tables import Subscription
from amap.distributions.services import deliveries_of
from amap.distributions.tables import Delivery, Distribution
from amap.exports.sheet import DATE, INTEGER, MOMENT, MONEY, YES_NO, Column, Sheet
from amap.groups.committee import member_households
from amap.groups.tables import Membership
from amap.lib.i18n import _, _l
from amap.orders.picking import order_lines, picking
from amap.orders.settlement import paid_by_order
from amap.orders.tables import Order, OrderLine
from amap.payments import exports as offer_exports
from amap.payments import services as payments
from amap.payments.tables import Payment
from amap.roster.signups import HOLDING
from amap.roster.slots import is_live
from amap.roster.tables import Signup, Slot

MEMBERSHIP_LABELS = {"active": _l("active"), "pending": _l("waiting"), "left": _l("left")}
STATE_LABELS = {"planned": _l("planned"), "delivered": _l("delivered"), "reduced": _l("reduced"),
                "cancelled": _l("cancelled")}
"""A distribution's status and a delivery's outcome."""
ORDER_LABELS = {"open": _l("ordered, can be changed"), "locked": _l("confirmed"), "cancelled": _l("cancelled")}


def label(labels: dict, code: str) -> str:
    return str(labels.get(code, code))


def clock(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


async def members(group: dict, today: date) -> Sheet:
    """Each household that is, was or asks to be a member, with its adults and its membership fee."""
    rows = [(member["household_name"], ", ".join(adult["name"] for adult in member["adults"]),
             ", ".join(adult["email"] for adult in member["adults"]),
             ", ".join(adult["phone"] for adult in member["adults"] if adult["phone"]),
             label(MEMBERSHIP_LABELS, member["status"]), member["created_at"], member["fee_cents"],
             member["fee_received_on"])
            for member in await member_households(group["id"])]
    columns = (Column(_("Household")), Column(_("Adults")), Column(_("E-mail address")), Column(_("Phone")),
               Column(_("Status")), Column(_("Member since"), MOMENT), Column(_("Membership fee"), MONEY),
               Column(_("Fee received on"), DATE))
    return Sheet(_("Members"), columns, rows, group["timezone"])


async def subscriptions(group: dict, today: date) -> Sheet:
    """Every subscription of the group's contracts that holds or held a place, with its balance."""
    rows = await Subscription.select(
        Subscription.id, Subscription.offer.name.as_alias("offer_name"),
        Subscription.offer.farm.name.as_alias("farm_name"), Subscription.household.name.as_alias("household_name"),
        Subscription.co_household.name.as_alias("co_household_name"),
        Subscription.offer_share.share_type.name.as_alias("share_name"), Subscription.tier, Subscription.quantity,
        Subscription.status, Subscription.deliveries, Subscription.signed_at, Subscription.ended_on,
    ).where((Subscription.offer.group == group["id"]) & Subscription.status.is_in(list(payments.LISTED))
            & Subscription.first_delivery_on.is_not_null()
            ).order_by(Subscription.offer.starts_on).order_by(Subscription.offer.name).order_by(
        Subscription.household.name).order_by(Subscription.id)
    balances = await payments.balances([row["id"] for row in rows], today)
    columns = (Column(_("Contract")), Column(_("Farm")), *offer_exports.subscription_columns())
    return Sheet(_("Subscriptions"), columns, [
        (row["offer_name"], row["farm_name"], *offer_exports.subscription_cells(row | {"balance": balances[row["id"]]}))
        for row in rows], group["timezone"])


async def payments_received(group: dict, today: date) -> Sheet:
    """Every payment recorded for the group's contracts, corrections included, as a ledger."""
    rows = await Payment.select(
        Payment.subscription.offer.name.as_alias("offer_name"),
        Payment.subscription.offer.farm.name.as_alias("farm_name"),
        Payment.subscription.household.name.as_alias("household_name"),
        Payment.subscription.offer_share.share_type.name.as_alias("share_name"), Payment.amount_cents,
        Payment.method, Payment.cheque_number, Payment.bank, Payment.received_on, Payment.note,
        Payment.remittance.handed_over_on.as_alias("handed_over_on"),
        Payment.recorded_by.name.as_alias("recorded_by_name"), Payment.recorded_at,
    ).where(Payment.subscription.offer.group == group["id"]).order_by(Payment.recorded_at).order_by(Payment.id)
    columns = (Column(_("Contract")), Column(_("Farm")), *offer_exports.payment_columns())
    return Sheet(_("Payments"), columns, [(row["offer_name"], row["farm_name"], *offer_exports.payment_cells(row))
                                          for row in rows], group["timezone"])


async def distributions(group: dict, today: date) -> Sheet:
    """One line per delivery of each distribution day (one for a day without any), with its outcome."""
    days = await Distribution.select(
        Distribution.id, Distribution.held_on, Distribution.starts_at, Distribution.ends_at, Distribution.status,
        Distribution.closed_at, Distribution.place.name.as_alias("place_name"),
    ).where(Distribution.group == group["id"]).order_by(Distribution.held_on).order_by(
        Distribution.starts_at).order_by(Distribution.id)
    by_day: dict[int, list[dict]] = defaultdict(list)
    for delivery in await deliveries_of([day["id"] for day in days]):
        by_day[delivery["distribution"]].append(delivery)
    rows = []
    for day in days:
        common = (day["held_on"], day["place_name"], clock(day["starts_at"]), clock(day["ends_at"]),
                  label(STATE_LABELS, day["status"]), day["closed_at"] is not None)
        rows += [(*common, delivery["offer_name"], delivery["farm_name"], label(STATE_LABELS, delivery["outcome"]),
                  delivery["delivered_percent"] if delivery["outcome"] == "reduced" else None,
                  delivery["missing"], delivery["cause"], delivery["catch_up_of_on"])
                 for delivery in by_day[day["id"]]] or [(*common, None, None, None, None, None, None, None)]
    columns = (Column(_("Date"), DATE), Column(_("Place")), Column(_("Starts at")), Column(_("Ends at")),
               Column(_("Status")), Column(_("Sign-off sheet closed"), YES_NO), Column(_("Contract")),
               Column(_("Farm")), Column(_("Outcome")), Column(_("Delivered (%)"), INTEGER),
               Column(_("What was missing")), Column(_("Why it was cancelled")),
               Column(_("Makes up the delivery of"), DATE))
    return Sheet(_("Distributions"), columns, rows, group["timezone"])


async def roster(group: dict, today: date) -> Sheet:
    """Each shift of the roster (a role at a distribution, or a one-off task) with who holds it."""
    slots = await Slot.select(
        Slot.id, Slot.held_on, Slot.capacity, Slot.taken, Slot.role.name.as_alias("role_name"),
        Slot.task.title.as_alias("task_title"),
    ).where((Slot.group == group["id"]) & is_live()).order_by(Slot.held_on).order_by(Slot.id)
    people: dict[int, list[dict]] = defaultdict(list)
    for signup in await Signup.select(
        Signup.slot, Signup.user.name.as_alias("name"), Signup.household.name.as_alias("household_name"),
    ).where((Signup.slot.group == group["id"]) & Signup.status.is_in(list(HOLDING))).order_by(
            Signup.signed_at).order_by(Signup.id):
        people[signup["slot"]].append(signup)
    rows = [(slot["held_on"], slot["role_name"] or slot["task_title"], slot["capacity"],
             ", ".join(person["name"] for person in people[slot["id"]]),
             ", ".join(dict.fromkeys(person["household_name"] for person in people[slot["id"]])),
             max(slot["capacity"] - slot["taken"], 0)) for slot in slots]
    columns = (Column(_("Date"), DATE), Column(_("Shift")), Column(_("Places"), INTEGER), Column(_("Volunteers")),
               Column(_("Households")), Column(_("Free places"), INTEGER))
    return Sheet(_("Roster"), columns, rows, group["timezone"])


def order_sheet(orders: list[dict], timezone: str) -> Sheet:
    """One line per product ordered; each order carries its lines and what was paid for it."""
    rows = [(order["window_title"], order["farm_name"], order["group_name"], order["held_on"],
             order["household_name"], line["name"], line["unit"], line["quantity"], line["unit_price_cents"],
             line["total_cents"], label(ORDER_LABELS, order["status"]),
             order["paid_cents"] >= sum(line["total_cents"] for line in order["lines"]))
            for order in orders for line in order["lines"]]
    columns = (Column(_("Order window")), Column(_("Producer")), Column(_("Group")), Column(_("Delivered on"), DATE),
               Column(_("Household")), Column(_("Product")), Column(_("Unit")), Column(_("Quantity"), INTEGER),
               Column(_("Unit price"), MONEY), Column(_("Line total"), MONEY), Column(_("Order status")),
               Column(_("Paid"), YES_NO))
    return Sheet(_("Orders"), columns, rows, timezone)


async def orders(group: dict, today: date) -> Sheet:
    """The one-off orders delivered at the group's distributions, cancelled ones included (so marked)."""
    found = await Order.select(
        Order.id, Order.status, Order.household.name.as_alias("household_name"),
        Order.window.title.as_alias("window_title"), Order.window.farm.name.as_alias("farm_name"),
        Order.stop.group.name.as_alias("group_name"), Order.stop.distribution.held_on.as_alias("held_on"),
    ).where(Order.stop.group == group["id"]).order_by(Order.window.closes_at).order_by(Order.window).order_by(
        Order.household.name).order_by(Order.id)
    ids = [order["id"] for order in found]
    lines, paid = await order_lines(ids), await paid_by_order(ids)
    return order_sheet([order | {"lines": lines.get(order["id"], []), "paid_cents": paid.get(order["id"], 0)}
                        for order in found], group["timezone"])


async def window_orders(window: dict, timezone: str) -> Sheet:
    """A window's orders for its producer, stop after stop as on the picking lists (cancelled ones left out)."""
    figures = await picking(window["id"])
    return order_sheet([order | {"window_title": window["title"], "farm_name": window["farm_name"],
                                 "group_name": stop["group_name"], "held_on": stop["held_on"]}
                        for stop in figures["stops"] for order in stop["orders"]], timezone)


# How many lines each sheet has, counted by the database (the exports page shows them all at once).

async def count_members(group: dict) -> int:
    return await Membership.count().where(Membership.group == group["id"])


async def count_subscriptions(group: dict) -> int:
    return await Subscription.count().where(
        (Subscription.offer.group == group["id"]) & Subscription.status.is_in(list(payments.LISTED))
        & Subscription.first_delivery_on.is_not_null())


async def count_payments(group: dict) -> int:
    return await Payment.count().where(Payment.subscription.offer.group == group["id"])


async def count_distributions(group: dict) -> int:
    """A line per delivery, and one for each day without any."""
    deliveries = await Delivery.count().where(Delivery.distribution.group == group["id"])
    empty_days = await Distribution.count().where(
        (Distribution.group == group["id"]) & Distribution.id.not_in(Delivery.select(Delivery.distribution).where(
            Delivery.distribution.group == group["id"])))
    return deliveries + empty_days


async def count_roster(group: dict) -> int:
    return await Slot.count().where((Slot.group == group["id"]) & is_live())


async def count_orders(group: dict) -> int:
    return await OrderLine.count().where((OrderLine.order.stop.group == group["id"]) & (OrderLine.quantity > 0))


@dataclass(frozen=True)
class Dataset:
    name: str
    """In the address and the file name: /committee/tilleuls/exports/members.xlsx."""
    title: LazyProxy
    """The sheet's title, as its `build` names it."""
    description: LazyProxy
    build: Callable[[dict, date], Awaitable[Sheet]]
    count: Callable[[dict], Awaitable[int]]
    """Its number of lines, without building it."""


DATASETS = {dataset.name: dataset for dataset in (
    Dataset("members", _l("Members"), _l("Member households: adults, e-mail addresses, phones, status, membership fee."), members,
            count_members),
    Dataset("subscriptions", _l("Subscriptions"), _l("Every contract signed, with its total, what was received and what is overdue."),
            subscriptions, count_subscriptions),
    Dataset("payments", _l("Payments"), _l("Every payment recorded for the contracts, corrections included."), payments_received,
            count_payments),
    Dataset("distributions", _l("Distributions"), _l("Distribution days, each contract's delivery and how it went."), distributions,
            count_distributions),
    Dataset("roster", _l("Roster"), _l("Each shift, who holds it and the places still free."), roster, count_roster),
    Dataset("orders", _l("Orders"), _l("One-off orders delivered at the group's distributions, product by product."), orders,
            count_orders),
)}
"""The committee's exports, in the order of the page."""
