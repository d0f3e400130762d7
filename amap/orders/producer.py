"""The producer's pages for one-off orders: the catalog (`/farm/catalog`) and the order windows
(`/farm/windows`). Only the farm's own farmers (or the admin) see them; other farms' products and
windows answer 404. Picking lists, the tour and payments are in `amap.orders.producer_picking`."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.farms.access import chosen_farm, my_farms
from amap.lib import price_parts
from amap.lib.access import current, requires_farmer
from amap.lib.dates import format_date, format_time, local_today
from amap.lib.db import utcnow
from amap.lib.forms import Form
from amap.lib.i18n import _, _l, get_language
from amap.lib.web import form_data, notice, page, see_other
from amap.orders import catalog, windows
from amap.orders.figures import window_figures
from amap.orders.tours import delivery_dates
from amap.orders.window_form import read_stocks, read_window, window_form

STATE_LABELS = {"draft": _l("draft"), "scheduled": _l("published, not open yet"), "open": _l("open for orders"),
                "closed": _l("closed")}


class CatalogController(Controller):
    path = "/farm/catalog"
    guards = [requires_farmer]

    async def _render(self, request: Request, slug: str | None, form: Form | None = None,
                      status_code: int = 200) -> Template:
        farms = await my_farms(current(request))
        farm = await chosen_farm(current(request), farms, slug)
        return page(request, "orders/producer/catalog.html", status_code=status_code, farm=farm, farms=farms,
                    products=await catalog.farm_products(farm["id"]),
                    archived=await catalog.farm_products(farm["id"], archived=True),
                    form=form or Form({"packaging": "1"}), categories=price_parts.CATEGORY_NAMES)

    @get("", name="farm_catalog")
    async def index(self, request: Request, farm: FromQuery[str | None] = None) -> Template:
        return await self._render(request, farm)

    @post("")
    async def add(self, request: Request, farm: FromQuery[str | None] = None) -> Template | Redirect:
        chosen = await chosen_farm(current(request), await my_farms(current(request)), farm)
        form = Form(await form_data(request))
        values = catalog.read_product(form)
        if not form.ok:
            return await self._render(request, chosen["slug"], form, status_code=400)
        await catalog.create_product(chosen["id"], values)
        notice(request, _("%(name)s is added to the catalog.", name=values["name"]))
        return see_other(f"/farm/catalog?farm={chosen['slug']}")

    def _product_page(self, request: Request, product: dict, form: Form, status_code: int = 200) -> Template:
        return page(request, "orders/producer/product.html", status_code=status_code, product=product, form=form,
                    categories=price_parts.CATEGORY_NAMES)

    @get("/{product_id:int}", name="farm_product")
    async def edit(self, request: Request, product_id: FromPath[int]) -> Template:
        product = await catalog.owned_product(current(request), product_id)
        return self._product_page(request, product, catalog.product_form(product))

    @post("/{product_id:int}")
    async def update(self, request: Request, product_id: FromPath[int]) -> Template | Redirect:
        product = await catalog.owned_product(current(request), product_id)
        form = Form(await form_data(request))
        values = catalog.read_product(form)
        if not form.ok:
            return self._product_page(request, product, form, status_code=400)
        await catalog.update_product(product_id, values)
        notice(request, _("%(name)s is saved. Windows already made keep their prices.", name=values["name"]))
        return see_other(f"/farm/catalog?farm={product['farm_slug']}")

    @post("/{product_id:int}/archive")
    async def archive(self, request: Request, product_id: FromPath[int]) -> Redirect:
        product = await catalog.owned_product(current(request), product_id)
        await catalog.set_archived(product_id, utcnow())
        notice(request, _("%(name)s is archived: new windows no longer list it.", name=product["name"]))
        return see_other(f"/farm/catalog?farm={product['farm_slug']}")

    @post("/{product_id:int}/restore")
    async def restore(self, request: Request, product_id: FromPath[int]) -> Redirect:
        product = await catalog.owned_product(current(request), product_id)
        await catalog.set_archived(product_id, None)
        notice(request, _("%(name)s is back in the catalog.", name=product["name"]))
        return see_other(f"/farm/catalog?farm={product['farm_slug']}")

    @post("/{product_id:int}/delete")
    async def delete(self, request: Request, product_id: FromPath[int]) -> Redirect:
        product = await catalog.owned_product(current(request), product_id)
        if await catalog.delete_product(product_id):
            notice(request, _("%(name)s is deleted.", name=product["name"]))
        else:
            notice(request, _("%(name)s was offered in a window: archive it instead, so orders keep its name.",
                              name=product["name"]), "error")
        return see_other(f"/farm/catalog?farm={product['farm_slug']}")


def distribution_label(row: dict) -> str:
    language = get_language()
    text = f"{format_date(row['held_on'], language, 'full')}, {format_time(row['starts_at'], language)}"
    return f"{text} · {row['place_name']}" if row["place_name"] else text


class WindowsController(Controller):
    path = "/farm/windows"
    guards = [requires_farmer]

    @get("", name="farm_windows")
    async def index(self, request: Request, farm: FromQuery[str | None] = None) -> Template:
        farms = await my_farms(current(request))
        chosen = await chosen_farm(current(request), farms, farm)
        now = utcnow()
        rows = await windows.farm_windows(chosen["id"])
        for row in rows:
            row["state"] = windows.state(row, now)
        timezone = await windows.farm_timezone(chosen["id"])
        return page(request, "orders/producer/windows.html", farm=chosen, farms=farms, windows=rows,
                    timezone=timezone, state_labels=STATE_LABELS,
                    tour_dates=await delivery_dates(chosen["id"], local_today(timezone, now)))

    async def _form_page(self, request: Request, farm: dict, form: Form, *, window: dict | None = None,
                         status_code: int = 200) -> Template:
        """The whole form (new window, or one members cannot see yet); only the stocks once they can."""
        timezone = await windows.farm_timezone(farm["id"])
        now = utcnow()
        full = window is None or windows.fully_editable(window, now)
        offered = await windows.window_products(window["id"]) if window else []
        products = await catalog.farm_products(farm["id"])
        # An archived product already in the window stays listed, so saving does not drop it.
        listed = {row["id"] for row in products}
        products += [row for row in await catalog.farm_products(farm["id"], archived=True)
                     if row["id"] in {o["product"] for o in offered} and row["id"] not in listed]
        groups = await windows.servable_groups(farm["id"])
        coming = await windows.coming_distributions(groups, local_today(timezone, now))
        return page(request, "orders/producer/window_form.html", status_code=status_code, farm=farm, window=window,
                    form=form, full=full, products=products, offered=offered, groups=groups, timezone=timezone,
                    networks=await windows.farm_networks(farm["id"]),
                    distributions={gid: [(str(row["id"]), distribution_label(row)) for row in rows]
                                   for gid, rows in coming.items()})

    @get("/new", name="farm_window_new")
    async def new(self, request: Request, farm: FromQuery[str | None] = None) -> Template:
        chosen = await chosen_farm(current(request), await my_farms(current(request)), farm)
        products = await catalog.farm_products(chosen["id"])
        values = {f"price_{row['id']}": catalog.euros_text(row["price_cents"]) for row in products}
        return await self._form_page(request, chosen, Form(values))

    async def _read(self, request: Request, farm: dict, form: Form, window: dict | None):
        timezone = await windows.farm_timezone(farm["id"])
        products = await catalog.farm_products(farm["id"])
        if window is not None:  # archived products already offered may stay
            offered = {row["product"] for row in await windows.window_products(window["id"])}
            products += [row for row in await catalog.farm_products(farm["id"], archived=True) if row["id"] in offered]
        return await read_window(form, timezone=timezone, catalog=products,
                                 groups=await windows.servable_groups(farm["id"]),
                                 networks=await windows.farm_networks(farm["id"]), now=utcnow())

    @post("/new")
    async def create(self, request: Request, farm: FromQuery[str | None] = None) -> Template | Redirect:
        chosen = await chosen_farm(current(request), await my_farms(current(request)), farm)
        form = Form(await form_data(request))
        terms, products, stops = await self._read(request, chosen, form, None)
        if not form.ok:
            return await self._form_page(request, chosen, form, status_code=400)
        window_id = await windows.create_window(chosen["id"], terms, products, stops, current(request).id)
        notice(request, _("The window is saved as a draft: check it, then publish it."))
        return see_other(f"/farm/windows/{window_id}")

    @get("/{window_id:int}", name="farm_window")
    async def show(self, request: Request, window_id: FromPath[int]) -> Template:
        return await self._window_page(request, await windows.owned_window(current(request), window_id))

    async def _window_page(self, request: Request, window: dict, problems: list[str] | None = None,
                           status_code: int = 200) -> Template:
        window_id, now = window["id"], utcnow()
        return page(request, "orders/producer/window.html", status_code=status_code, window=window,
                    state=windows.state(window, now), state_labels=STATE_LABELS,
                    timezone=await windows.farm_timezone(window["farm"]), figures=(await window_figures([window_id]))[window_id],
                    problems=problems or [])

    @get("/{window_id:int}/edit", name="farm_window_edit")
    async def edit(self, request: Request, window_id: FromPath[int]) -> Template | Redirect:
        window = await windows.owned_window(current(request), window_id)
        farm = {"id": window["farm"], "name": window["farm_name"], "slug": window["farm_slug"]}
        if windows.state(window, utcnow()) == "closed":
            notice(request, _("The window is closed: it can no longer change."), "error")
            return see_other(f"/farm/windows/{window_id}")
        timezone = await windows.farm_timezone(window["farm"])
        form = window_form(window, await windows.window_products(window_id), await windows.window_stops(window_id),
                           timezone)
        return await self._form_page(request, farm, form, window=window)

    @post("/{window_id:int}/edit")
    async def update(self, request: Request, window_id: FromPath[int]) -> Template | Redirect:
        window = await windows.owned_window(current(request), window_id)
        farm = {"id": window["farm"], "name": window["farm_name"], "slug": window["farm_slug"]}
        now = utcnow()
        form = Form(await form_data(request))
        if windows.fully_editable(window, now):
            terms, products, stops = await self._read(request, farm, form, window)
            if not form.ok:
                return await self._form_page(request, farm, form, window=window, status_code=400)
            await windows.update_window(window_id, terms, products, stops)
        elif windows.state(window, now) == "open":
            if form.get("title"):
                # The whole form, sent from a page opened before the window opened: save none of it.
                notice(request, _("Members can order now: only the stocks may still change. Nothing was saved."),
                       "error")
                return see_other(f"/farm/windows/{window_id}/edit")
            offered = await windows.window_products(window_id)
            stocks = read_stocks(form, offered)
            if form.ok:
                for row_id in await windows.update_stock(window_id, stocks):
                    product = next(row for row in offered if row["id"] == row_id)
                    form.error(f"stock_{product['product']}",
                               _("Members reserved more in the meantime: enter a larger stock."))
            if not form.ok:
                return await self._form_page(request, farm, form, window=window, status_code=400)
        else:
            notice(request, _("The window is closed: it can no longer change."), "error")
            return see_other(f"/farm/windows/{window_id}")
        notice(request, _("The window is saved."))
        return see_other(f"/farm/windows/{window_id}")

    @post("/{window_id:int}/publish")
    async def publish(self, request: Request, window_id: FromPath[int]) -> Template | Redirect:
        window = await windows.owned_window(current(request), window_id)
        now = utcnow()
        problems = windows.publish_problems(window, await windows.window_products(window_id),
                                            await windows.window_stops(window_id), now)
        if problems:
            return await self._window_page(request, window, problems, status_code=400)
        if await windows.publish(window_id, now):
            notice(request, _("The window is published: members of the groups served see it from its opening."))
        return see_other(f"/farm/windows/{window_id}")

    @post("/{window_id:int}/cancel")
    async def cancel(self, request: Request, window_id: FromPath[int]) -> Redirect:
        window = await windows.owned_window(current(request), window_id)
        if await windows.cancel_window(window_id):
            notice(request, _("The window %(title)s is cancelled.", title=window["title"]))
            return see_other(f"/farm/windows?farm={window['farm_slug']}")
        notice(request, _("Members have ordered in this window: it can no longer be cancelled."), "error")
        return see_other(f"/farm/windows/{window_id}")
