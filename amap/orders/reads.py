"""What members read of one-off orders: windows open to their groups, a window's catalog, their
household's orders and their lines, and the orders to hand over at a distribution."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from piccolo.columns import Column
from piccolo.query import Select
from piccolo.querystring import QueryString

from amap.lib import price_parts
from amap.lib.i18n import _l
from amap.lib.numbers import percent_text
from amap.lib.prepared import prepared
from amap.orders.ordering import catalog_rows, is_open, left_for
from amap.orders.tables import BulkBuyer, Order, OrderLine, OrderWindow, WindowStop

KIND_LABELS = {"kitchen": _l("community kitchen"), "collective": _l("collective"),
               "restaurant": _l("popular restaurant")}
"""The kinds of organisation a bulk buyer is (BulkBuyer.kind)."""


def _stop_columns(stop) -> tuple:
    """A stop (`WindowStop` or a path to one) with its group and its distribution's day, time and place."""
    return (stop.group.as_alias("group"), stop.group.name.as_alias("group_name"),
            stop.group.timezone.as_alias("timezone"), stop.distribution.as_alias("distribution"),
            stop.distribution.held_on.as_alias("held_on"), stop.distribution.starts_at.as_alias("starts_at"),
            stop.distribution.ends_at.as_alias("ends_at"), stop.distribution.status.as_alias("distribution_status"),
            stop.distribution.place.name.as_alias("place_name"), stop.arrives_at.as_alias("arrives_at"))


def _window_columns(window) -> tuple:
    return (window.title.as_alias("title"), window.description.as_alias("description"),
            window.farm.name.as_alias("farm_name"), window.opens_at.as_alias("opens_at"),
            window.closes_at.as_alias("closes_at"), window.published_at.as_alias("published_at"),
            window.closed_at.as_alias("closed_at"))


@cache
def _open_window_columns() -> tuple[tuple, Column, Column, Column, Column]:
    """open_windows' columns and the window's dates it filters and sorts on. Joined columns are built
    once: Piccolo copies the joined table's columns on every `a.b.c` (milliseconds a page)."""
    window = WindowStop.window
    return ((WindowStop.id, WindowStop.window, *_stop_columns(WindowStop), *_window_columns(window)),
            window.published_at, window.closed_at, window.opens_at, window.closes_at)


@cache
def _order_columns() -> tuple[tuple, Column]:
    """An order with its window and stop (household_orders, order_of), and its window's closing."""
    return (Order.all_columns(), *_window_columns(Order.window), *_stop_columns(Order.stop)), Order.window.closes_at


def _open_windows(groups: list, now: datetime) -> Select:
    columns, published_at, closed_at, opens_at, closes_at = _open_window_columns()
    return WindowStop.select(*columns).where(
        WindowStop.group.is_in(groups) & published_at.is_not_null() & closed_at.is_null() & (opens_at <= now)
        & (closes_at > now)).order_by(closes_at).order_by(WindowStop.window).order_by(WindowStop.position)


_OPEN_WINDOWS = prepared(_open_windows)


async def open_windows(group_ids: Iterable[int], now: datetime) -> list[dict]:
    """Windows open now that deliver to one of these groups, the soonest closing first, each with
    its stop (the first of the tour when it serves several of the groups)."""
    ids = sorted(group_ids)
    if not ids:
        return []
    # SQLite compares stored timestamps as text, all written in UTC
    return _first_stops(await _OPEN_WINDOWS(groups=ids, now=now.astimezone(UTC)))


def _first_stops(stops: Iterable[dict]) -> list[dict]:
    """Each window once, with the first of its stops (in the order given: the tour's)."""
    first: dict[int, dict] = {}
    for stop in stops:
        first.setdefault(stop["window"], stop)
    return list(first.values())


async def window_for(window_id: int, group_ids: Iterable[int], household_id: int | None) -> dict | None:
    """A published window as the household sees it, with its stop at one of the groups (the one of
    its order, if it has one); None when it does not deliver to them."""
    ids = sorted(group_ids)
    window = await OrderWindow.select(OrderWindow.all_columns(), OrderWindow.farm.name.as_alias("farm_name")).where(
        OrderWindow.id == window_id).first()
    if window is None or window["published_at"] is None or not ids:
        return None
    stops = await WindowStop.select(WindowStop.id, *_stop_columns(WindowStop)).where(
        (WindowStop.window == window_id) & WindowStop.group.is_in(ids)).order_by(WindowStop.position).order_by(
        WindowStop.id)
    if not stops:
        return None
    order = None
    if household_id is not None:
        order = await Order.select().where((Order.window == window_id) & (Order.household == household_id)).first()
    stop = next((s for s in stops if order and s["id"] == order["stop"]), stops[0])
    return {**window, "stop": stop, "order": order}


def vat_label(rate_bp: int | None) -> str:
    """550 basis points as "5,5 %" in French, "5.5%" in English: the locale's percent pattern."""
    if rate_bp is None:
        return ""
    return percent_text(Decimal(rate_bp) / 100)


async def catalog(window_id: int, current: dict[int, int] | None = None) -> list[dict]:
    """The window's products as the order form shows them: price, packaging, VAT, stock left (for
    this household, counting its own line) and the fair-price composition (the window's, else the
    product's)."""
    rows = await catalog_rows(window_id)
    for row in rows:
        row["left"] = left_for(row, (current or {}).get(row["id"], 0))
        row["parts"] = price_parts.parse(row["price_parts"]) or price_parts.parse(row["product_price_parts"])
        row["vat"] = vat_label(row["vat_rate_bp"])
        packaging = max(row["packaging"], 1)
        row["smallest"] = -(-max(row["min_quantity"], 1) // packaging) * packaging  # the least one may order
    return rows


def order_state(order: dict, now: datetime, today: date) -> str:
    """open (may still change), cancelled, to_collect (closed, its distribution still to come) or past."""
    if order["status"] == "cancelled":
        return "cancelled"
    if order["status"] == "open" and is_open(order, now):
        return "open"
    if order["held_on"] is None or order["held_on"] >= today:
        return "to_collect"
    return "past"


_HOUSEHOLD_ORDERS = prepared(lambda household: Order.select(*_order_columns()[0]).where(
    Order.household == household).order_by(_order_columns()[1], ascending=False))


async def household_orders(household_id: int | None, now: datetime, today: date) -> list[dict]:
    """The household's orders, most recent window first, each with its window, farm, stop and state."""
    if household_id is None:
        return []
    rows = await _HOUSEHOLD_ORDERS(household=household_id)
    for row in rows:
        row["state"] = order_state(row, now, today)
    return rows


def _orders_and_windows(household, groups: list, now: datetime):
    """_HOUSEHOLD_ORDERS' rows and _OPEN_WINDOWS' rows as one UNION ALL, told apart by `kind`. A window's row
    has the order's columns empty but `window`, and its stop's id under `stop`; `position` orders its stops.
    Written from the same columns as the two reads, so their rows come back shaped the same."""
    order_columns, _ = _order_columns()
    _, published_at, closed_at, opens_at, closes_at = _open_window_columns()
    standing_in = {"window": WindowStop.window, "stop": WindowStop.id}
    no_order = [standing_in[column._meta.name].as_alias(column._meta.name) if column._meta.name in standing_in
                else QueryString("NULL", alias=column._meta.name) for column in Order._meta.columns]
    orders = Order.select(QueryString("'order'", alias="kind"), *order_columns,
                          QueryString("NULL", alias="position")).where(Order.household == household)
    windows = WindowStop.select(QueryString("'window'", alias="kind"), *no_order,
                                *_window_columns(WindowStop.window), *_stop_columns(WindowStop),
                                WindowStop.position).where(
        WindowStop.group.is_in(groups) & published_at.is_not_null() & closed_at.is_null() & (opens_at <= now)
        & (closes_at > now))
    return Order.raw("{} UNION ALL {}", orders.querystrings[0], windows.querystrings[0])


_ORDERS_AND_WINDOWS = prepared(_orders_and_windows)
_ORDER_ONLY = frozenset(column._meta.name for column in Order._meta.columns) - {"window"}


async def orders_and_open_windows(household_id: int | None, group_ids: Iterable[int], now: datetime,
                                  today: date) -> tuple[list[dict], list[dict]]:
    """household_orders() and open_windows() in one statement, for the pages that show both (/me, /orders);
    nothing without a household."""
    if household_id is None:
        return [], []
    orders, stops = [], []
    for row in await _ORDERS_AND_WINDOWS(household=household_id, groups=sorted(group_ids) or [-1],
                                         now=now.astimezone(UTC)):  # as open_windows compares them
        kind, position = row.pop("kind"), row.pop("position")
        if kind == "order":
            row["state"] = order_state(row, now, today)
            orders.append(row)
        else:
            stop = {name: value for name, value in row.items() if name not in _ORDER_ONLY}
            stops.append((stop["closes_at"], stop["window"], position, {**stop, "id": row["stop"]}))
    orders.sort(key=lambda order: order["closes_at"], reverse=True)
    return orders, _first_stops(stop for *_, stop in sorted(stops, key=lambda item: item[:3]))


async def order_of(order_id: int) -> dict | None:
    """One order with its window, farm and stop (whoever's it is: callers check)."""
    return await Order.select(*_order_columns()[0]).where(Order.id == order_id).first()


async def lines_of(order_ids: list[int]) -> dict[int, list[dict]]:
    """The lines of these orders, by order, with their product's name and unit."""
    if not order_ids:
        return {}
    rows = await OrderLine.select(
        OrderLine.all_columns(), OrderLine.window_product.product.name.as_alias("name"),
        OrderLine.window_product.product.unit.as_alias("unit"),
    ).where(OrderLine.order.is_in(order_ids)).order_by(OrderLine.window_product)
    found: dict[int, list[dict]] = {order_id: [] for order_id in order_ids}
    for row in rows:
        found[row["order"]].append(row)
    return found


async def bulk_kind(household_id: int | None) -> str | None:
    """The kind of organisation the household is (kitchen, collective, restaurant), or None."""
    if household_id is None:
        return None
    row = await BulkBuyer.select(BulkBuyer.kind).where(
        (BulkBuyer.household == household_id) & (BulkBuyer.active == True)).first()  # noqa: E712
    return row["kind"] if row else None
