"""`/committee/{slug}/organisations`: the committee marks which member households are organisations
buying in quantity (a community kitchen, a collective, a popular restaurant). They order the same
way as any household; picking lists and their order page show what they are."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.groups.committee import chosen_group
from amap.groups.tables import Membership
from amap.lib.access import current, ensure, requires_coordinator
from amap.lib.db import write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.web import form_data, notice, page, see_other
from amap.orders.reads import KIND_LABELS
from amap.orders.tables import BulkBuyer


async def households_with_kind(group_id: int) -> list[dict]:
    rows = await Membership.select(Membership.household, Membership.household.name.as_alias("name")).where(
        (Membership.group == group_id) & (Membership.status == "active")).order_by(Membership.household.name)
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
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        group, _groups = await chosen_group(current(request), slug)
        return page(request, "orders/organisations.html", group=group, households=await households_with_kind(group["id"]),
                    kinds=KIND_LABELS)

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
        async with write_transaction():
            if kind:
                await BulkBuyer.insert(BulkBuyer(household=household_id, kind=kind, contact=contact)).on_conflict(
                    target=BulkBuyer.household, action="DO UPDATE",
                    values=[BulkBuyer.kind, BulkBuyer.contact, BulkBuyer.active])
            else:
                await BulkBuyer.update({BulkBuyer.active: False}).where(BulkBuyer.household == household_id)
        notice(request, _("Saved."))
        return see_other(f"/committee/{slug}/organisations")
