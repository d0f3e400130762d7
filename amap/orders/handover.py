"""The one-off orders handed over at a distribution, for its sign-off sheet (one query)."""

from __future__ import annotations

from functools import cache

from piccolo.columns import Column

from amap.distributions.sheet import Extra
from amap.orders.tables import OrderLine


def item_name(name: str, unit: str) -> str:
    return f"{name} ({unit})" if unit else name


@cache
def _columns() -> tuple[tuple, Column, Column, Column]:
    """The lines' columns, their distribution, their order's status and farm: joined columns are built
    once (Piccolo copies a joined table's columns on every `a.b.c`)."""
    order = OrderLine.order
    return ((OrderLine.order, OrderLine.quantity, order.household.as_alias("household"),
             order.window.farm.name.as_alias("farm_name"), order.window.title.as_alias("title"),
             OrderLine.window_product.product.name.as_alias("name"),
             OrderLine.window_product.product.unit.as_alias("unit")),
            order.stop.distribution, order.status, order.window.farm.name)


async def orders_at(distribution_id: int) -> dict[int, list[Extra]]:
    """Per household, its orders (not cancelled) delivered at this distribution, with their items."""
    columns, distribution, status, farm_name = _columns()
    rows = await OrderLine.select(*columns).where((distribution == distribution_id) & (status != "cancelled")).order_by(
        farm_name).order_by(OrderLine.order).order_by(OrderLine.window_product)
    found: dict[int, list[Extra]] = {}
    extras: dict[int, Extra] = {}
    for row in rows:
        if row["order"] not in extras:
            extras[row["order"]] = Extra(row["farm_name"], row["title"], [])
            found.setdefault(row["household"], []).append(extras[row["order"]])
        extras[row["order"]].items.append((item_name(row["name"], row["unit"]), row["quantity"]))
    return found
