"""The member's one-off orders: windows open to their groups (`/orders`), and ordering from one
window (`/orders/{window}`) with totals that follow the typing (htmx), until the window closes."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.lib.access import Principal, current, ensure, requires_login
from amap.lib.dates import local_today
from amap.lib.db import utcnow
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language
from amap.lib.money import format_cents
from amap.lib.web import form_data, notice, page, see_other
from amap.orders import reads
from amap.orders.ordering import (
    OrderError,
    WindowClosed,
    cancel_order,
    check_quantities,
    is_open,
    place_order,
    quote,
)

TEMPLATE = "orders/member/window.html"


def field(product_id: int | str) -> str:
    """The form field of a product's quantity (or of a whole-order message: "window", "lines")."""
    return f"q-{product_id}" if isinstance(product_id, int) else product_id


def read_quantities(form: Form, products: list[dict]) -> dict[int, int]:
    """The quantities typed, per window product: empty means none; words are an error on the field."""
    quantities = {}
    for product in products:
        value = form.get(field(product["id"]))
        if not value:
            continue
        try:
            quantities[product["id"]] = int(value)
        except ValueError:
            form.error(field(product["id"]), _("Enter a whole number of units, like 2, or leave it empty."))
    return quantities


class OrdersController(Controller):
    path = "/orders"
    guards = [requires_login]

    async def _window(self, principal: Principal, window_id: int) -> dict:
        """The window as the member's household sees it; 404 when it does not deliver to their groups."""
        window = await reads.window_for(window_id, principal.member_groups, principal.household_id)
        ensure(window is not None and principal.household_id is not None)
        return window

    async def _render(self, request: Request, window: dict, form: Form | None = None, *, status_code: int = 200,
                      block: str | None = None) -> Template:
        now = utcnow()
        order = window["order"]
        holding = order is not None and order["status"] == "open"
        lines = (await reads.lines_of([order["id"]]))[order["id"]] if order else []
        held = {line["window_product"]: line["quantity"] for line in lines} if holding else {}
        products = await reads.catalog(window["id"], held)
        if form is None:
            form = Form({field(product_id): str(quantity) for product_id, quantity in held.items()})
        typed = read_quantities(form, products)
        problems = {**form.errors}
        for product_id, message in check_quantities(products, typed, held).items():
            problems.setdefault(field(product_id), message)
        can_order = is_open(window, now) and (order is None or order["status"] != "locked")
        if order is not None:  # as the status badge reads it: an open order of a closed window is confirmed
            order = {**order, "state": "open" if can_order else "to_collect"}
        kind = await reads.bulk_kind(current(request).household_id)
        return page(request, TEMPLATE, block=block, status_code=status_code, window=window, stop=window["stop"],
                    order=order, lines=lines, products=products, form=form,
                    problems=problems if block else {},  # the preview lists them: the fields are not redrawn
                    quote=quote(products, {k: v for k, v in typed.items() if field(k) not in problems}),
                    can_order=can_order, not_yet=window["opens_at"] > now,
                    kind=kind, kind_label=reads.KIND_LABELS.get(kind, kind))

    @get("", name="orders")
    async def index(self, request: Request) -> Template:
        principal = current(request)
        now = utcnow()
        orders, windows = await reads.orders_and_open_windows(principal.household_id, principal.member_groups, now,
                                                              local_today())
        mine = {order["window"]: order for order in orders}
        return page(request, "orders/member/index.html", windows=windows,
                    mine=mine, current=[o for o in orders if o["state"] in ("open", "to_collect")],
                    past=[o for o in orders if o["state"] in ("past", "cancelled")])

    @get("/{window_id:int}", name="order")
    async def show(self, request: Request, window_id: FromPath[int]) -> Template:
        return await self._render(request, await self._window(current(request), window_id))

    @post("/{window_id:int}/preview")
    async def preview(self, request: Request, window_id: FromPath[int]) -> Template:
        """The totals under the form while the member types (htmx); saves nothing."""
        window = await self._window(current(request), window_id)
        return await self._render(request, window, Form(await form_data(request)), block="order_totals")

    @post("/{window_id:int}")
    async def save(self, request: Request, window_id: FromPath[int]) -> Template | Redirect:
        principal = current(request)
        window = await self._window(principal, window_id)
        form = Form(await form_data(request))
        quantities = read_quantities(form, await reads.catalog(window_id))
        if form.ok:
            try:
                saved = await place_order(window_id, principal.household_id, principal.id, quantities, utcnow())
            except OrderError as refused:
                for key, message in refused.errors.items():
                    form.error(field(key), message)
        if not form.ok:
            return await self._render(request, window, form, status_code=400)
        notice(request, _("Your order is saved. Total: %(total)s. You can change it until the deadline.",
                          total=format_cents(saved["total_cents"], get_language())))
        return see_other(f"/orders/{window_id}")

    @post("/{window_id:int}/cancel")
    async def cancel(self, request: Request, window_id: FromPath[int]) -> Template | Redirect:
        principal = current(request)
        window = await self._window(principal, window_id)
        try:
            cancelled = await cancel_order(window_id, principal.household_id, utcnow())
        except WindowClosed as refused:
            form = Form()
            form.error("window", refused.errors["window"])
            return await self._render(request, window, form, status_code=400)
        notice(request, _("Your order is cancelled.") if cancelled else _("There is no order to cancel."),
               "success" if cancelled else "error")
        return see_other(f"/orders/{window_id}")

