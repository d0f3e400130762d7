"""`/committee/{slug}/balances`: what each household of a group owes across all its contracts."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from amap.accounts.search import household_matches
from amap.contracts.tables import Subscription
from amap.groups.committee import chosen_group
from amap.groups.tables import Membership
from amap.lib import pagination
from amap.lib.access import current, requires_coordinator
from amap.lib.dates import local_today
from amap.lib.web import page
from amap.payments import listing


class HouseholdBalancesController(Controller):
    path = "/committee/{slug:str}/balances"
    guards = [requires_coordinator]

    @get("", name="household_balances")
    async def show(self, request: Request, slug: FromPath[str], overdue: FromQuery[bool] = False,
                   q: FromQuery[str] = "", page_number: pagination.PageQuery = None) -> Template:
        """The group's households with a contract, 50 a page, searched by name or e-mail, those behind
        on payments only if asked; the figures above are the whole group's."""
        q, number = pagination.search_term(q), pagination.page_number(page_number)
        group, groups = await chosen_group(current(request), slug)
        today = local_today(group["timezone"])
        whole = condition = listing.group_subscriptions(group["id"])
        if q:
            condition &= household_matches(Subscription.household, q, Membership.select(Membership.household).where(
                Membership.group == group["id"]))
        # The page, how many households are listed and the totals of their contracts, in one reading.
        households, count, totals = await listing.household_rows(
            condition, today, overdue=overdue, limit=pagination.PAGE_SIZE, offset=pagination.page_offset(number))
        if count is None:  # no household listed, or a page beyond the last
            count = await listing.household_count(condition, today, overdue=overdue)
        pages = pagination.pager(request, number, count, keep={"overdue": overdue, "q": q})
        # The figures above are the whole group's: the listed households' unless a search or filter narrows them.
        figures = totals if totals is not None and not q and not overdue else (await listing.summary(whole, today)).totals
        return page(request, "payments/households.html", block=pagination.list_block(
            request, "household-list", "household_list"), group=group, groups=groups, households=households,
            overdue=overdue, q=q, pager=pages, figures=figures)
