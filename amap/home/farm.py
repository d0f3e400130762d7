"""`/farm`: the farm's dashboard — its groups, offers, share types, money secured, and its profile."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.contracts.offers import farm_offers, farm_share_types
from amap.distributions.tables import Delivery
from amap.farms.access import chosen_farm, my_farms
from amap.farms.tables import Farm, Farmer, FarmSupply
from amap.lib.access import current, requires_farmer
from amap.lib.dates import local_today
from amap.lib.db import utcnow
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.web import form_data, notice, page, see_other
from amap.orders.windows import farm_windows, state
from amap.payments.services import farm_overview

PROFILE_FIELDS = ("name", "production", "description", "address", "practices")


async def running_windows(farm_id: int) -> list[dict]:
    """The farm's order windows not closed yet (drafts included: they wait to be published)."""
    now = utcnow()
    return [window for window in await farm_windows(farm_id) if state(window, now) != "closed"]


async def coming_deliveries(farm_id: int, today, limit: int = 6) -> list[dict]:
    """The farm's next deliveries, to announce the share and print the delivery note."""
    return await Delivery.select(
        Delivery.id, Delivery.outcome, Delivery.distribution, Delivery.distribution.held_on.as_alias("held_on"),
        Delivery.offer.name.as_alias("offer_name"), Delivery.distribution.group.name.as_alias("group_name"),
    ).where((Delivery.offer.farm == farm_id) & (Delivery.distribution.held_on >= today)
            & (Delivery.distribution.status == "planned")).order_by(Delivery.distribution.held_on).limit(limit)


class FarmController(Controller):
    path = "/farm"
    guards = [requires_farmer]

    async def _render(self, request: Request, farm_slug: str | None, form: Form | None = None,
                      status_code: int = 200) -> Template:
        farms = await my_farms(current(request))
        farm = await chosen_farm(current(request), farms, farm_slug)
        groups = await FarmSupply.select(
            FarmSupply.group.name.as_alias("name"), FarmSupply.group.slug.as_alias("slug"),
            FarmSupply.group.city.as_alias("city"), FarmSupply.since,
        ).where((FarmSupply.farm == farm["id"]) & FarmSupply.ended_at.is_null()).order_by(FarmSupply.group.name)
        farmers = await Farmer.select(Farmer.user.name.as_alias("name"), Farmer.user.email.as_alias("email")).where(
            (Farmer.farm == farm["id"]) & Farmer.ended_at.is_null()
        )
        return page(request, "farms/dashboard.html", status_code=status_code, farm=farm, farms=farms,
                    groups=groups, farmers=farmers,
                    **await farm_overview(farm["id"], local_today()),
                    form=form or Form({key: str(farm[key]) for key in PROFILE_FIELDS}),
                    offers=await farm_offers(farm["id"]), share_types=await farm_share_types(farm["id"]),
                    coming=await coming_deliveries(farm["id"], local_today()),
                    windows=await running_windows(farm["id"]),
                    share_type_form=Form())

    @get("", name="farm")
    async def dashboard(self, request: Request, farm: FromQuery[str | None] = None) -> Template:
        return await self._render(request, farm)

    @post("/{slug:str}")
    async def update_profile(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        farm = await chosen_farm(current(request), [], slug)
        form = Form(await form_data(request))
        values = {
            Farm.name: form.text("name"),
            Farm.production: form.text("production", required=False),
            Farm.description: form.text("description", required=False, max_length=5000),
            Farm.address: form.text("address", required=False, max_length=300),
            Farm.practices: form.text("practices", required=False, max_length=5000),
        }
        if not form.ok:
            return await self._render(request, slug, form, status_code=400)
        await Farm.update(values).where(Farm.id == farm["id"])
        notice(request, _("The farm's profile is saved."))
        return see_other(f"/farm?farm={slug}")
