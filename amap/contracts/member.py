"""The member's contract pages: offers open for signing, one offer, and signing in two steps."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.accounts.tables import User
from amap.contracts import lifecycle
from amap.contracts.access import visible_offer
from amap.contracts.lifecycle import MAX_QUANTITY, TIER_LABELS, TIERS, SigningError, SignRequest
from amap.contracts.tables import (
    Offer,
    OfferShare,
    Subscription,
)
from amap.groups.tables import Group, Membership
from amap.lib import price_parts
from amap.lib.access import Principal, current, ensure, requires_login
from amap.lib.dates import local_today
from amap.lib.forms import Form
from amap.lib.i18n import _, _l
from amap.lib.money import parse_euros
from amap.lib.prepared import prepared
from amap.lib.web import form_data, notice, page, see_other

METHOD_LABELS = {"cheque": _l("cheques made out to"), "transfer": _l("bank transfer to"), "cash": _l("cash to")}


# The contracts' pages read these on every view: their SQL is written once (amap.lib.prepared).
_PLACES = prepared(lambda offers: OfferShare.select(
    OfferShare.id, OfferShare.offer, OfferShare.capacity, OfferShare.taken,
    OfferShare.share_type.name.as_alias("name"), OfferShare.share_type.description.as_alias("description"),
    OfferShare.share_type.price_parts.as_alias("price_parts"),
).where(OfferShare.offer.is_in(offers)).order_by(OfferShare.id))
_FARM_AND_GROUP = prepared(lambda offers: Offer.select(
    Offer.id, Offer.farm.name.as_alias("farm_name"), Offer.group.name.as_alias("group_name"),
    Offer.group.timezone.as_alias("timezone")).where(Offer.id.is_in(offers)))


def _open_offers(groups: list, slug: str | None = None):
    """The open offers of these groups; `slug` given (never None in a prepared call): of that group only."""
    query = Offer.select().where(Offer.group.is_in(groups) & (Offer.status == "open"))
    if slug is not None:
        query = query.where(Offer.group.slug == slug)
    return query.order_by(Offer.starts_on)


_OPEN_OFFERS = prepared(_open_offers)
_OPEN_OFFERS_OF = prepared(_open_offers)
_HOUSEHOLD_SUBSCRIPTIONS = prepared(lambda household: Subscription.select(
    Subscription.id, Subscription.offer, Subscription.status).where(Subscription.household == household))


async def offer_details(offer: dict) -> dict:
    """Shares with their prices and places left, the calendar and the payment plans of an offer.

    Once published, members see the frozen terms of the current version (what they would sign);
    only the places left are live. A draft shows its terms as they stand, to those who manage it."""
    return (await offers_details([offer]))[0]


async def offers_details(offers: list[dict]) -> list[dict]:
    """`offer_details()` of each offer, in three queries whatever their number (and more for a draft)."""
    if not offers:
        return []
    ids = [offer["id"] for offer in offers]
    places: dict[int, dict[int, dict]] = {}
    for row in await _PLACES(offers=ids):
        places.setdefault(row["offer"], {})[row["id"]] = row
    published = await lifecycle.published_terms([offer for offer in offers if offer["status"] != "draft"])
    names = {row["id"]: row for row in await _FARM_AND_GROUP(offers=ids)}
    found = []
    for offer in offers:
        terms = published.get(offer["id"]) or await lifecycle.offer_snapshot(offer["id"])
        live_places = places.get(offer["id"], {})
        offer = {**offer, "charter": terms["charter"], "nature": terms["nature"],
                 "missed_delivery_rule": terms["missed_delivery_rule"],
                 "min_quantity_per_delivery": terms.get("min_quantity_per_delivery", 0),
                 "min_quantity_per_season": terms.get("min_quantity_per_season", 0)}
        shares = []
        for share in terms["shares"]:
            live = live_places.get(share["id"], {"capacity": 0, "taken": 0, "description": "", "price_parts": "[]"})
            # The composition is the share type's, live: it explains the price, it is not a signed term.
            shares.append({"id": share["id"], "name": share["name"], "description": live["description"],
                           "price_parts": price_parts.parse(live["price_parts"]),
                           "prices": share["prices"], "capacity": live["capacity"],
                           "places_left": max(0, live["capacity"] - live["taken"])})
        plans = [{**plan, "first_due_on": date.fromisoformat(plan["first_due_on"])} for plan in terms["payment_plans"]]
        farm_group = {key: value for key, value in names[offer["id"]].items() if key != "id"}
        found.append({"offer": offer, "shares": shares, "deliveries": [date.fromisoformat(d) for d in terms["deliveries"]],
                      "plans": plans, **farm_group})
    return found


class ContractsController(Controller):
    guards = [requires_login]

    @get("/contracts", name="contracts")
    async def index(self, request: Request, group: FromQuery[str | None] = None) -> Template:
        principal = current(request)
        group_ids = principal.member_groups | principal.pending_groups | principal.coordinator_groups
        groups = list(group_ids) or [-1]
        offers = await offers_details(await _OPEN_OFFERS_OF(groups=groups, slug=group) if group
                                      else await _OPEN_OFFERS(groups=groups))
        mine = await _HOUSEHOLD_SUBSCRIPTIONS(household=principal.household_id) if principal.household_id else []
        held = {row["offer"]: row for row in mine if row["status"] in lifecycle.HOLDING}
        # A new season made from one the household signed: invite it to renew.
        signed_before = {row["offer"] for row in mine if row["status"] in ("active", "ended")}
        renewals = {d["offer"]["id"] for d in offers if d["offer"]["renewed_from"] in signed_before}
        # The tiers' names translated once, not in every cell of every offer's table.
        tiers = {tier: str(label) for tier, label in TIER_LABELS.items()}
        return page(request, "contracts/index.html", offers=offers, held=held, renewals=renewals, tiers=tiers)

    @get("/contracts/{offer_id:int}", name="contract")
    async def show(self, request: Request, offer_id: FromPath[int]) -> Template:
        offer = await visible_offer(current(request), offer_id)
        details = await offer_details(offer)
        mine = await Subscription.select(Subscription.id, Subscription.status).where(
            (Subscription.offer == offer_id) & (Subscription.household == current(request).household_id)
            & Subscription.status.is_in(list(lifecycle.HOLDING)))
        principal = current(request)
        today = local_today(details["timezone"])
        can_sign = (offer["status"] == "open" and offer["signup_opens_on"] <= today <= offer["signup_closes_on"]
                    and offer["group"] in (principal.member_groups | principal.pending_groups)
                    and principal.household_id is not None)
        return page(request, "contracts/show.html", **details, mine=mine, tiers=TIER_LABELS, methods=METHOD_LABELS,
                    can_sign=can_sign)


class SubscribeController(Controller):
    """Signing in two steps: choose, then check the answers (total, schedule, charter) and sign."""

    path = "/contracts/{offer_id:int}/subscribe"
    guards = [requires_login]

    async def _signable(self, principal: Principal, offer_id: int) -> dict:
        offer = await visible_offer(principal, offer_id)
        ensure(offer["group"] in (principal.member_groups | principal.pending_groups) and principal.household_id)
        return offer

    async def _choose(self, request: Request, offer: dict, form: Form, status_code: int = 200) -> Template:
        details = await offer_details(offer)
        today = local_today(details["timezone"])
        return page(request, "contracts/subscribe.html", status_code=status_code, form=form, **details,
                    tiers=TIER_LABELS, methods=METHOD_LABELS, max_quantity=MAX_QUANTITY,
                    upcoming=[day for day in details["deliveries"] if day >= today])

    @get("", name="subscribe")
    async def choose(self, request: Request, offer_id: FromPath[int]) -> Template:
        offer = await self._signable(current(request), offer_id)
        return await self._choose(request, offer, Form({"quantity": "1", "tier": "standard", "sharing": "together"}))

    @post("")
    async def submit(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        principal = current(request)
        offer = await self._signable(principal, offer_id)
        form = Form(await form_data(request))
        sign_request = await self._read(form, offer, principal)
        step = form.get("step")
        if sign_request is None or step == "edit":
            return await self._choose(request, offer, form, status_code=400 if sign_request is None else 200)
        try:
            quote = await lifecycle.quote(sign_request)
        except SigningError as error:
            form.error("offer_share" if error.field == "offer" else error.field, str(error.message))
            return await self._choose(request, offer, form, status_code=400)
        if step == "sign":
            if form.get("charter") != "accepted":
                form.error("charter", _("Read the charter and tick the box to accept it."))
            else:
                try:
                    subscription = await lifecycle.sign(sign_request)
                except SigningError as error:
                    form.error("offer_share", str(error.message))
                    return await self._choose(request, offer, form, status_code=400)
                if subscription["status"] == "waiting":
                    notice(request, _("This share is full: your household is on the waiting list. "
                                      "You will be told when a place frees up."))
                else:
                    notice(request, _("Your contract is signed. Thank you!"))
                return see_other(f"/subscriptions/{subscription['id']}")
        details = await offer_details(offer)
        share = next(s for s in details["shares"] if s["id"] == sign_request.offer_share_id)
        plan = next(p for p in details["plans"] if p["id"] == sign_request.payment_plan_id)
        return page(request, "contracts/review.html", status_code=400 if form.errors else 200, form=form,
                    quote=quote, share=share, plan=plan, request_data=sign_request, tiers=TIER_LABELS,
                    methods=METHOD_LABELS, full=share["places_left"] < sign_request.quantity, **details)

    async def _read(self, form: Form, offer: dict, principal: Principal) -> SignRequest | None:
        """The form as a SignRequest, or None with the errors recorded on the form."""
        share_id = form.integer("offer_share", minimum=1, maximum=2**31 - 1)
        plan_id = form.integer("payment_plan", minimum=1, maximum=2**31 - 1)
        tier = form.choice("tier", TIERS)
        quantity = 1
        quantities = None
        if offer["nature"] == "variable":
            quantities = {}
            for key, value in form.values.items():
                if key.startswith("q_") and value not in ("", "0"):
                    try:
                        quantities[date.fromisoformat(key[2:])] = int(value)
                    except ValueError:
                        form.error("quantities", _("Enter whole numbers of units per delivery."))
        else:
            quantity = form.integer("quantity", minimum=1, maximum=MAX_QUANTITY)
        donation = 0
        if form.get("donation"):
            try:
                donation = parse_euros(form.get("donation"))
            except ValueError:
                form.error("donation", _("Enter an amount in euros, like 20 or 12,50."))
        sharing = form.choice("sharing", lifecycle.SHARING)
        co_household = None
        if form.get("co_email"):
            co_email = form.email("co_email", required=False)
            if "co_email" not in form.errors:
                co_household = await self._co_household(co_email, offer["group"])
                if co_household is None:
                    form.error("co_email", _("No member household of this group uses this address."))
        if not form.ok:
            return None
        return SignRequest(offer_id=offer["id"], household_id=principal.household_id, user_id=principal.id,
                           offer_share_id=share_id, tier=tier, quantity=quantity, payment_plan_id=plan_id,
                           today=local_today((await Group.select(Group.timezone).where(
                               Group.id == offer["group"]).first())["timezone"]),
                           donation_cents=donation, co_household_id=co_household, sharing=sharing,
                           quantities=quantities)

    async def _co_household(self, email: str, group_id: int) -> int | None:
        user = await User.select(User.household).where(User.email == email).first()
        if user is None or user["household"] is None:
            return None
        member = await Membership.exists().where(
            (Membership.household == user["household"]) & (Membership.group == group_id)
            & (Membership.status == "active"))
        return user["household"] if member else None
