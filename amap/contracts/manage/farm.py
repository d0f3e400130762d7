"""A farm's side of contracts: its share types, and a new contract offer for a group it supplies."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.contracts import offers
from amap.contracts.manage.forms import euros, read_rhythm, read_terms
from amap.contracts.tables import ShareType
from amap.farms.access import chosen_farm, my_farms
from amap.farms.tables import Farm, FarmSupply
from amap.groups.tables import Place
from amap.lib import price_parts
from amap.lib.access import Principal, current, ensure, requires_farmer, requires_login
from amap.lib.dates import weekday_name
from amap.lib.db import utcnow
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language, ngettext
from amap.lib.web import form_data, notice, page, see_other


class ShareTypeController(Controller):
    """What a farm sells by the delivery; only the farm's own farmers (or the admin) change it."""

    path = "/farm/share-types"
    guards = [requires_farmer]

    @get("/new", name="share_type_new")
    async def new(self, request: Request, farm: FromQuery[str | None] = None) -> Template:
        principal = current(request)
        chosen = await chosen_farm(principal, await my_farms(principal), farm)
        return page(request, "contracts/manage/share_type.html", farm=chosen, form=Form())

    @post("/new")
    async def add(self, request: Request, farm: FromQuery[str | None] = None) -> Template | Redirect:
        principal = current(request)
        chosen = await chosen_farm(principal, await my_farms(principal), farm)
        form = Form(await form_data(request))
        values = {
            "name": form.text("share_name", max_length=120),
            "description": form.text("share_description", required=False, max_length=2000),
            "price_cents": euros(form, "share_price"),
        }
        values["price_parts"] = price_parts.read_lines(form, "share_price_parts", price_cents=values["price_cents"])
        if not form.ok:
            return page(request, "contracts/manage/share_type.html", farm=chosen, form=form, status_code=400)
        await ShareType.insert(ShareType(farm=chosen["id"], **values))
        notice(request, _("The share type %(name)s is added.", name=values["name"]))
        return see_other(f"/farm?farm={chosen['slug']}#share-types")

    @post("/{share_type_id:int}/archive")
    async def archive(self, request: Request, share_type_id: FromPath[int]) -> Redirect:
        row = await ShareType.select(ShareType.farm, ShareType.name, ShareType.farm.slug.as_alias("slug")).where(
            (ShareType.id == share_type_id) & ShareType.archived_at.is_null()).first()
        ensure(row is not None and current(request).runs_farm(row["farm"]))
        # Archived, not deleted: the contracts that offered it still name it.
        await ShareType.update({ShareType.archived_at: utcnow()}).where(ShareType.id == share_type_id)
        notice(request, _("The share type %(name)s is archived: new offers no longer list it.", name=row["name"]))
        return see_other(f"/farm?farm={row['slug']}#share-types")


async def offering_farms(principal: Principal) -> list[dict]:
    """Farms the principal may make offers for: those they run, and those supplying a group they coordinate."""
    query = Farm.select(Farm.id, Farm.name, Farm.slug).order_by(Farm.name)
    if not principal.is_admin:
        supplying = await FarmSupply.select(FarmSupply.farm).where(
            FarmSupply.group.is_in(list(principal.coordinator_groups) or [-1]) & FarmSupply.ended_at.is_null())
        ids = set(principal.farms) | {row["farm"] for row in supplying}
        query = query.where(Farm.id.is_in(list(ids) or [-1]))
    return await query


async def offering_groups(principal: Principal, farm_id: int) -> list[dict]:
    """The groups supplied by the farm for which the principal may make an offer."""
    groups = await offers.supplied_groups(farm_id)
    return groups if principal.runs_farm(farm_id) else [g for g in groups if principal.coordinates(g["id"])]


class NewOfferController(Controller):
    """A new contract offer, as a draft: by the farm's farmers or the committee of a group it supplies."""

    path = "/farm/offers/new"
    guards = [requires_login]

    async def _chosen(self, request: Request, slug: str | None) -> tuple[dict, list[dict], list[dict]]:
        farms = await offering_farms(current(request))
        farm = next((f for f in farms if f["slug"] == slug), None) if slug else (farms[0] if farms else None)
        ensure(farm is not None)
        return farm, farms, await offering_groups(current(request), farm["id"])

    def _render(self, request: Request, farm: dict, farms: list[dict], groups: list[dict], form: Form,
                status_code: int = 200) -> Template:
        weekdays = [(str(i), weekday_name(i, get_language())) for i in range(7)]
        return page(request, "contracts/manage/new.html", status_code=status_code, farm=farm, farms=farms,
                    runs_farm=current(request).runs_farm(farm["id"]),
                    groups=groups, group_options=[(str(g["id"]), g["name"]) for g in groups], form=form,
                    weekdays=weekdays, natures=offers.NATURES,
                    rules=offers.MISSED_DELIVERY_RULES, frequencies=offers.FREQUENCIES)

    @get("", name="offer_new")
    async def new(self, request: Request, farm: FromQuery[str | None] = None) -> Template:
        chosen, farms, groups = await self._chosen(request, farm)
        place = await Place.select(Place.weekday).where(
            Place.group.is_in([g["id"] for g in groups] or [-1])).order_by(Place.id).first()
        form = Form({"group": str(groups[0]["id"]) if groups else "", "nature": "fixed",
                     "missed_delivery_rule": "catch_up", "charter": offers.default_charter(),
                     "weekday": str(place["weekday"] if place else 3), "frequency": "weekly"})
        return self._render(request, chosen, farms, groups, form)

    @post("")
    async def create(self, request: Request, farm: FromQuery[str | None] = None) -> Template | Redirect:
        chosen, farms, groups = await self._chosen(request, farm)
        form = Form(await form_data(request))
        group = form.choice("group", [str(g["id"]) for g in groups])
        terms = read_terms(form)
        days = read_rhythm(form, terms["starts_on"], terms["ends_on"])
        if not form.ok:
            return self._render(request, chosen, farms, groups, form, status_code=400)
        offer_id = await offers.create_offer(chosen["id"], int(group), terms, days, current(request).id)
        notice(request, ngettext("The offer is saved as a draft with %(num)s delivery: add its shares and payment "
                                 "plans, then publish it.",
                                 "The offer is saved as a draft with %(num)s deliveries: add its shares and payment "
                                 "plans, then publish it.", len(days)))
        return see_other(f"/offers/{offer_id}/manage")
