"""`/network/demand`: the orders of all the network's groups added up per producer and delivery date."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from amap.lib.access import current, requires_network_coordinator
from amap.lib.dates import local_today
from amap.lib.web import page
from amap.network import members
from amap.network.controllers import coordinated_network
from amap.orders.aggregation import aggregated_demand


class NetworkDemandController(Controller):
    path = "/network/demand"
    guards = [requires_network_coordinator]

    @get("", name="network_demand")
    async def demand(self, request: Request, network: FromQuery[str | None] = None,
                     past: FromQuery[bool] = False) -> Template:
        chosen, networks = await coordinated_network(current(request), network)
        deliveries = await aggregated_demand(group_ids=await members.group_ids(chosen["id"]), network_id=chosen["id"],
                                             from_date=None if past else local_today())
        return page(request, "network/demand.html", network=chosen, networks=networks, deliveries=deliveries,
                    past=past, total_cents=sum(d.total_cents for d in deliveries))
