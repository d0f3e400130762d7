"""The network coordinator's page: member groups and producers, and bringing new ones in."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.farms.tables import Farm, FarmSupply
from amap.groups.tables import Group, Membership
from amap.lib.access import Principal, current, ensure, requires_network_coordinator
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.web import form_data, notice, page, see_other
from amap.network.tables import Network, NetworkFarm, NetworkGroup


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


class NetworkController(Controller):
    path = "/network"
    guards = [requires_network_coordinator]

    @get("", name="network")
    async def overview(self, request: Request, network: FromQuery[str | None] = None) -> Template:
        chosen, networks = await coordinated_network(current(request), network)
        groups = await NetworkGroup.select(
            NetworkGroup.group.id.as_alias("id"), NetworkGroup.group.name.as_alias("name"),
            NetworkGroup.group.slug.as_alias("slug"), NetworkGroup.group.city.as_alias("city"),
        ).where(NetworkGroup.network == chosen["id"]).order_by(NetworkGroup.group.name)
        group_ids = [g["id"] for g in groups] or [-1]
        members = await Membership.select(Membership.group).where(
            Membership.group.is_in(group_ids) & (Membership.status == "active")
        )
        for group in groups:
            group["households"] = sum(1 for m in members if m["group"] == group["id"])
        farms = await NetworkFarm.select(
            NetworkFarm.farm.id.as_alias("id"), NetworkFarm.farm.name.as_alias("name"),
            NetworkFarm.farm.production.as_alias("production"), NetworkFarm.farm.address.as_alias("address"),
        ).where(NetworkFarm.network == chosen["id"]).order_by(NetworkFarm.farm.name)
        supplies = await FarmSupply.select(FarmSupply.farm, FarmSupply.group.name.as_alias("group_name")).where(
            FarmSupply.farm.is_in([f["id"] for f in farms] or [-1]) & FarmSupply.ended_at.is_null()
        )
        for farm in farms:
            farm["groups"] = [s["group_name"] for s in supplies if s["farm"] == farm["id"]]
        other_groups = await Group.select(Group.slug, Group.name).where(Group.id.not_in(group_ids)).order_by(Group.name)
        other_farms = await Farm.select(Farm.slug, Farm.name).where(
            Farm.id.not_in([f["id"] for f in farms] or [-1])).order_by(Farm.name)
        return page(request, "network/overview.html", network=chosen, networks=networks, groups=groups, farms=farms,
                    household_total=len(members), other_groups=other_groups, other_farms=other_farms)

    @post("/{slug:str}/groups")
    async def add_group(self, request: Request, slug: FromPath[str]) -> Redirect:
        chosen, _networks = await coordinated_network(current(request), slug)
        form = Form(await form_data(request))
        group = await Group.select(Group.id).where(Group.slug == form.get("group")).first()
        ensure(group is not None)
        if not await NetworkGroup.exists().where((NetworkGroup.network == chosen["id"]) & (NetworkGroup.group == group["id"])):
            await NetworkGroup.insert(NetworkGroup(network=chosen["id"], group=group["id"]))
        notice(request, _("The group joined the network."))
        return see_other(f"/network?network={slug}")

    @post("/{slug:str}/farms")
    async def add_farm(self, request: Request, slug: FromPath[str]) -> Redirect:
        chosen, _networks = await coordinated_network(current(request), slug)
        form = Form(await form_data(request))
        farm = await Farm.select(Farm.id).where(Farm.slug == form.get("farm")).first()
        ensure(farm is not None)
        if not await NetworkFarm.exists().where((NetworkFarm.network == chosen["id"]) & (NetworkFarm.farm == farm["id"])):
            await NetworkFarm.insert(NetworkFarm(network=chosen["id"], farm=farm["id"]))
        notice(request, _("The producer joined the network."))
        return see_other(f"/network?network={slug}")
