"""`/api/v1/order-windows` and `/api/v1/orders`: one-off order windows open to the token holder's
groups, their catalogs, and the household's orders (placed, changed and read) as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException, PermissionDeniedException, ValidationException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_409_CONFLICT

from amap.api.params import BodyId, BodyInt, PathId
from amap.errors import api_errors
from amap.lib.access import current, ensure, requires_login
from amap.lib.dates import local_today
from amap.lib.db import utcnow
from amap.orders import reads
from amap.orders.ordering import OrderError, StockShort, WindowClosed, is_open, place_order


@dataclass
class DeliveryOut:
    group_id: int
    group: str
    distribution_id: int | None
    held_on: date | None
    place: str | None


@dataclass
class WindowOut:
    id: int
    title: str
    farm: str
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    delivery: DeliveryOut


@dataclass
class PricePartOut:
    category: str
    """producer, transport, group, network, tax (amap/lib/price_parts.py); empty if unknown."""
    label: str
    cents: int


@dataclass
class ProductOut:
    id: int
    """The window product: what an order line names."""
    name: str
    unit: str
    description: str
    price_cents: int
    vat_rate_bp: int | None
    packaging: int
    min_quantity: int
    stock: int | None
    stock_left: int | None
    """Units nobody has reserved yet (null: no limit)."""
    price_parts: list[PricePartOut]


@dataclass
class WindowDetailOut(WindowOut):
    description: str
    products: list[ProductOut]


@dataclass
class LineIn:
    product: BodyId
    """A window product id, from the window's catalog."""
    quantity: BodyInt


@dataclass
class OrderIn:
    window: BodyId
    lines: list[LineIn]
    """The whole order: it replaces the household's order in this window; absent products: none."""


@dataclass
class LineOut:
    product: int
    name: str
    unit: str
    quantity: int
    unit_price_cents: int
    total_cents: int


@dataclass
class OrderOut:
    id: int
    window: int
    title: str
    farm: str
    status: str
    """open (may still change), locked (the window closed) or cancelled."""
    total_cents: int
    closes_at: datetime
    placed_at: datetime
    updated_at: datetime
    delivery: DeliveryOut


@dataclass
class OrderDetailOut(OrderOut):
    lines: list[LineOut]


def delivery_out(stop: dict) -> DeliveryOut:
    return DeliveryOut(group_id=stop["group"], group=stop["group_name"], distribution_id=stop["distribution"],
                       held_on=stop["held_on"], place=stop["place_name"])


def window_out(window: dict, stop: dict, now: datetime) -> dict:
    return {"id": window["id"], "title": window["title"], "farm": window["farm_name"], "opens_at": window["opens_at"],
            "closes_at": window["closes_at"], "is_open": is_open(window, now), "delivery": delivery_out(stop)}


def order_out(row: dict) -> dict:
    return {"id": row["id"], "window": row["window"], "title": row["title"], "farm": row["farm_name"],
            "status": row["status"], "total_cents": row["total_cents"], "closes_at": row["closes_at"],
            "placed_at": row["placed_at"], "updated_at": row["updated_at"], "delivery": delivery_out(row)}


def lines_out(lines: list[dict]) -> list[LineOut]:
    return [LineOut(product=line["window_product"], name=line["name"], unit=line["unit"], quantity=line["quantity"],
                    unit_price_cents=line["unit_price_cents"], total_cents=line["total_cents"]) for line in lines]


class ApiOrdersController(Controller):
    path = "/api/v1"
    guards = [requires_login]
    security = [{"BearerToken": []}]
    tags = ["orders"]

    @get("/order-windows", responses=api_errors(),
         summary="Order windows open now for the token holder's groups, the soonest closing first")
    async def windows(self, request: Request) -> list[WindowOut]:
        now = utcnow()
        rows = await reads.open_windows(current(request).member_groups, now)
        return [WindowOut(**window_out({**row, "id": row["window"]}, row, now)) for row in rows]

    @get("/order-windows/{window_id:int}", responses=api_errors(400, 404),
         summary="One order window: its catalog with prices and stock left")
    async def window(self, request: Request, window_id: PathId) -> WindowDetailOut:
        principal = current(request)
        window = await reads.window_for(window_id, principal.member_groups, principal.household_id)
        ensure(window is not None)
        products = await reads.catalog(window_id)
        return WindowDetailOut(
            **window_out(window, window["stop"], utcnow()), description=window["description"],
            products=[ProductOut(
                id=p["id"], name=p["name"], unit=p["unit"], description=p["description"], price_cents=p["price_cents"],
                vat_rate_bp=p["vat_rate_bp"], packaging=p["packaging"], min_quantity=p["min_quantity"],
                stock=p["stock"], stock_left=p["left"],
                price_parts=[PricePartOut(category=part["category"], label=part["label"], cents=part["cents"]) for part in p["parts"]],
            ) for p in products])

    @post("/orders", responses=api_errors(400, 403, 404, 409),
          summary="Place or replace the household's order in a window (409 when stock is short)",
          status_code=201)
    async def place(self, request: Request, data: JSONBody[OrderIn]) -> OrderDetailOut:
        """400 on bad quantities (with `errors` per line), 404 for a window that does not deliver to
        the household's groups, 403 once it is closed, 409 when too few are left: nothing is saved."""
        principal = current(request)
        window = await reads.window_for(data.window, principal.member_groups, principal.household_id)
        ensure(window is not None and principal.household_id is not None)
        now = utcnow()
        if not is_open(window, now):
            raise PermissionDeniedException(detail="this window is not open for orders")
        index = {line.product: number for number, line in enumerate(data.lines)}
        if len(index) != len(data.lines):
            raise ValidationException(detail="lines: each product may appear once")
        try:
            order = await place_order(data.window, principal.household_id, principal.id,
                                      {line.product: line.quantity for line in data.lines}, now)
        except StockShort as short:
            raise HTTPException(status_code=HTTP_409_CONFLICT, detail=str(short)) from None
        except WindowClosed as closed:
            raise PermissionDeniedException(detail=str(closed)) from None
        except OrderError as refused:
            raise ValidationException(detail=str(refused), extra=[
                {"key": f"lines[{index[key]}].quantity" if key in index else "lines", "message": str(message),
                 "source": "body"} for key, message in refused.errors.items()]) from None
        return await self._detail(order["id"])

    @get("/orders", responses=api_errors(), summary="The household's one-off orders, the most recent window first")
    async def orders(self, request: Request) -> list[OrderOut]:
        rows = await reads.household_orders(current(request).household_id, utcnow(), local_today())
        return [OrderOut(**order_out(row)) for row in rows]

    @get("/orders/{order_id:int}", responses=api_errors(400, 404),
         summary="One of the household's orders with its lines")
    async def order(self, request: Request, order_id: PathId) -> OrderDetailOut:
        row = await reads.order_of(order_id)
        principal = current(request)
        ensure(row is not None and principal.household_id is not None and row["household"] == principal.household_id)
        return await self._detail(order_id, row)

    async def _detail(self, order_id: int, row: dict | None = None) -> OrderDetailOut:
        row = row or await reads.order_of(order_id)
        assert row is not None
        return OrderDetailOut(**order_out(row), lines=lines_out((await reads.lines_of([order_id]))[order_id]))
