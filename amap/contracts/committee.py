"""`/committee/{slug}/contracts`: the group's contracts at a glance, for its committee."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template
from piccolo.query.methods.select import Count, Sum

from amap.contracts.lifecycle import solidarity_pools
from amap.contracts.tables import Offer, OfferShare, Subscription
from amap.farms.tables import FarmSupply
from amap.groups.committee import chosen_group
from amap.lib.access import current, requires_coordinator
from amap.lib.web import page


class CommitteeContractsController(Controller):
    path = "/committee/{slug:str}/contracts"
    guards = [requires_coordinator]

    @get("", name="committee_contracts")
    async def overview(self, request: Request, slug: FromPath[str]) -> Template:
        group, groups = await chosen_group(current(request), slug)
        offers = await Offer.select(Offer.all_columns(), Offer.farm.name.as_alias("farm_name")).where(
            Offer.group == group["id"]).order_by(Offer.starts_on, ascending=False).order_by(Offer.farm.name)
        ids = [offer["id"] for offer in offers] or [-1]
        places = {row["offer"]: row for row in await OfferShare.select(
            OfferShare.offer, Sum(OfferShare.capacity, alias="capacity"), Sum(OfferShare.taken, alias="taken"),
        ).where(OfferShare.offer.is_in(ids)).group_by(OfferShare.offer)}
        waiting = {row["offer"]: row["count"] for row in await Subscription.select(
            Subscription.offer, Count(Subscription.id, alias="count"),
        ).where(Subscription.offer.is_in(ids) & (Subscription.status == "waiting")).group_by(Subscription.offer)}
        pools = await solidarity_pools(ids)
        for offer in offers:
            offer["capacity"] = places.get(offer["id"], {}).get("capacity") or 0
            offer["taken"] = places.get(offer["id"], {}).get("taken") or 0
            offer["waiting"] = waiting.get(offer["id"], 0)
            offer["pool"] = pools[offer["id"]]
        farms = await FarmSupply.select(FarmSupply.farm.name.as_alias("name"), FarmSupply.farm.slug.as_alias("slug")
                                        ).where((FarmSupply.group == group["id"]) & FarmSupply.ended_at.is_null())
        return page(request, "contracts/committee.html", group=group, groups=groups, offers=offers, farms=farms)
