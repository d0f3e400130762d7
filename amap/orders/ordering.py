"""Placing, changing and cancelling a household's one-off order in a window.

Stock moves only by one conditional UPDATE per product (reserved + change <= stock) inside the
order's write transaction: orders placed at the same instant from several groups can never
oversell, and an order that cannot be served whole changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from amap.groups.tables import Membership
from amap.lib.db import is_unique_violation, write_transaction
from amap.lib.i18n import _
from amap.orders.tables import Order, OrderLine, OrderWindow, WindowProduct, WindowStop

MAX_QUANTITY = 99_999
"""Catches a slip of the finger (and keeps totals within the column); not a business limit:
bulk buyers order large quantities."""


class OrderError(Exception):
    """An order refused. `errors` holds one message per window product id, or per "window" / "lines"."""

    def __init__(self, errors: Mapping[int | str, str]) -> None:
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = dict(errors)


class StockShort(OrderError):
    """Too few left of some products: nothing was saved."""


class WindowClosed(OrderError):
    """The window is not open for orders (not yet, or any more)."""


def is_open(window: Mapping, now: datetime) -> bool:
    """Published, started, not past its deadline and not closed by the close job."""
    return (window["published_at"] is not None and window["closed_at"] is None
            and window["opens_at"] <= now < window["closes_at"])


async def catalog_rows(window_id: int) -> list[dict]:
    """The window's products with what checking and pricing an order needs, in the producer's order."""
    return await WindowProduct.select(
        WindowProduct.id, WindowProduct.price_cents, WindowProduct.stock, WindowProduct.reserved,
        WindowProduct.price_parts, WindowProduct.product.name.as_alias("name"),
        WindowProduct.product.unit.as_alias("unit"), WindowProduct.product.description.as_alias("description"),
        WindowProduct.product.vat_rate_bp.as_alias("vat_rate_bp"),
        WindowProduct.product.packaging.as_alias("packaging"),
        WindowProduct.product.min_quantity.as_alias("min_quantity"),
        WindowProduct.product.price_parts.as_alias("product_price_parts"),
    ).where(WindowProduct.window == window_id).order_by(WindowProduct.id).output(load_json=True)


def left_for(product: Mapping, current: int = 0) -> int | None:
    """How many units this household may still have: what nobody reserved plus its own current line."""
    if product["stock"] is None:
        return None
    return max(product["stock"] - product["reserved"], 0) + current


def check_quantities(products: list[dict], quantities: Mapping[int, int],
                     current: Mapping[int, int] | None = None) -> dict[int, str]:
    """One message per quantity the catalog or its stock does not allow; an empty dict when all are fine."""
    return {**check_catalog(products, quantities), **check_stock(products, quantities, current)}


def check_stock(products: list[dict], quantities: Mapping[int, int],
                current: Mapping[int, int] | None = None) -> dict[int, str]:
    """One message per product of which fewer are left than asked, by the stock as read: the
    reservation itself is the final word."""
    errors: dict[int, str] = {}
    for product in products:
        left = left_for(product, (current or {}).get(product["id"], 0))
        if left is not None and quantities.get(product["id"], 0) > left:
            errors[product["id"]] = short_message(product["name"], left)
    return errors


def check_catalog(products: list[dict], quantities: Mapping[int, int]) -> dict[int, str]:
    """One message per quantity the catalog does not allow: unknown product, not a whole number in
    range, below the minimum, not a multiple of the packaging."""
    by_id = {product["id"]: product for product in products}
    errors: dict[int, str] = {}
    for product_id, quantity in quantities.items():
        product = by_id.get(product_id)
        if product is None:
            errors[product_id] = _("This product is not offered in this window.")
        elif quantity < 0 or quantity > MAX_QUANTITY:
            errors[product_id] = _("Enter a whole number between 0 and %(max)s.", max=MAX_QUANTITY)
        elif quantity == 0:
            continue
        elif quantity < product["min_quantity"]:
            errors[product_id] = _("The smallest order of %(product)s is %(min)s.", product=product["name"],
                                   min=product["min_quantity"])
        elif quantity % max(product["packaging"], 1):
            errors[product_id] = _("%(product)s is sold by %(packaging)s: order a multiple of %(packaging)s.",
                                   product=product["name"], packaging=product["packaging"])
    return errors


def short_message(name: str, left: int) -> str:
    if left <= 0:
        return _("%(product)s is sold out.", product=name)
    return _("Only %(left)s left of %(product)s.", left=left, product=name)


def quote(products: list[dict], quantities: Mapping[int, int]) -> dict:
    """The lines and total an order of these quantities costs at the window's prices (zero lines left out)."""
    lines = [{"product": product, "quantity": quantities[product["id"]],
              "total_cents": quantities[product["id"]] * product["price_cents"]}
             for product in products if quantities.get(product["id"], 0) > 0]
    return {"lines": lines, "total_cents": sum(line["total_cents"] for line in lines)}


async def stop_for(window_id: int, household_id: int) -> int | None:
    """The stop of the window at one of the household's groups (the first of the tour if several)."""
    groups = [row["group"] for row in await Membership.select(Membership.group).where(
        (Membership.household == household_id) & (Membership.status == "active"))]
    if not groups:
        return None
    stop = await WindowStop.select(WindowStop.id).where(
        (WindowStop.window == window_id) & WindowStop.group.is_in(groups)).order_by(WindowStop.position).order_by(
        WindowStop.id).first()
    return stop["id"] if stop else None


async def reserve(window_product_id: int, change: int) -> bool:
    """Move a product's reservation by `change` units; False when that would exceed its stock.

    A release (change < 0) always goes through, even if the producer lowered the stock meanwhile."""
    rows = await WindowProduct.raw(
        "UPDATE order_window_product SET reserved = reserved + {} WHERE id = {} "
        "AND ({} <= 0 OR stock IS NULL OR reserved + {} <= stock) RETURNING id",
        change, window_product_id, change, change)
    return bool(rows)


async def _lock_order(window_id: int, household_id: int, now: datetime) -> dict | None:
    """The household's order in the window, its row locked until the end of the transaction.

    An UPDATE rather than a SELECT: on PostgreSQL two requests of one household (a double click)
    then change the order one after the other, each seeing the other's lines, so a reservation is
    never counted twice. SQLite's IMMEDIATE transaction already serialises them."""
    rows = await Order.update({Order.updated_at: now}).where(
        (Order.window == window_id) & (Order.household == household_id)).returning(*Order.all_columns())
    return rows[0] if rows else None


async def _current_lines(order: dict | None) -> dict[int, int]:
    """What the order holds reserved now: nothing once cancelled (its stock was released then)."""
    if order is None or order["status"] != "open":
        return {}
    return {row["window_product"]: row["quantity"] for row in await OrderLine.select(
        OrderLine.window_product, OrderLine.quantity).where(OrderLine.order == order["id"])}


def _closed() -> WindowClosed:
    return WindowClosed({"window": _("Orders for this window are closed: it can no longer be changed.")})


async def _place(window_id: int, household_id: int, user_id: int | None, quantities: Mapping[int, int],
                 now: datetime) -> dict:
    async with write_transaction():
        window = await OrderWindow.select().where(OrderWindow.id == window_id).first()
        if window is None or not is_open(window, now):
            raise _closed()
        order = await _lock_order(window_id, household_id, now)
        if order is not None and order["status"] == "locked":
            raise _closed()
        stop = order["stop"] if order is not None else await stop_for(window_id, household_id)
        if stop is None:
            raise OrderError({"window": _("This window does not deliver to any of your groups.")})
        products = await catalog_rows(window_id)
        current = await _current_lines(order)
        errors = check_catalog(products, quantities)
        if errors:
            raise OrderError(errors)
        wanted = {product_id: quantity for product_id, quantity in quantities.items() if quantity > 0}
        if not wanted:
            raise OrderError({"lines": _("Enter a quantity for at least one product (or cancel the order).")})
        if short := check_stock(products, wanted, current):
            raise StockShort(short)
        # Always in the same order (by id): two transactions reserving the same products on
        # PostgreSQL then wait for each other instead of deadlocking.
        short = [product_id for product_id in sorted(set(wanted) | set(current))
                 if wanted.get(product_id, 0) != current.get(product_id, 0)
                 and not await reserve(product_id, wanted.get(product_id, 0) - current.get(product_id, 0))]
        if short:
            fresh = {row["id"]: row for row in await catalog_rows(window_id)}
            raise StockShort({product_id: short_message(fresh[product_id]["name"],
                                                        left_for(fresh[product_id], current.get(product_id, 0)) or 0)
                              for product_id in short})
        priced = quote(products, wanted)
        if order is None:
            order = (await Order.insert(Order(
                window=window_id, stop=stop, household=household_id, placed_by=user_id, status="open",
                total_cents=priced["total_cents"], placed_at=now, updated_at=now,
            )).returning(*Order.all_columns()))[0]
        else:
            order = (await Order.update({
                Order.total_cents: priced["total_cents"], Order.status: "open", Order.placed_by: user_id,
            }).where(Order.id == order["id"]).returning(*Order.all_columns()))[0]
            await OrderLine.delete().where(OrderLine.order == order["id"])
        await OrderLine.insert(*[OrderLine(order=order["id"], window_product=line["product"]["id"],
                                           quantity=line["quantity"], unit_price_cents=line["product"]["price_cents"],
                                           total_cents=line["total_cents"]) for line in priced["lines"]])
    return order


async def place_order(window_id: int, household_id: int, user_id: int | None, quantities: Mapping[int, int],
                      now: datetime) -> dict:
    """Create or replace the household's order in the window with these quantities (per window
    product; 0 or absent: no line) and return the order row.

    Raises OrderError (bad quantities, nothing ordered, not served), StockShort (too few left;
    nothing saved) or WindowClosed."""
    now = now.astimezone(UTC)  # SQLite compares stored timestamps as text: all are written in UTC
    try:
        return await _place(window_id, household_id, user_id, quantities, now)
    except Exception as error:
        if not is_unique_violation(error):
            raise
    # Another request of the same household created its first order at the same moment (the
    # unique index let one through, and this one rolled back): this one now replaces it.
    return await _place(window_id, household_id, user_id, quantities, now)


async def cancel_order(window_id: int, household_id: int, now: datetime) -> bool:
    """Cancel the household's open order and release its stock; False if there is none to cancel.
    The lines stay, as a record of what was ordered."""
    now = now.astimezone(UTC)
    async with write_transaction():
        window = await OrderWindow.select().where(OrderWindow.id == window_id).first()
        if window is None or not is_open(window, now):
            raise _closed()
        rows = await Order.update({Order.status: "cancelled", Order.updated_at: now}).where(
            (Order.window == window_id) & (Order.household == household_id) & (Order.status == "open")
        ).returning(Order.id)
        if not rows:
            return False
        lines = await OrderLine.select(OrderLine.window_product, OrderLine.quantity).where(
            OrderLine.order == rows[0]["id"]).order_by(OrderLine.window_product)
        for line in lines:
            await reserve(line["window_product"], -line["quantity"])
    return True
