"""What a producer prepares and brings for a window: the picking list of each stop (household by
household, organisations flagged), totals per product per stop and overall, and the tour sheet.

Every amount is the sum of the order lines in integer cents, so a stop's total is exactly the sum
of its orders and the overall total exactly the sum of the stops.
"""

from __future__ import annotations

from collections import defaultdict

from amap.distributions.sheet import collection_states
from amap.lib.i18n import _l
from amap.lib.prepared import prepared
from amap.orders.settlement import paid_by_order
from amap.orders.tables import BulkBuyer, Order, OrderLine
from amap.orders.windows import window_products, window_stops

BULK_KINDS = {"kitchen": _l("community kitchen"), "collective": _l("collective"),
              "restaurant": _l("popular restaurant")}


def _add(totals: dict[int, dict], line: dict) -> None:
    item = totals.setdefault(line["window_product"], {
        "id": line["window_product"], "name": line["name"], "unit": line["unit"], "quantity": 0, "total_cents": 0})
    item["quantity"] += line["quantity"]
    item["total_cents"] += line["total_cents"]


def _by_name(totals: dict[int, dict]) -> list[dict]:
    return sorted(totals.values(), key=lambda item: (item["name"].casefold(), item["id"]))


_LINES = prepared(lambda orders: OrderLine.select(
    OrderLine.order, OrderLine.window_product, OrderLine.quantity, OrderLine.unit_price_cents,
    OrderLine.total_cents, OrderLine.window_product.product.name.as_alias("name"),
    OrderLine.window_product.product.unit.as_alias("unit"),
).where(OrderLine.order.is_in(orders) & (OrderLine.quantity > 0)))


def by_product_name(line: dict) -> tuple:
    """How an order's lines are listed: by product name, then by product when two share a name."""
    return line["name"].casefold(), line["window_product"]


async def order_lines(order_ids: list[int]) -> dict[int, list[dict]]:
    """Each order's lines with the product's name and unit, by product name."""
    found: dict[int, list[dict]] = defaultdict(list)
    if not order_ids:
        return found
    rows = await _LINES(orders=list(order_ids))
    for row in sorted(rows, key=by_product_name):
        found[row["order"]].append(row)
    return found


async def picking(window_id: int) -> dict:
    """The window's stops in tour order, each with its orders and product totals, and the overall totals.

    Cancelled orders are left out; open orders (the window still running) are counted, so the same
    figures serve the window's page while members order.
    """
    stops = await window_stops(window_id)
    orders = await Order.select(
        Order.id, Order.stop, Order.household, Order.household.name.as_alias("household_name"), Order.status,
        Order.placed_at,
    ).where((Order.window == window_id) & (Order.status != "cancelled"))
    ids = [order["id"] for order in orders]
    lines = await order_lines(ids)
    paid = await paid_by_order(ids)
    bulk = {row["household"]: row["kind"] for row in await BulkBuyer.select(BulkBuyer.household, BulkBuyer.kind).where(
        BulkBuyer.household.is_in([o["household"] for o in orders] or [-1]) & (BulkBuyer.active == True))}  # noqa: E712
    overall: dict[int, dict] = {}
    for product in await window_products(window_id):
        overall[product["id"]] = {"id": product["id"], "name": product["name"], "unit": product["unit"],
                                  "quantity": 0, "total_cents": 0, "price_cents": product["price_cents"],
                                  "stock": product["stock"], "reserved": product["reserved"]}
    # Collected when the sign-off sheet of the stop's distribution ticks the household.
    states = await collection_states([stop["distribution"] for stop in stops if stop["distribution"]])
    stop_day = {stop["id"]: stop["distribution"] for stop in stops}
    by_stop: dict[int, list[dict]] = defaultdict(list)
    for order in orders:
        order["collected"] = states.get((stop_day.get(order["stop"]), order["household"])) == "collected"
        order["lines"] = lines.get(order["id"], [])
        order["total_cents"] = sum(line["total_cents"] for line in order["lines"])
        order["paid_cents"] = paid.get(order["id"], 0)
        order["due_cents"] = order["total_cents"] - order["paid_cents"]
        order["bulk_kind"] = bulk.get(order["household"])
        by_stop[order["stop"]].append(order)
    for stop in stops:
        stop["orders"] = sorted(by_stop.get(stop["id"], []),
                                key=lambda o: (o["household_name"].casefold(), o["id"]))
        totals: dict[int, dict] = {}
        for order in stop["orders"]:
            for line in order["lines"]:
                _add(totals, line)
                overall[line["window_product"]]["quantity"] += line["quantity"]
                overall[line["window_product"]]["total_cents"] += line["total_cents"]
        stop["products"] = _by_name(totals)
        stop["total_cents"] = sum(order["total_cents"] for order in stop["orders"])
        stop["paid_cents"] = sum(order["paid_cents"] for order in stop["orders"])
    return {
        "stops": stops,
        "products": _by_name(overall),
        "orders": sum(len(stop["orders"]) for stop in stops),
        "total_cents": sum(stop["total_cents"] for stop in stops),
        "paid_cents": sum(stop["paid_cents"] for stop in stops),
    }
