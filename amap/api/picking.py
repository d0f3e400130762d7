"""`/api/v1/order-windows/{id}/picking`: the producer's picking list as JSON, for their own tools
(a spreadsheet, a label printer): each stop of the tour with its orders, and the totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Controller, Request, get

from amap.api.orders import LineOut
from amap.api.params import PathId
from amap.errors import api_errors
from amap.lib.access import current, requires_login
from amap.orders.picking import picking
from amap.orders.windows import owned_window


@dataclass
class ProductTotalOut:
    product: int
    name: str
    unit: str
    quantity: int
    total_cents: int


@dataclass
class PickingOrderOut:
    order: int
    household: str
    organisation: str | None
    status: str
    lines: list[LineOut]
    total_cents: int
    paid_cents: int
    due_cents: int


@dataclass
class StopOut:
    position: int
    group: str
    delivered_on: date | None
    place: str
    address: str
    arrives_at: str
    orders: list[PickingOrderOut]
    products: list[ProductTotalOut]
    total_cents: int


@dataclass
class PickingOut:
    window: int
    title: str
    closed: bool
    stops: list[StopOut]
    products: list[ProductTotalOut]
    orders: int
    total_cents: int
    paid_cents: int


def totals_out(items: list[dict]) -> list[ProductTotalOut]:
    return [ProductTotalOut(product=i["id"], name=i["name"], unit=i["unit"], quantity=i["quantity"],
                            total_cents=i["total_cents"]) for i in items if i["quantity"]]


class ApiPickingController(Controller):
    path = "/api/v1/order-windows"
    guards = [requires_login]
    security = [{"BearerToken": []}]
    tags = ["orders"]

    @get("/{window_id:int}/picking", responses=api_errors(400, 404),
         summary="The producer's picking list: stops in tour order, orders, totals")
    async def picking_list(self, request: Request, window_id: PathId) -> PickingOut:
        window = await owned_window(current(request), window_id)  # 404 unless the token holder runs the farm
        found = await picking(window_id)
        stops = [StopOut(
            position=stop["position"], group=stop["group_name"], delivered_on=stop["held_on"],
            place=stop["place_name"] or "", address=stop["place_address"] or "", arrives_at=stop["arrives_at"],
            orders=[PickingOrderOut(
                order=order["id"], household=order["household_name"], organisation=order["bulk_kind"],
                status=order["status"], total_cents=order["total_cents"], paid_cents=order["paid_cents"],
                due_cents=order["due_cents"],
                lines=[LineOut(product=line["window_product"], name=line["name"], unit=line["unit"],
                                      quantity=line["quantity"], unit_price_cents=line["unit_price_cents"],
                                      total_cents=line["total_cents"]) for line in order["lines"]],
            ) for order in stop["orders"]],
            products=totals_out(stop["products"]), total_cents=stop["total_cents"],
        ) for stop in found["stops"]]
        return PickingOut(window=window_id, title=window["title"], closed=window["closed_at"] is not None,
                          stops=stops, products=totals_out(found["products"]), orders=found["orders"],
                          total_cents=found["total_cents"], paid_cents=found["paid_cents"])
