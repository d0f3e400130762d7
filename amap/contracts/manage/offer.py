"""An offer's page for those who manage it: terms, calendar, shares, payment plans, référents,
publishing, closing and renewing. Everyone else gets 404 (amap.contracts.access.managed_offer)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.contracts import lifecycle, offers
from amap.contracts.access import managed_offer
from amap.contracts.lifecycle import TIER_LABELS
from amap.contracts.manage.forms import read_delivery, read_plan, read_rhythm, read_share, read_terms, terms_form
from amap.contracts.tables import (
    Offer,
    OfferDelivery,
    OfferShare,
    OfferVersion,
    PaymentPlan,
    Subscription,
)
from amap.farms.tables import Farm
from amap.groups.tables import Group
from amap.lib.access import current, ensure, requires_login
from amap.lib.dates import weekday_name
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language
from amap.lib.money import format_cents
from amap.lib.web import form_data, notice, page, see_other

TEMPLATE = "contracts/manage/offer.html"


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


class OfferManageController(Controller):
    path = "/offers/{offer_id:int}/manage"
    guards = [requires_login]  # who manages which offer is decided per offer: managed_offer()

    async def _render(self, request: Request, offer: dict, *, block: str | None = None, status_code: int = 200,
                      **forms: Any) -> Template:
        principal = current(request)
        farm = await Farm.select(Farm.id, Farm.name, Farm.slug).where(Farm.id == offer["farm"]).first()
        group = await Group.select(Group.id, Group.name, Group.slug).where(Group.id == offer["group"]).first()
        deliveries = await offers.deliveries(offer["id"])
        shares = await offers.offer_shares(offer["id"])
        referents = await offers.referents(offer["id"])
        offered = {share["share_type"] for share in shares}
        chosen = {person["user"] for person in referents}
        days = [row["delivers_on"] for row in deliveries]
        weekday, frequency = offers.rhythm(days) if days else (offer["starts_on"].weekday(), "weekly")
        if principal.runs_farm(farm["id"]):
            back = (f"/farm?farm={farm['slug']}", farm["name"])
        elif principal.coordinates(group["id"]):
            back = (f"/committee?group={group['slug']}", _("Committee"))
        else:
            back = ("/me", _("My home"))
        share_types = [t for t in await offers.farm_share_types(farm["id"]) if t["id"] not in offered]
        candidates = [a for a in await offers.active_adults(group["id"]) if a["id"] not in chosen]
        language = get_language()
        context = {
            "offer": offer, "farm": farm, "group": group, "back": back, "runs_farm": principal.runs_farm(farm["id"]),
            "deliveries": deliveries, "shares": shares, "share_types": share_types,
            "share_type_options": [(str(t["id"]), f"{t['name']} · {format_cents(t['price_cents'], language)}")
                                   for t in share_types],
            "plans": await PaymentPlan.select().where(PaymentPlan.offer == offer["id"]).order_by(PaymentPlan.id),
            "referents": referents, "max_referents": offers.MAX_REFERENTS,
            "candidate_options": [(str(a["id"]), f"{a['name']} ({a['household_name']})") for a in candidates],
            "versions": await offers.versions(offer["id"]), "renewal": await offers.renewal_of(offer["id"]),
            "renewed_from": offer["renewed_from"] and await Offer.select(Offer.id, Offer.name).where(
                Offer.id == offer["renewed_from"]).first(),
            "weekdays": [(str(i), weekday_name(i, language)) for i in range(7)],
            "natures": offers.NATURES, "rules": offers.MISSED_DELIVERY_RULES, "frequencies": offers.FREQUENCIES,
            "methods": offers.PAYMENT_METHODS, "tiers": TIER_LABELS,
            "problems": [],
            "terms_form": terms_form(offer), "delivery_form": Form(),
            "rhythm_form": Form({"weekday": str(weekday), "frequency": frequency}),
            "share_form": Form(), "referent_form": Form(),
            "plan_form": Form({"installments": "1", "first_due_on": offer["starts_on"].isoformat(),
                               "method": "cheque", "payee": farm["name"]}),
        }
        return page(request, TEMPLATE, block=block, status_code=status_code, **{**context, **forms})

    async def _calendar_changed(self, request: Request, offer: dict, message: str, **forms: Form) -> Template | Redirect:
        """After a calendar change: the calendar alone for htmx; otherwise the page again with the
        messages when refused, or back to it."""
        refused = any(not form.ok for form in forms.values())
        if is_htmx(request):
            # htmx swaps only 2xx answers: a refused form comes back as 200 with its messages.
            return await self._render(request, offer, block="calendar",
                                      **(forms if refused else {"calendar_message": message}))
        if refused:
            return await self._render(request, offer, status_code=400, **forms)
        notice(request, message)
        return see_other(f"/offers/{offer['id']}/manage#calendar")

    def _back(self, offer: dict, anchor: str = "") -> Redirect:
        return see_other(f"/offers/{offer['id']}/manage{anchor}")

    @get("", name="offer_manage")
    async def show(self, request: Request, offer_id: FromPath[int]) -> Template:
        return await self._render(request, await managed_offer(current(request), offer_id))

    @post("")
    async def update_terms(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        offer = await managed_offer(current(request), offer_id)
        form = Form(await form_data(request))
        terms = read_terms(form)
        if not form.ok:
            return await self._render(request, offer, terms_form=form, status_code=400)
        await Offer.update(terms).where(Offer.id == offer_id)
        notice(request, _("The offer is saved.") if offer["status"] == "draft"
               else _("The offer is saved. Members see the changes once you publish it again."))
        return self._back(offer)

    @post("/deliveries")
    async def add_delivery(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        offer = await managed_offer(current(request), offer_id)
        form = Form(await form_data(request))
        taken = {row["delivers_on"] for row in await offers.deliveries(offer_id)}
        day = read_delivery(form, offer, taken)
        if form.ok:
            await offers.add_deliveries(offer_id, [day])
        return await self._calendar_changed(request, offer, _("The delivery date is added."), delivery_form=form)

    @post("/deliveries/{delivery_id:int}/delete")
    async def remove_delivery(self, request: Request, offer_id: FromPath[int], delivery_id: FromPath[int]
                              ) -> Template | Redirect:
        offer = await managed_offer(current(request), offer_id)
        removed = await OfferDelivery.delete().where(
            (OfferDelivery.id == delivery_id) & (OfferDelivery.offer == offer_id)).returning(OfferDelivery.id)
        ensure(bool(removed))
        return await self._calendar_changed(request, offer, _("The delivery date is removed."))

    @post("/calendar")
    async def replace_calendar(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        offer = await managed_offer(current(request), offer_id)
        form = Form(await form_data(request))
        days = read_rhythm(form, offer["starts_on"], offer["ends_on"])
        if form.ok:
            await offers.replace_calendar(offer_id, days)
        return await self._calendar_changed(request, offer, _("The calendar is made again from the season's dates."),
                                            rhythm_form=form)

    @post("/shares")
    async def add_share(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        offer = await managed_offer(current(request), offer_id)
        form = Form(await form_data(request))
        offered = {share["share_type"] for share in await offers.offer_shares(offer_id)}
        share = read_share(form, await offers.farm_share_types(offer["farm"]), offered)
        if not form.ok:
            return await self._render(request, offer, share_form=form, status_code=400)
        await offers.add_share(offer_id, share["share_type_id"], share["capacity"], share["prices"])
        notice(request, _("The share is offered."))
        return self._back(offer, "#shares")

    @post("/shares/{share_id:int}/delete")
    async def remove_share(self, request: Request, offer_id: FromPath[int], share_id: FromPath[int]) -> Redirect:
        offer = await managed_offer(current(request), offer_id)
        ensure(await OfferShare.exists().where((OfferShare.id == share_id) & (OfferShare.offer == offer_id)))
        if await offers.remove_share(offer_id, share_id):
            notice(request, _("The share is withdrawn from the offer."))
        else:
            notice(request, _("Members signed for this share: it cannot be withdrawn."), "error")
        return self._back(offer, "#shares")

    @post("/plans")
    async def add_plan(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        offer = await managed_offer(current(request), offer_id)
        form = Form(await form_data(request))
        group = await Group.select(Group.name).where(Group.id == offer["group"]).first()
        plan = read_plan(form, offer, group["name"])
        if not form.ok:
            return await self._render(request, offer, plan_form=form, status_code=400)
        await PaymentPlan.insert(PaymentPlan(offer=offer_id, **plan))
        notice(request, _("The payment plan is added."))
        return self._back(offer, "#plans")

    @post("/plans/{plan_id:int}/delete")
    async def remove_plan(self, request: Request, offer_id: FromPath[int], plan_id: FromPath[int]) -> Redirect:
        offer = await managed_offer(current(request), offer_id)
        ensure(await PaymentPlan.exists().where((PaymentPlan.id == plan_id) & (PaymentPlan.offer == offer_id)))
        if await Subscription.exists().where(Subscription.payment_plan == plan_id):
            notice(request, _("Members chose this payment plan: it cannot be removed."), "error")
        else:
            await PaymentPlan.delete().where((PaymentPlan.id == plan_id) & (PaymentPlan.offer == offer_id))
            notice(request, _("The payment plan is removed."))
        return self._back(offer, "#plans")

    @post("/referents")
    async def add_referent(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        offer = await managed_offer(current(request), offer_id)
        form = Form(await form_data(request))
        user_id = form.integer("user_id", minimum=1, maximum=2**31 - 1)
        if form.ok and user_id not in {a["id"] for a in await offers.active_adults(offer["group"])}:
            form.error("user_id", _("Choose an active member of the group."))
        if form.ok and not await offers.add_referent(offer_id, user_id, current(request).id):
            form.error("user_id", _("A contract has at most two coordinators, each named once."))
        if not form.ok:
            return await self._render(request, offer, referent_form=form, status_code=400)
        notice(request, _("The contract coordinator is named."))
        return self._back(offer, "#referents")

    @post("/referents/{referent_id:int}/delete")
    async def remove_referent(self, request: Request, offer_id: FromPath[int], referent_id: FromPath[int]) -> Redirect:
        offer = await managed_offer(current(request), offer_id)
        ensure(await offers.remove_referent(offer_id, referent_id, current(request).id))
        notice(request, _("The contract coordinator is removed."))
        return self._back(offer, "#referents")

    @post("/publish")
    async def publish(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        offer = await managed_offer(current(request), offer_id)
        problems = await offers.publish_problems(offer)
        if problems:
            return await self._render(request, offer, problems=problems, status_code=400)
        version = await lifecycle.publish(offer_id, current(request).id)
        notice(request, _("Version %(version)s is published: members can sign it.", version=version))
        return self._back(offer)

    @post("/close")
    async def close(self, request: Request, offer_id: FromPath[int]) -> Redirect:
        offer = await managed_offer(current(request), offer_id)
        closed = await Offer.update({Offer.status: "closed"}).where(
            (Offer.id == offer_id) & (Offer.status == "open")).returning(Offer.id)
        if closed:
            notice(request, _("Sign-ups are closed. Members who signed keep their contracts."))
        else:
            notice(request, _("Only an offer open for signing can be closed."), "error")
        return self._back(offer)

    @post("/renew")
    async def renew(self, request: Request, offer_id: FromPath[int]) -> Redirect:
        await managed_offer(current(request), offer_id)
        renewal_id, made = await offers.renew(offer_id, current(request).id)
        notice(request, _("Next season's draft is ready: check its dates and prices, then publish it.") if made
               else _("This offer is already renewed: here is next season's draft."))
        return see_other(f"/offers/{renewal_id}/manage")

    @get("/versions/{version:int}", name="offer_version")
    async def version(self, request: Request, offer_id: FromPath[int], version: FromPath[int]) -> Template:
        offer = await managed_offer(current(request), offer_id)
        row = await OfferVersion.select(
            OfferVersion.version, OfferVersion.snapshot, OfferVersion.created_at,
            OfferVersion.created_by.name.as_alias("by"),
        ).where((OfferVersion.offer == offer_id) & (OfferVersion.version == version)).output(load_json=True).first()
        ensure(row is not None)
        snapshot = row["snapshot"]
        return page(request, "contracts/manage/version.html", offer=offer, version=row, snapshot=snapshot,
                    starts_on=date.fromisoformat(snapshot["starts_on"]), ends_on=date.fromisoformat(snapshot["ends_on"]),
                    deliveries=[date.fromisoformat(day) for day in snapshot["deliveries"]],
                    plans=[{**plan, "first_due_on": date.fromisoformat(plan["first_due_on"])}
                           for plan in snapshot["payment_plans"]],
                    natures=offers.NATURES, rules=offers.MISSED_DELIVERY_RULES, methods=offers.PAYMENT_METHODS,
                    tiers=TIER_LABELS)
