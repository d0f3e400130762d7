"""Money handed to the producer for orders: recording it, and what each order still owes.

Members pay the producer directly (at pickup or in advance); this only keeps track. A mistake is
corrected by a negative row with a note, never by changing or deleting a recorded one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from amap.audit import log as audit
from amap.lib.db import write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _, _l
from amap.lib.prepared import prepared
from amap.orders.tables import Order, OrderPayment

METHOD_NAMES = {"cash": _l("Cash"), "cheque": _l("Cheque"), "transfer": _l("Transfer"), "card": _l("Card")}
MAX_AMOUNT_CENTS = 10_000_000  # 100,000 euros: anything above is a typing slip
RECEIVED_AT = time(12, 0)
"""A payment dated another day than today is stored at noon there: the day shows the same everywhere."""


_AMOUNTS = prepared(lambda orders: OrderPayment.select(OrderPayment.order, OrderPayment.amount_cents).where(
    OrderPayment.order.is_in(orders)))


async def paid_by_order(order_ids: list[int]) -> dict[int, int]:
    paid: dict[int, int] = defaultdict(int)
    if order_ids:
        for row in await _AMOUNTS(orders=list(order_ids)):
            paid[row["order"]] += row["amount_cents"]
    return paid


_PAYMENTS = prepared(lambda orders: OrderPayment.select(
    OrderPayment.all_columns(), OrderPayment.recorded_by.name.as_alias("recorded_by_name"),
).where(OrderPayment.order.is_in(orders)).order_by(OrderPayment.received_on).order_by(OrderPayment.id))


async def payments_of(order_ids: list[int]) -> dict[int, list[dict]]:
    """Each order's payments, oldest first, with who recorded them."""
    found: dict[int, list[dict]] = defaultdict(list)
    if order_ids:
        for row in await _PAYMENTS(orders=list(order_ids)):
            found[row["order"]].append(row)
    return found


def read_payment(form: Form, today: date) -> dict:
    """The payment as typed: an amount other than zero (negative corrects), a method, a day not in
    the future, and a note saying why for a correction."""
    amount = form.correction_amount("amount", maximum_cents=MAX_AMOUNT_CENTS)
    method = form.choice("method", METHOD_NAMES)
    received_on = form.date("received_on")
    if received_on is not None and received_on > today:
        form.error("received_on", _("Enter a date that is not in the future."))
    note = form.text("note", required=False, max_length=200)
    if amount is not None and amount < 0 and not note:
        form.error("note", _("A negative amount corrects an earlier payment: say why in the note."))
    return {"amount_cents": amount, "method": method, "received_on": received_on, "note": note}


async def record_payment(order_id: int, payment: dict, *, by_user: int, now: datetime, timezone: str) -> int:
    day = payment["received_on"]
    local_now = now.astimezone(ZoneInfo(timezone))
    received = (now if day == local_now.date()
                else datetime.combine(day, RECEIVED_AT, tzinfo=ZoneInfo(timezone))).astimezone(UTC)
    async with write_transaction():
        rows = await OrderPayment.insert(OrderPayment(
            order=order_id, amount_cents=payment["amount_cents"], method=payment["method"], received_on=received,
            recorded_by=by_user, note=payment["note"])).returning(OrderPayment.id)
        order = await Order.select(Order.household, Order.stop.group.as_alias("group"),
                                   Order.window.title.as_alias("window_title")).where(Order.id == order_id).first()
        await audit.record(group=order["group"], kind="order", subject_id=order_id,
                           action="payment_corrected" if payment["amount_cents"] < 0 else "payment_recorded",
                           actor=by_user, details={"amount_cents": payment["amount_cents"], "method": payment["method"],
                                                   "received_on": day, "note": payment["note"],
                                                   "household": order["household"],
                                                   "window_title": order["window_title"]})
    return rows[0]["id"]
