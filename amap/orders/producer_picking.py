"""A window's printable pages for its producer — the picking lists (`/farm/windows/{id}/picking`),
where payments for orders are recorded too, and the tour sheet (`/farm/windows/{id}/tour`) — and
the tour of one delivery date across windows (`/farm/tours/{date}`)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.farms.access import chosen_farm, my_farms
from amap.lib import pagination
from amap.lib.access import current, ensure, requires_farmer
from amap.lib.dates import format_date, local_today
from amap.lib.db import utcnow
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language
from amap.lib.web import form_data, notice, page, see_other
from amap.orders import windows
from amap.orders.catalog import euros_text
from amap.orders.figures import order_page, orders_where, window_figures
from amap.orders.picking import BULK_KINDS, order_lines
from amap.orders.settlement import METHOD_NAMES, paid_by_order, read_payment, record_payment
from amap.orders.tables import Order
from amap.orders.tours import day_tour

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: anything above names nothing


async def owed_by(window_id: int, order_id: int) -> dict | None:
    """One order of the window (not cancelled) with its household, group and what it still owes."""
    order = await Order.select(Order.id, Order.household.name.as_alias("household_name"),
                               Order.stop.group.name.as_alias("group_name")).where(
        (Order.id == order_id) & orders_where(window_id)).first()
    if order is not None:
        total = sum(line["total_cents"] for line in (await order_lines([order_id])).get(order_id, []))
        order["due_cents"] = total - (await paid_by_order([order_id])).get(order_id, 0)
    return order


class PickingController(Controller):
    path = "/farm/windows/{window_id:int}"
    guards = [requires_farmer]

    async def _render(self, request: Request, window: dict, timezone: str, form: Form, *, stop: int | None = None,
                      q: str = "", number: int = 1, chosen: dict | None = None, status_code: int = 200) -> Template:
        """The stops' figures (the whole window), then a page of the orders (all stops or one, searched),
        grouped by stop in tour order; the payment form offers the orders on the page."""
        figures = (await window_figures([window["id"]]))[window["id"]]
        chosen_stop = next((s for s in figures["stops"] if s["id"] == stop), None)
        ensure(stop is None or chosen_stop is not None)
        if q:
            total = await Order.count().where(orders_where(window["id"], stop=stop, q=q))
        else:
            total = chosen_stop["orders"] if chosen_stop else figures["orders"]
        pages = pagination.pager(request, number, total, keep={"stop": stop, "q": q},
                                 path=f"/farm/windows/{window['id']}/picking")
        orders = await order_page(window["id"], stops=figures["stops"], stop=stop, q=q, limit=pages.size,
                                  offset=pages.offset)
        sections = [{**s, "page_orders": [o for o in orders if o["stop"] == s["id"]]} for s in figures["stops"]]
        options = [(str(o["id"]), f"{o['household_name']} · {o['group_name']}") for o in orders]
        if chosen is not None and str(chosen["id"]) not in {value for value, _label in options}:
            options.insert(0, (str(chosen["id"]), f"{chosen['household_name']} · {chosen['group_name']}"))
        return page(request, "orders/producer/picking.html", block=pagination.list_block(
            request, "picking-orders-list", "picking_orders"), status_code=status_code, window=window,
            figures=figures, sections=[s for s in sections if s["page_orders"]], orders=orders, stop=stop,
            chosen_stop=chosen_stop, q=q, pager=pages, timezone=timezone, state=windows.state(window, utcnow()),
            bulk_kinds=BULK_KINDS, method_names=METHOD_NAMES,
            methods=[(key, str(label)) for key, label in METHOD_NAMES.items()],
            payments={order["id"]: order["payments"] for order in orders if order["payments"]}, order_options=options,
            form=form, today=local_today(timezone))

    @get("/picking", name="farm_window_picking")
    async def show(self, request: Request, window_id: FromPath[int], order: FromQuery[int | None] = None,
                   stop: FromQuery[int | None] = None, q: FromQuery[str] = "",
                   page_number: pagination.PageQuery = None) -> Template:
        """The picking lists: 50 orders a page, of every stop or of `?stop=`, searched by household
        (a household's name, an adult's name or e-mail); `?order=` prefills the payment form."""
        q, number = pagination.search_term(q), pagination.page_number(page_number)
        window = await windows.owned_window(current(request), window_id)
        timezone = await windows.farm_timezone(window["farm"])
        values = {"method": "cash", "received_on": local_today(timezone).isoformat()}
        chosen = await owed_by(window_id, order) if order is not None and 0 < order <= MAX_ID else None
        if chosen is not None:
            # Prefilled with what the order still owes: the usual payment at pickup is exactly that.
            values |= {"order": str(order), "amount": euros_text(max(chosen["due_cents"], 0))}
        return await self._render(request, window, timezone, Form(values), stop=stop, q=q, number=number,
                                  chosen=chosen)

    @post("/payments")
    async def pay(self, request: Request, window_id: FromPath[int]) -> Template | Redirect:
        window = await windows.owned_window(current(request), window_id)
        timezone = await windows.farm_timezone(window["farm"])
        form = Form(await form_data(request))
        order = form.get("order")
        chosen = await owed_by(window_id, int(order)) if order.isdigit() and 0 < int(order) <= MAX_ID else None
        if chosen is None:
            form.error("order", _("Choose the order that is paid."))
        payment = read_payment(form, local_today(timezone))
        if not form.ok:
            return await self._render(request, window, timezone, form, chosen=chosen, status_code=400)
        await record_payment(int(order), payment, by_user=current(request).id, now=utcnow(), timezone=timezone)
        notice(request, _("The payment is recorded."))
        return see_other(f"/farm/windows/{window_id}/picking#order-{order}")

    @get("/tour", name="farm_window_tour")
    async def tour(self, request: Request, window_id: FromPath[int]) -> Template:
        window = await windows.owned_window(current(request), window_id)
        return page(request, "orders/producer/tour.html", tour_title=window["title"], farm_name=window["farm_name"],
                    back_links=[(f"/farm/windows/{window_id}", window["title"]),
                                (f"/farm/windows/{window_id}/picking", _("Picking lists"))],
                    figures=(await window_figures([window_id]))[window_id],
                    timezone=await windows.farm_timezone(window["farm"]))


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
