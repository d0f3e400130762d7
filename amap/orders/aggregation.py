"""Demand aggregated across groups: per producer and delivery date, what was ordered of each
product in all groups together, and the same split back per group, with exact money totals.

Orders count while open or locked (cancelled ones do not). Money is the sum of the order lines'
own totals, in integer cents, so every breakdown adds up to its total to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from piccolo.query.functions.aggregate import Sum

from amap.orders.tables import OrderLine

COUNTED = ("open", "locked")


@dataclass
class GroupPart:
    group_id: int
    name: str
    quantity: int = 0
    total_cents: int = 0


@dataclass
class ProductDemand:
    product_id: int
    name: str
    unit: str
    quantity: int = 0
    total_cents: int = 0
    groups: list[GroupPart] = field(default_factory=list)


@dataclass
class DeliveryDemand:
    """One producer's demand for one delivery date (None: the stop has no distribution yet)."""

    farm_id: int
    farm_name: str
    held_on: date | None
    products: list[ProductDemand] = field(default_factory=list)
    groups: list[GroupPart] = field(default_factory=list)  # what each group ordered from the producer that day

    @property
    def total_cents(self) -> int:
        return sum(product.total_cents for product in self.products)


def _by_group(parts: dict[int, GroupPart]) -> list[GroupPart]:
    return sorted(parts.values(), key=lambda part: (part.name, part.group_id))


async def aggregated_demand(*, group_ids: list[int], network_id: int | None = None,
                            from_date: date | None = None) -> list[DeliveryDemand]:
    """Demand of the orders delivered to `group_ids`, and of every order of windows offered to
    `network_id`; by producer, then date (undated last), then product. `from_date` leaves out
    deliveries before it (undated ones always stay: they are still to be planned)."""
    product, farm, group = OrderLine.window_product.product, OrderLine.order.window.farm, OrderLine.order.stop.group
    held_on = OrderLine.order.stop.distribution.held_on
    scope = OrderLine.order.stop.group.is_in(group_ids or [-1])
    if network_id is not None:
        scope |= OrderLine.order.window.network == network_id
    where = OrderLine.order.status.is_in(list(COUNTED)) & scope
    if from_date is not None:
        where &= (held_on >= from_date) | OrderLine.order.stop.distribution.is_null()
    # Added up by the database per producer, date, product and group: a few hundred rows, not every line.
    keys = (product.id, product.name, product.unit, farm.id, farm.name, group.id, group.name, held_on)
    rows = await OrderLine.select(
        product.id.as_alias("product_id"), product.name.as_alias("product_name"), product.unit.as_alias("unit"),
        farm.id.as_alias("farm_id"), farm.name.as_alias("farm_name"), group.id.as_alias("group_id"),
        group.name.as_alias("group_name"), held_on.as_alias("held_on"),
        Sum(OrderLine.quantity, alias="quantity"), Sum(OrderLine.total_cents, alias="total_cents"),
    ).where(where).group_by(*keys)
    deliveries: dict[tuple[int, date | None], DeliveryDemand] = {}
    products: dict[tuple[int, date | None], dict[int, ProductDemand]] = defaultdict(dict)
    product_groups: dict[tuple[int, date | None, int], dict[int, GroupPart]] = defaultdict(dict)
    day_groups: dict[tuple[int, date | None], dict[int, GroupPart]] = defaultdict(dict)
    for row in rows:
        key = (row["farm_id"], row["held_on"])
        deliveries.setdefault(key, DeliveryDemand(row["farm_id"], row["farm_name"], row["held_on"]))
        product = products[key].setdefault(row["product_id"], ProductDemand(
            row["product_id"], row["product_name"], row["unit"]))
        product.quantity += row["quantity"]
        product.total_cents += row["total_cents"]
        for parts in (product_groups[(*key, row["product_id"])], day_groups[key]):
            part = parts.setdefault(row["group_id"], GroupPart(row["group_id"], row["group_name"]))
            part.quantity += row["quantity"]
            part.total_cents += row["total_cents"]
    for key, delivery in deliveries.items():
        for product in sorted(products[key].values(), key=lambda p: (p.name, p.product_id)):
            product.groups = _by_group(product_groups[(*key, product.product_id)])
            delivery.products.append(product)
        delivery.groups = _by_group(day_groups[key])
    return sorted(deliveries.values(), key=lambda d: (d.farm_name, d.farm_id, d.held_on is None,
                                                      d.held_on or date.min))
