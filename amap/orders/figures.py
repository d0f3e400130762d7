"""A window's figures added up by the database, and its orders one page at a time: what the
producer's window page, picking lists and tour sheets show, in a fixed number of queries whatever
the number of orders (a window open to a whole network gathers thousands).

The sums are `picking()`'s (amap.orders.picking): order lines of orders not cancelled, in integer
cents, so a stop's total is the sum of its orders and the window's the sum of its stops.
"""

from __future__ import annotations

from collections import defaultdict

from piccolo.query.methods.select import Count, Sum

from amap.accounts.search import household_matches
from amap.distributions.sheet import collection_states
from amap.lib.prepared import prepared
from amap.orders.picking import order_lines
from amap.orders.settlement import paid_by_order
from amap.orders.tables import BulkBuyer, Order, OrderLine, OrderPayment, WindowProduct, WindowStop


def _stop_columns() -> list:
    return [WindowStop.all_columns(), WindowStop.group.name.as_alias("group_name"),
            WindowStop.group.timezone.as_alias("timezone"),
            WindowStop.distribution.held_on.as_alias("held_on"), WindowStop.distribution.starts_at.as_alias("starts_at"),
            WindowStop.distribution.ends_at.as_alias("ends_at"),
            WindowStop.distribution.place.name.as_alias("place_name"),
            WindowStop.distribution.place.address.as_alias("place_address")]


def _by_name(items) -> list[dict]:
    return sorted(items, key=lambda item: (item["name"].casefold(), item["id"]))


# The producer's window pages read these on every view: their SQL is written once (amap.lib.prepared).
_STOPS = prepared(lambda windows: WindowStop.select(*_stop_columns()).where(WindowStop.window.is_in(windows)).order_by(
    WindowStop.window).order_by(WindowStop.position).order_by(WindowStop.id))
_PRODUCTS = prepared(lambda windows: WindowProduct.select(
    WindowProduct.id, WindowProduct.window, WindowProduct.price_cents, WindowProduct.stock,
    WindowProduct.reserved, WindowProduct.product.name.as_alias("name"), WindowProduct.product.unit.as_alias("unit"),
).where(WindowProduct.window.is_in(windows)))
_LINE_SUMS = prepared(lambda windows: OrderLine.select(
    OrderLine.order.stop.as_alias("stop"), OrderLine.window_product,
    Sum(OrderLine.quantity, alias="quantity"), Sum(OrderLine.total_cents, alias="total_cents"),
).where(OrderLine.order.window.is_in(windows) & (OrderLine.order.status != "cancelled") & (OrderLine.quantity > 0)
        ).group_by(OrderLine.order.stop, OrderLine.window_product))
_ORDER_COUNTS = prepared(lambda windows: Order.select(Order.stop, Count(Order.id, alias="count")).where(
    Order.window.is_in(windows) & (Order.status != "cancelled")).group_by(Order.stop))
_PAID = prepared(lambda windows: OrderPayment.select(
    OrderPayment.order.stop.as_alias("stop"), Sum(OrderPayment.amount_cents, alias="paid_cents"),
).where(OrderPayment.order.window.is_in(windows) & (OrderPayment.order.status != "cancelled")).group_by(
    OrderPayment.order.stop))


async def window_figures(window_ids: list[int]) -> dict[int, dict]:
    """Each window's stops in tour order (with their number of orders, totals, paid and product totals),
    its products (ordered, stock, total), its number of orders, total and paid: five queries in all."""
    ids = sorted(set(window_ids)) or [-1]
    stops = await _STOPS(windows=ids)
    products = await _PRODUCTS(windows=ids)
    lines = await _LINE_SUMS(windows=ids)
    orders = {row["stop"]: row["count"] for row in await _ORDER_COUNTS(windows=ids)}
    paid = {row["stop"]: row["paid_cents"] for row in await _PAID(windows=ids)}
    product_of = {product["id"]: product for product in products}
    per_stop: dict[int, list[dict]] = defaultdict(list)
    for line in lines:
        product = product_of[line["window_product"]]
        per_stop[line["stop"]].append({"id": product["id"], "name": product["name"], "unit": product["unit"],
                                       "quantity": line["quantity"], "total_cents": line["total_cents"]})
    found: dict[int, dict] = {window: {"stops": [], "products": {}, "orders": 0, "total_cents": 0, "paid_cents": 0}
                              for window in ids}
    for product in products:
        found[product["window"]]["products"][product["id"]] = {**product, "quantity": 0, "total_cents": 0}
    for stop in stops:
        window = found[stop["window"]]
        stop["products"] = _by_name(per_stop.get(stop["id"], []))
        stop["orders"] = orders.get(stop["id"], 0)
        stop["total_cents"] = sum(item["total_cents"] for item in stop["products"])
        stop["paid_cents"] = paid.get(stop["id"], 0) or 0
        for item in stop["products"]:
            window["products"][item["id"]]["quantity"] += item["quantity"]
            window["products"][item["id"]]["total_cents"] += item["total_cents"]
        window["stops"].append(stop)
        window["orders"] += stop["orders"]
        window["total_cents"] += stop["total_cents"]
        window["paid_cents"] += stop["paid_cents"]
    for window in found.values():
        window["products"] = _by_name(window["products"].values())
    return found


def orders_where(window_id: int, *, stop: int | None = None, q: str = ""):
    """The window's orders not cancelled, at one stop if asked, of households matching the search if any."""
    where = (Order.window == window_id) & (Order.status != "cancelled")
    if stop is not None:
        where &= Order.stop == stop
    if q:
        where &= household_matches(Order.household, q, Order.select(Order.household).where(Order.window == window_id))
    return where


def _orders_of(where, limit: int, offset: int):
    return Order.select(
        Order.id, Order.stop, Order.household, Order.household.name.as_alias("household_name"), Order.status,
        Order.placed_at, Order.stop.distribution.as_alias("distribution"),
        Order.stop.group.name.as_alias("group_name"),
    ).where(where).order_by(Order.stop.position).order_by(Order.stop).order_by(
        Order.household.name).order_by(Order.id).limit(limit).offset(offset)


def _window_orders(window, stop, at_stop: bool, limit: int, offset: int):
    where = (Order.window == window) & (Order.status != "cancelled")
    return _orders_of(where & (Order.stop == stop) if at_stop else where, limit, offset)


_ORDERS = prepared(_window_orders, shaping=("at_stop", "limit", "offset"))
_BULK = prepared(lambda households: BulkBuyer.select(BulkBuyer.household, BulkBuyer.kind).where(
    BulkBuyer.household.is_in(households) & (BulkBuyer.active == True)))  # noqa: E712


async def order_page(window_id: int, *, stop: int | None = None, q: str = "", limit: int, offset: int = 0
                     ) -> list[dict]:
    """A page of the window's orders in tour order, then by household name, each with its lines, total,
    what was paid and is still due, whether it is an organisation's and whether it was collected."""
    if q:  # a search's condition is built from its words: not prepared
        orders = await _orders_of(orders_where(window_id, stop=stop, q=q), limit, offset)
    else:
        orders = await _ORDERS(window=window_id, stop=stop, at_stop=stop is not None, limit=limit, offset=offset)
    ids = [order["id"] for order in orders]
    lines, paid = await order_lines(ids), await paid_by_order(ids)
    bulk = {row["household"]: row["kind"] for row in await _BULK(households=[o["household"] for o in orders] or [-1])}
    # Collected when the sign-off sheet of the stop's distribution ticks the household.
    states = await collection_states(sorted({o["distribution"] for o in orders if o["distribution"]}))
    for order in orders:
        order["collected"] = states.get((order["distribution"], order["household"])) == "collected"
        order["lines"] = lines.get(order["id"], [])
        order["total_cents"] = sum(line["total_cents"] for line in order["lines"])
        order["paid_cents"] = paid.get(order["id"], 0)
        order["due_cents"] = order["total_cents"] - order["paid_cents"]
        order["bulk_kind"] = bulk.get(order["household"])
    return orders
