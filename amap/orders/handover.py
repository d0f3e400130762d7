"""The one-off orders handed over at a distribution, for its sign-off sheet (one query)."""

from __future__ import annotations

from amap.distributions.sheet import Extra
from amap.lib.prepared import prepared
from amap.orders.tables import OrderLine


def item_name(name: str, unit: str) -> str:
    return f"{name} ({unit})" if unit else name


def _lines_at(distribution):
    order = OrderLine.order
    return OrderLine.select(
        OrderLine.order, OrderLine.quantity, order.household.as_alias("household"),
        order.window.farm.name.as_alias("farm_name"), order.window.title.as_alias("title"),
        OrderLine.window_product.product.name.as_alias("name"),
        OrderLine.window_product.product.unit.as_alias("unit"),
    ).where((order.stop.distribution == distribution) & (order.status != "cancelled")).order_by(
        order.window.farm.name).order_by(OrderLine.order).order_by(OrderLine.window_product)


# Read with every sign-off sheet (each tick and reload): its SQL is written once.
_LINES_AT = prepared(_lines_at)


async def orders_at(distribution_id: int) -> dict[int, list[Extra]]:
    """Per household, its orders (not cancelled) delivered at this distribution, with their items."""
    rows = await _LINES_AT(distribution=distribution_id)
    found: dict[int, list[Extra]] = {}
    extras: dict[int, Extra] = {}
    for row in rows:
        if row["order"] not in extras:
            extras[row["order"]] = Extra(row["farm_name"], row["title"], [])
            found.setdefault(row["household"], []).append(extras[row["order"]])
        extras[row["order"]].items.append((item_name(row["name"], row["unit"]), row["quantity"]))
    return found
