"""`/committee/{slug}/balances`: what each household of a group owes across all its contracts."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from amap.contracts.tables import Subscription
from amap.groups.committee import chosen_group
from amap.lib.access import current, requires_coordinator
from amap.lib.dates import local_today
from amap.lib.web import page
from amap.payments import services


class HouseholdBalancesController(Controller):
    path = "/committee/{slug:str}/balances"
    guards = [requires_coordinator]

    @get("", name="household_balances")
    async def show(self, request: Request, slug: FromPath[str], overdue: FromQuery[bool] = False) -> Template:
        group, groups = await chosen_group(current(request), slug)
        today = local_today(group["timezone"])
        subscriptions = await Subscription.select(
            Subscription.id, Subscription.household, Subscription.household.name.as_alias("household_name"),
            Subscription.offer.name.as_alias("offer_name"), Subscription.offer.id.as_alias("offer_id"),
        ).where((Subscription.offer.group == group["id"]) & Subscription.status.is_in(list(services.LISTED))
                ).order_by(Subscription.household.name)
        owed = await services.balances([s["id"] for s in subscriptions], today)
        households: dict[int, dict] = {}
        for sub in subscriptions:
            entry = households.setdefault(sub["household"], {"name": sub["household_name"], "contracts": []})
            entry["contracts"].append({**sub, "balance": owed[sub["id"]]})
        for entry in households.values():
            entry["totals"] = services.totals(c["balance"] for c in entry["contracts"])
        rows = [h for h in households.values() if not overdue or h["totals"].overdue_cents > 0]
        return page(request, "payments/households.html", group=group, groups=groups, households=rows,
                    overdue=overdue, figures=services.totals(owed.values()))
