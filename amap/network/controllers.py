"""The network coordinator's page: member groups and producers, with their sizes."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from amap.farms.tables import FarmSupply
from amap.groups.tables import Membership
from amap.lib.access import current, ensure, requires_network_coordinator
from amap.lib.web import page
from amap.network.tables import Network, NetworkFarm, NetworkGroup


class NetworkController(Controller):
    path = "/network"
    guards = [requires_network_coordinator]

    @get("", name="network")
    async def overview(self, request: Request, network: FromQuery[str | None] = None) -> Template:
        principal = current(request)
        query = Network.select().order_by(Network.name)
        if not principal.is_admin:
            query = query.where(Network.id.is_in(list(principal.networks) or [-1]))
        networks = await query
        ensure(bool(networks))
        chosen = networks[0] if network is None else next((n for n in networks if n["slug"] == network), None)
        ensure(chosen is not None)
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
        return page(request, "network/overview.html", network=chosen, networks=networks, groups=groups, farms=farms,
                    household_total=len(members))
