"""The network coordinator's page: member groups and producers, bringing them in and out, and the figures."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from piccolo.query.functions.aggregate import Count

from amap.distributions.tables import Distribution
from amap.farms.tables import Farm
from amap.groups.tables import Group
from amap.lib.access import Principal, current, ensure, requires_network_coordinator
from amap.lib.dates import local_today
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.web import form_data, notice, page, see_other
from amap.network import members
from amap.network.directory import supplied_groups, town_of
from amap.network.figures import households_per_group, network_figures
from amap.network.tables import Network


async def coordinated_network(principal: Principal, slug: str | None) -> tuple[dict, list[dict]]:
    """The network asked for (?network=slug), else the first one the principal coordinates."""
    query = Network.select().order_by(Network.name)
    if not principal.is_admin:
        query = query.where(Network.id.is_in(list(principal.networks) or [-1]))
    networks = await query
    if slug is None:
        ensure(bool(networks))
        return networks[0], networks
    chosen = await Network.select().where(Network.slug == slug).first()
    ensure(chosen is not None and principal.coordinates_network(chosen["id"]))
    return chosen, networks


async def sheet_days(group_ids: list[int], today: date, limit: int = 6) -> list[dict]:
    """The next days the groups distribute on, with how many of them: {held_on, count} (the days whose
    sheets /network/sheets/{day} prints together)."""
    return await Distribution.select(Distribution.held_on, Count()).where(
        Distribution.group.is_in(group_ids) & (Distribution.held_on >= today) & (Distribution.status == "planned")
    ).group_by(Distribution.held_on).order_by(Distribution.held_on).limit(limit)


async def overview_context(network: dict) -> dict:
    groups = await members.member_groups(network["id"])
    farms = await members.member_farms(network["id"])
    supplies = await supplied_groups([f["id"] for f in farms])
    for farm in farms:
        farm["town"] = town_of(farm["address"])
        farm["groups"] = [g["name"] for g in supplies[farm["id"]]]
    figures = await network_figures(network["id"])
    group_ids = [g["id"] for g in groups] or [-1]
    households = await households_per_group(group_ids)
    for group in groups:
        group["households"] = households.get(group["id"], 0)
    return {
        "groups": groups, "farms": farms, "figures": figures, "kinds": members.GROUP_KINDS,
        "former": await members.former_members(network["id"]),
        "other_groups": await Group.select(Group.slug, Group.name).where(Group.id.not_in(group_ids)).order_by(
            Group.name),
        "other_farms": await Farm.select(Farm.slug, Farm.name).where(
            Farm.id.not_in([f["id"] for f in farms] or [-1])).order_by(Farm.name),
        "sheet_days": await sheet_days(group_ids, local_today()),
        "chart": {"x": [m.starts_on.isoformat() for m in figures.months], "unit": "month",
                  "lines": [[m.contracts_cents for m in figures.months], [m.orders_cents for m in figures.months]]},
    }


class NetworkController(Controller):
    path = "/network"
    guards = [requires_network_coordinator]

    async def _render(self, request: Request, network: dict, networks: list[dict], form: Form | None = None,
                      status_code: int = 200) -> Template:
        return page(request, "network/overview.html", status_code=status_code, network=network, networks=networks,
                    form=form or Form({"kind": "amap"}), **await overview_context(network))

    @get("", name="network")
    async def overview(self, request: Request, network: FromQuery[str | None] = None) -> Template:
        chosen, networks = await coordinated_network(current(request), network)
        return await self._render(request, chosen, networks)

    @post("/{slug:str}/groups")
    async def add_group(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        chosen, networks = await coordinated_network(current(request), slug)
        form = Form(await form_data(request))
        group = await Group.select(Group.id).where(Group.slug == form.get("group")).first()
        ensure(group is not None)
        kind = form.choice("kind", members.GROUP_KINDS, required=False) or "amap"
        if not form.ok:
            return await self._render(request, chosen, networks, form, status_code=400)
        if await members.add_group(chosen["id"], group["id"], kind):
            notice(request, _("The group joined the network."))
        return see_other(f"/network?network={slug}")

    @post("/{slug:str}/groups/{group_slug:str}/kind")
    async def change_kind(self, request: Request, slug: FromPath[str], group_slug: FromPath[str]) -> Template | Redirect:
        chosen, networks = await coordinated_network(current(request), slug)
        form = Form(await form_data(request))
        group = await Group.select(Group.id).where(Group.slug == group_slug).first()
        ensure(group is not None)
        kind = form.choice("kind", members.GROUP_KINDS)
        if not form.ok:
            return await self._render(request, chosen, networks, form, status_code=400)
        ensure(await members.set_group_kind(chosen["id"], group["id"], kind))
        notice(request, _("The kind of group is saved."))
        return see_other(f"/network?network={slug}")

    @post("/{slug:str}/groups/{group_slug:str}/remove")
    async def remove_group(self, request: Request, slug: FromPath[str], group_slug: FromPath[str]) -> Redirect:
        chosen, _networks = await coordinated_network(current(request), slug)
        group = await Group.select(Group.id).where(Group.slug == group_slug).first()
        ensure(group is not None and await members.remove_group(chosen["id"], group["id"], current(request).id))
        notice(request, _("The group left the network. Its history stays in the list of former members."))
        return see_other(f"/network?network={slug}")

    @post("/{slug:str}/farms")
    async def add_farm(self, request: Request, slug: FromPath[str]) -> Redirect:
        chosen, _networks = await coordinated_network(current(request), slug)
        form = Form(await form_data(request))
        farm = await Farm.select(Farm.id).where(Farm.slug == form.get("farm")).first()
        ensure(farm is not None)
        if await members.add_farm(chosen["id"], farm["id"]):
            notice(request, _("The producer joined the network."))
        return see_other(f"/network?network={slug}")

    @post("/{slug:str}/farms/{farm_slug:str}/remove")
    async def remove_farm(self, request: Request, slug: FromPath[str], farm_slug: FromPath[str]) -> Redirect:
        chosen, _networks = await coordinated_network(current(request), slug)
        farm = await Farm.select(Farm.id).where(Farm.slug == farm_slug).first()
        ensure(farm is not None and await members.remove_farm(chosen["id"], farm["id"], current(request).id))
        notice(request, _("The producer left the network. Its history stays in the list of former members."))
        return see_other(f"/network?network={slug}")
