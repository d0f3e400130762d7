"""A window's printable pages for its producer — the picking lists (`/farm/windows/{id}/picking`),
where payments for orders are recorded too, and the tour sheet (`/farm/windows/{id}/tour`) — and
the tour of one delivery date across windows (`/farm/tours/{date}`)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.farms.access import chosen_farm, my_farms
from amap.lib.access import current, ensure, requires_farmer
from amap.lib.dates import format_date, local_today
from amap.lib.db import utcnow
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language
from amap.lib.web import form_data, notice, page, see_other
from amap.orders import windows
from amap.orders.catalog import euros_text
from amap.orders.picking import BULK_KINDS, picking
from amap.orders.settlement import METHOD_NAMES, payments_of, read_payment, record_payment
from amap.orders.tours import day_tour


class PickingController(Controller):
    path = "/farm/windows/{window_id:int}"
    guards = [requires_farmer]

    async def _render(self, request: Request, window: dict, form: Form, status_code: int = 200) -> Template:
        timezone = await windows.farm_timezone(window["farm"])
        figures = await picking(window["id"])
        orders = [order for stop in figures["stops"] for order in stop["orders"]]
        return page(request, "orders/producer/picking.html", status_code=status_code, window=window,
                    figures=figures, timezone=timezone, state=windows.state(window, utcnow()),
                    bulk_kinds=BULK_KINDS, method_names=METHOD_NAMES,
                    methods=[(key, str(label)) for key, label in METHOD_NAMES.items()],
                    payments=await payments_of([order["id"] for order in orders]),
                    order_options=[(str(order["id"]), f"{order['household_name']} · {stop['group_name']}")
                                   for stop in figures["stops"] for order in stop["orders"]],
                    form=form, today=local_today(timezone))

    @get("/picking", name="farm_window_picking")
    async def show(self, request: Request, window_id: FromPath[int], order: FromQuery[int | None] = None
                   ) -> Template:
        window = await windows.owned_window(current(request), window_id)
        timezone = await windows.farm_timezone(window["farm"])
        values = {"method": "cash", "received_on": local_today(timezone).isoformat()}
        if order is not None:
            # Prefilled with what the order still owes: the usual payment at pickup is exactly that.
            figures = await picking(window_id)
            chosen = next((o for stop in figures["stops"] for o in stop["orders"] if o["id"] == order), None)
            if chosen is not None:
                values |= {"order": str(order), "amount": euros_text(max(chosen["due_cents"], 0))}
        return await self._render(request, window, Form(values))

    @post("/payments")
    async def pay(self, request: Request, window_id: FromPath[int]) -> Template | Redirect:
        window = await windows.owned_window(current(request), window_id)
        timezone = await windows.farm_timezone(window["farm"])
        form = Form(await form_data(request))
        figures = await picking(window_id)
        order_ids = {order["id"] for stop in figures["stops"] for order in stop["orders"]}
        order = form.get("order")
        if not (order.isdigit() and int(order) in order_ids):
            form.error("order", _("Choose the order that is paid."))
        payment = read_payment(form, local_today(timezone))
        if not form.ok:
            return await self._render(request, window, form, status_code=400)
        await record_payment(int(order), payment, by_user=current(request).id, now=utcnow(), timezone=timezone)
        notice(request, _("The payment is recorded."))
        return see_other(f"/farm/windows/{window_id}/picking#order-{order}")

    @get("/tour", name="farm_window_tour")
    async def tour(self, request: Request, window_id: FromPath[int]) -> Template:
        window = await windows.owned_window(current(request), window_id)
        return page(request, "orders/producer/tour.html", tour_title=window["title"], farm_name=window["farm_name"],
                    back_links=[(f"/farm/windows/{window_id}", window["title"]),
                                (f"/farm/windows/{window_id}/picking", _("Picking lists"))],
                    figures=await picking(window_id), timezone=await windows.farm_timezone(window["farm"]))


class DayTourController(Controller):
    """`/farm/tours/{date}?farm=`: one tour for everything the farm delivers that day, all windows together."""

    path = "/farm/tours"
    guards = [requires_farmer]

    @get("/{day:date}", name="farm_day_tour")
    async def show(self, request: Request, day: FromPath[date], farm: FromQuery[str | None] = None) -> Template:
        chosen = await chosen_farm(current(request), await my_farms(current(request)), farm)
        figures = await day_tour(chosen["id"], day)
        ensure(bool(figures["stops"]))  # no delivery that day: nothing to print
        return page(request, "orders/producer/tour.html", tour_title=format_date(day, get_language(), "full"),
                    farm_name=chosen["name"], back_links=[(f"/farm/windows?farm={chosen['slug']}", _("Order windows"))],
                    figures=figures, timezone=await windows.farm_timezone(chosen["id"]))
