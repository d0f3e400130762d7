"""`/committee/{slug}/contracts`: the group's contracts at a glance, for its committee."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from amap.contracts.lifecycle import solidarity_pool
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
        places = await OfferShare.select(OfferShare.offer, OfferShare.capacity, OfferShare.taken).where(
            OfferShare.offer.is_in(ids))
        subscriptions = await Subscription.select(Subscription.offer, Subscription.status).where(
            Subscription.offer.is_in(ids))
        for offer in offers:
            offer["capacity"] = sum(p["capacity"] for p in places if p["offer"] == offer["id"])
            offer["taken"] = sum(p["taken"] for p in places if p["offer"] == offer["id"])
            offer["waiting"] = sum(1 for s in subscriptions if s["offer"] == offer["id"] and s["status"] == "waiting")
            offer["pool"] = await solidarity_pool(offer["id"])
        farms = await FarmSupply.select(FarmSupply.farm.name.as_alias("name"), FarmSupply.farm.slug.as_alias("slug")
                                        ).where((FarmSupply.group == group["id"]) & FarmSupply.ended_at.is_null())
        return page(request, "contracts/committee.html", group=group, groups=groups, offers=offers, farms=farms)
