"""`/committee/{slug}/organisations`: the committee marks which member households are organisations
buying in quantity (a community kitchen, a collective, a popular restaurant). They order the same
way as any household; picking lists and their order page show what they are."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.accounts.search import household_matches
from amap.groups.committee import chosen_group
from amap.groups.tables import Membership
from amap.lib import pagination
from amap.lib.access import current, ensure, requires_coordinator
from amap.lib.db import write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.web import form_data, notice, page, see_other
from amap.orders.reads import KIND_LABELS
from amap.orders.tables import BulkBuyer


def active_households(group_id: int, q: str = ""):
    """The group's active memberships, of households matching the search when there is one."""
    where = (Membership.group == group_id) & (Membership.status == "active")
    if q:
        where &= household_matches(Membership.household, q, Membership.select(Membership.household).where(
            Membership.group == group_id))
    return where


async def households_with_kind(group_id: int, q: str = "", *, limit: int, offset: int = 0) -> list[dict]:
    """A page of the group's active households by name, each with its kind of organisation ("" for a household)."""
    rows = await Membership.select(Membership.household, Membership.household.name.as_alias("name")).where(
        active_households(group_id, q)).order_by(Membership.household.name).order_by(Membership.id).limit(
        limit).offset(offset)
    kinds = {row["household"]: row for row in await BulkBuyer.select().where(
        BulkBuyer.household.is_in([r["household"] for r in rows] or [-1]) & (BulkBuyer.active == True))}  # noqa: E712
    for row in rows:
        buyer = kinds.get(row["household"])
        row["kind"], row["contact"] = (buyer["kind"], buyer["contact"]) if buyer else ("", "")
    return rows


class OrganisationsController(Controller):
    path = "/committee/{slug:str}/organisations"
    guards = [requires_coordinator]

    @get("", name="committee_organisations")
    async def index(self, request: Request, slug: FromPath[str], q: FromQuery[str] = "",
                    page_number: pagination.PageQuery = None) -> Template:
        """The group's active households, 50 a page, searched by name or e-mail; the organisations among
        them are counted for the whole group."""
        q, number = pagination.search_term(q), pagination.page_number(page_number)
        group, _groups = await chosen_group(current(request), slug)
        pages = pagination.pager(request, number, await Membership.count().where(active_households(group["id"], q)),
                                 keep={"q": q})
        organisations = await BulkBuyer.count().where(
            (BulkBuyer.active == True) & BulkBuyer.household.is_in(Membership.select(Membership.household).where(  # noqa: E712
                (Membership.group == group["id"]) & (Membership.status == "active"))))
        return page(request, "orders/organisations.html", block=pagination.list_block(
            request, "organisation-list", "organisation_list"), group=group, q=q, pager=pages,
            organisations=organisations, kinds=KIND_LABELS,
            households=await households_with_kind(group["id"], q, limit=pages.size, offset=pages.offset))

    @post("/{household_id:int}")
    async def set_kind(self, request: Request, slug: FromPath[str], household_id: FromPath[int]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        ensure(await Membership.exists().where((Membership.group == group["id"]) & (Membership.household == household_id)
                                               & (Membership.status == "active")))
        form = Form(await form_data(request))
        kind = form.get("kind")
        if kind and kind not in KIND_LABELS:
            notice(request, _("Choose one of the kinds of organisation."), "error")
            return see_other(f"/committee/{slug}/organisations")
        contact = form.text("contact", required=False, max_length=200)
        if not form.ok:  # only a hand-made post: the field itself stops at 200 characters
            notice(request, form.errors["contact"], "error")
            return see_other(f"/committee/{slug}/organisations")
        async with write_transaction():
            if kind:
                await BulkBuyer.insert(BulkBuyer(household=household_id, kind=kind, contact=contact)).on_conflict(
                    target=BulkBuyer.household, action="DO UPDATE",
                    values=[BulkBuyer.kind, BulkBuyer.contact, BulkBuyer.active])
            else:
                await BulkBuyer.update({BulkBuyer.active: False}).where(BulkBuyer.household == household_id)
        notice(request, _("Saved."))
        return see_other(f"/committee/{slug}/organisations")
