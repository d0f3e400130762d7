"""A window's figures added up by the database, and its orders one page at a time: what the
producer's window page, picking lists and tour sheets show, in a fixed number of queries whatever
the number of orders (a window open to a whole network gathers thousands).

The sums are `picking()`'s (amap.orders.picking): order lines of orders not cancelled, in integer
cents, so a stop's total is the sum of its orders and the window's the sum of its stops.
"""

from __future__ import annotations

from collections import defaultdict

from amap.accounts.search import household_matches
from amap.lib.prepared import prepared
from amap.orders.picking import by_product_name
from amap.orders.settlement import payments_of
from amap.orders.tables import Order, WindowProduct, WindowStop


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
def _stop_sums(windows):
    """Per stop of the windows, in one statement: the lines' sums by product (`line`), the number of
    orders (`orders`, in `quantity`) and what was paid (`paid`, in `total_cents`); orders not cancelled."""
    in_windows = Order.window.is_in(windows).querystring
    return Order.raw("""
        SELECT 'line' AS kind, order_placed.stop, order_line.window_product, SUM(order_line.quantity) AS quantity,
          SUM(order_line.total_cents) AS total_cents
        FROM order_line JOIN order_placed ON order_placed.id = order_line."order"
        WHERE {} AND order_placed.status != 'cancelled' AND order_line.quantity > 0
        GROUP BY order_placed.stop, order_line.window_product
        UNION ALL
        SELECT 'orders', order_placed.stop, NULL, COUNT(*), NULL FROM order_placed
        WHERE {} AND order_placed.status != 'cancelled' GROUP BY order_placed.stop
        UNION ALL
        SELECT 'paid', order_placed.stop, NULL, NULL, SUM(order_payment.amount_cents)
        FROM order_payment JOIN order_placed ON order_placed.id = order_payment."order"
        WHERE {} AND order_placed.status != 'cancelled' GROUP BY order_placed.stop""",
                     in_windows, in_windows, in_windows)


_STOP_SUMS = prepared(_stop_sums)


async def window_figures(window_ids: list[int]) -> dict[int, dict]:
    """Each window's stops in tour order (with their number of orders, totals, paid and product totals),
    its products (ordered, stock, total), its number of orders, total and paid: three queries in all."""
    ids = sorted(set(window_ids)) or [-1]
    stops = await _STOPS(windows=ids)
    products = await _PRODUCTS(windows=ids)
    sums = await _STOP_SUMS(windows=ids)
    lines = [row for row in sums if row["kind"] == "line"]
    orders = {row["stop"]: row["quantity"] for row in sums if row["kind"] == "orders"}
    paid = {row["stop"]: row["total_cents"] for row in sums if row["kind"] == "paid"}
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
    """A page of the orders `where` picks, in tour order then by household name, one row per line
    (an order without lines in one row with no product). The kind of an organisation, the household's
    latest event on the stop's sign-off sheet (the one that counts: amap.distributions.sheet.collection_states)
    and whether the order has payments are read for the page's orders only, once each (`page` is
    MATERIALIZED: inlined, PostgreSQL would read them again for every line)."""
    return Order.raw("""
        WITH page AS MATERIALIZED (
          SELECT page.*, bulk_buyer.kind AS bulk_kind,
            (SELECT collection_event.action FROM collection_event
             WHERE collection_event.distribution = page.distribution AND collection_event.household = page.household
             ORDER BY collection_event.id DESC LIMIT 1) AS sheet_action,
            EXISTS (SELECT 1 FROM order_payment WHERE order_payment."order" = page.id) AS has_payments
          FROM (SELECT order_placed.id, order_placed.stop, order_placed.household, household.name AS household_name,
              order_placed.status, order_window_stop.distribution, order_window_stop.position,
              amap_group.name AS group_name
            FROM order_placed LEFT JOIN household ON household.id = order_placed.household
              LEFT JOIN order_window_stop ON order_window_stop.id = order_placed.stop
              LEFT JOIN amap_group ON amap_group.id = order_window_stop."group"
            WHERE {} ORDER BY order_window_stop.position, order_placed.stop, household.name, order_placed.id
            LIMIT {} OFFSET {}) page
            LEFT JOIN bulk_buyer ON bulk_buyer.household = page.household AND bulk_buyer.active = {})
        SELECT page.*, order_line.window_product AS line_product, order_line.quantity AS line_quantity,
          order_line.unit_price_cents AS line_unit_price_cents, order_line.total_cents AS line_total_cents,
          product.name AS line_name, product.unit AS line_unit
        FROM page LEFT JOIN order_line ON order_line."order" = page.id AND order_line.quantity > 0
          LEFT JOIN order_window_product ON order_window_product.id = order_line.window_product
          LEFT JOIN product ON product.id = order_window_product.product
        ORDER BY page.position, page.stop, page.household_name, page.id""", where.querystring, limit, offset, True)


_LINE_KEYS = {"line_product": "window_product", "line_quantity": "quantity",
              "line_unit_price_cents": "unit_price_cents", "line_total_cents": "total_cents", "line_name": "name",
              "line_unit": "unit"}


def _orders_with_lines(rows: list[dict]) -> list[dict]:
    """`_orders_of`'s rows gathered into orders, in the rows' order, each with its `lines` as
    `order_lines` gives them (by product name)."""
    orders: dict[int, dict] = {}
    for row in rows:
        line = {key: row.pop(column) for column, key in _LINE_KEYS.items()}
        order = orders.setdefault(row["id"], {**row, "lines": []})
        if line["window_product"] is not None:
            order["lines"].append({"order": row["id"], **line})
    for order in orders.values():
        order["lines"].sort(key=by_product_name)
    return list(orders.values())


def _window_orders(window, stops, limit: int, offset: int):
    return _orders_of((Order.window == window) & (Order.status != "cancelled") & Order.stop.is_in(stops), limit, offset)


_ORDERS = prepared(_window_orders)


def stops_of_page(stops: list[dict], limit: int, offset: int) -> tuple[list[int], int]:
    """The stops a page of the orders covers, the list being in tour order (`stops` in that order, each
    with its number of `orders`), and where the page starts in the first of them: the page then sorts
    those stops' orders only, not the whole window's (a tenth of them for a tour of twenty stops)."""
    covered: list[int] = []
    start = first = 0
    for stop in stops:
        if stop["orders"] and start + stop["orders"] > offset and start < offset + limit:
            first = first if covered else start
            covered.append(stop["id"])
        start += stop["orders"]
    return covered, offset - first


async def order_page(window_id: int, *, stops: list[dict], stop: int | None = None, q: str = "", limit: int,
                     offset: int = 0) -> list[dict]:
    """A page of the window's orders in tour order, then by household name, each with its lines, total,
    its payments (oldest first), what was paid and is still due, whether it is an organisation's (its
    kind) and whether it was collected: one query, two when an order of the page has payments. `stops`
    are the window's, in tour order, with their numbers of orders (`window_figures`)."""
    if q:  # a search's condition is built from its words: not prepared
        rows = await _orders_of(orders_where(window_id, stop=stop, q=q), limit, offset)
    else:
        covered, offset = stops_of_page([s for s in stops if stop is None or s["id"] == stop], limit, offset)
        rows = await _ORDERS(window=window_id, stops=covered, limit=limit, offset=offset) if covered else []
    orders = _orders_with_lines(rows)
    payments = await payments_of([order["id"] for order in orders if order["has_payments"]])
    for order in orders:
        # Collected when the sign-off sheet of the stop's distribution ticks the household.
        order["collected"] = order.pop("sheet_action") == "collected"
        del order["has_payments"]
        order["total_cents"] = sum(line["total_cents"] for line in order["lines"])
        order["payments"] = payments.get(order["id"], [])
        order["paid_cents"] = sum(payment["amount_cents"] for payment in order["payments"])
        order["due_cents"] = order["total_cents"] - order["paid_cents"]
    return orders
