"""`/subscriptions/{id}`: one signed contract as its household, its farm and its committee see it."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from piccolo.querystring import QueryString
from piccolo.table import Table

from amap.audit import history
from amap.contracts import lifecycle
from amap.contracts.access import in_household, manages, referent_of_subscriptions_offer
from amap.contracts.lifecycle import TIER_LABELS
from amap.contracts.member import METHOD_LABELS
from amap.contracts.tables import (
    Amendment,
    Installment,
    OfferDelivery,
    OfferVersion,
    Subscription,
    SubscriptionQuantity,
)
from amap.distributions.ledger_pages import ledger_context
from amap.distributions.season import holds_a_place, share_calendar
from amap.distributions.tables import LedgerEntry
from amap.lib.access import current, ensure, requires_login
from amap.lib.dates import local_today
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.prepared import prepared
from amap.lib.web import form_data, notice, page, see_other
from amap.payments.services import METHOD_NAMES, balance_of
from amap.payments.tables import Payment


def _any_of(table: type[Table], alias: str) -> QueryString:
    """A column of the subscription's select: whether `table` holds any row of it."""
    return QueryString(f'EXISTS (SELECT 1 FROM {table._meta.tablename} AS found WHERE found.subscription = '
                       f'"{Subscription._meta.tablename}"."id")', alias=alias)


# The page reads these on every view: their SQL is written once (amap.lib.prepared).
# The subscription comes with its households' and share's names, its offer ("offer.…" keys) with its
# farm's and group's, its payment plan ("payment_plan.…"), whether the reader is a référent of the
# offer, and whether it has any per-date quantities, leave requests and compensations: most have
# none, and the page then skips reading them.
_SUBSCRIPTION = prepared(lambda subscription, user: Subscription.select(
    Subscription.all_columns(), Subscription.household.name.as_alias("household_name"),
    Subscription.co_household.name.as_alias("co_household_name"),
    Subscription.offer_share.share_type.name.as_alias("share_name"),
    Subscription.offer.all_columns(), Subscription.offer.farm.name.as_alias("offer.farm_name"),
    Subscription.offer.farm.address.as_alias("offer.farm_address"),
    Subscription.offer.group.name.as_alias("offer.group_name"),
    Subscription.offer.group.timezone.as_alias("offer.timezone"),
    Subscription.offer.group.slug.as_alias("offer.group_slug"),
    Subscription.payment_plan.all_columns(), referent_of_subscriptions_offer(user),
    _any_of(SubscriptionQuantity, "has_quantities"), _any_of(Amendment, "has_amendments"),
    _any_of(LedgerEntry, "has_compensations"),
).where(Subscription.id == subscription).first())
_VERSION = prepared(lambda offer, version: OfferVersion.select().where(
    (OfferVersion.offer == offer) & (OfferVersion.version == version)).output(load_json=True).first())
_DELIVERY_DAYS = prepared(lambda offer: OfferDelivery.select(OfferDelivery.delivers_on).where(
    OfferDelivery.offer == offer).order_by(OfferDelivery.delivers_on))
_QUANTITIES = prepared(lambda subscription: SubscriptionQuantity.select().where(
    SubscriptionQuantity.subscription == subscription))
_INSTALLMENTS = prepared(lambda subscription: Installment.select().where(
    Installment.subscription == subscription).order_by(Installment.number))
# The page's schedule and the payments received, in one statement: each row says which it is.
SCHEDULE_AND_PAYMENTS_SQL = """
SELECT 'installment' AS kind, installment.id, installment.number, installment.due_on AS day,
  installment.amount_cents, NULL AS method, NULL AS cheque_number
FROM installment WHERE installment.subscription = {}
UNION ALL
SELECT 'payment', payment.id, NULL, payment.received_on, payment.amount_cents, payment.method, payment.cheque_number
FROM payment WHERE payment.subscription = {}
ORDER BY kind, number, day, id
"""
_SCHEDULE_AND_PAYMENTS = prepared(lambda subscription: Payment.raw(
    SCHEDULE_AND_PAYMENTS_SQL, subscription, subscription))
_AMENDMENTS = prepared(lambda subscription: Amendment.select().where(
    Amendment.subscription == subscription).order_by(Amendment.requested_at))


async def schedule_and_payments(subscription_id: int) -> tuple[list[dict], list[dict]]:
    """The subscription's installments by number, and its payments by date of receipt."""
    installments, payments = [], []
    for row in await _SCHEDULE_AND_PAYMENTS(subscription=subscription_id):
        if row["kind"] == "installment":
            installments.append({"number": row["number"], "due_on": row["day"], "amount_cents": row["amount_cents"]})
        else:
            payments.append({"received_on": row["day"], "method": row["method"], "cheque_number": row["cheque_number"],
                             "amount_cents": row["amount_cents"]})
    return installments, payments


def _taken(row: dict, prefix: str) -> dict:
    """The keys of `row` under `prefix` ("offer."), taken out of it, without the prefix."""
    return {key[len(prefix):]: row.pop(key) for key in [key for key in row if key.startswith(prefix)]}


async def readable_subscription(request: Request, subscription_id: int) -> tuple[dict, dict]:
    """The subscription with its offer, plan and names, and how the reader stands to it, as the page's
    context; and its flags (whether it has per-date quantities, leave requests, compensations). 404
    for anyone but its household, its farm, its group's committee and its offer's référents."""
    principal = current(request)
    subscription = await _SUBSCRIPTION(subscription=subscription_id, user=principal.id)
    ensure(subscription is not None)
    offer, plan = _taken(subscription, "offer."), _taken(subscription, "payment_plan.")
    flags = {name: bool(subscription.pop(name))  # SQLite answers EXISTS with 0 or 1
             for name in ("referent", "has_quantities", "has_amendments", "has_compensations")}
    is_household = in_household(principal, subscription)
    can_manage = manages(principal, offer, flags["referent"])
    ensure(is_household or can_manage)
    return {
        "subscription": subscription,
        "offer": offer,
        "share_name": subscription["share_name"],
        "household_name": subscription["household_name"] or "",
        "co_household_name": subscription["co_household_name"],
        "plan": plan if subscription["payment_plan"] is not None else None,
        "is_household": is_household,
        "can_manage": can_manage,
        "tiers": TIER_LABELS,
        "methods": METHOD_LABELS,
    }, flags


async def subscription_context(request: Request, subscription_id: int, *, ledger: bool = True) -> dict:
    """What the subscription's page shows (the answer to a leave request needs no `ledger`); 404 as
    `readable_subscription`."""
    context, flags = await readable_subscription(request, subscription_id)
    subscription, offer = context["subscription"], context["offer"]
    today = local_today(offer["timezone"])
    if ledger and holds_a_place(subscription):  # the ledger's deliveries come with the dates
        dates, records = await share_calendar(offer["id"], subscription["offer_share"])
    else:
        dates, records = [row["delivers_on"] for row in await _DELIVERY_DAYS(offer=offer["id"])], []
    first, ended = subscription["first_delivery_on"], subscription["ended_on"]
    mine = [day for day in dates if first and day >= first and (ended is None or day < ended)]
    quantities = ({row["delivers_on"]: row["quantity"] for row in await _QUANTITIES(subscription=subscription_id)}
                  if flags["has_quantities"] else {})
    installments, payments = await schedule_and_payments(subscription_id)
    amendments = await _AMENDMENTS(subscription=subscription_id) if flags["has_amendments"] else []
    principal = current(request)
    return {
        **context,
        "deliveries": mine,
        "quantities": quantities,
        "installments": installments,
        "payments": payments,
        "balance": balance_of(subscription, installments, payments, amendments, today),
        "amendments": amendments,
        "history_url": (history.history_url(offer["group_slug"], "subscription", subscription_id)
                        if principal.coordinates(offer["group"])
                        and await history.has_history(offer["group"], "subscription", subscription_id) else None),
        "today": today,
        "method_names": METHOD_NAMES,
        **(await ledger_context(subscription, offer, today, quantities, dates, records,
                                compensated=flags["has_compensations"]) if ledger else {}),
    }


class SubscriptionController(Controller):
    path = "/subscriptions/{subscription_id:int}"
    guards = [requires_login]

    @get("", name="subscription")
    async def show(self, request: Request, subscription_id: FromPath[int]) -> Template:
        return page(request, "contracts/subscription.html", leave_form=Form(),
                    **await subscription_context(request, subscription_id))

    @get("/print", name="subscription_print")
    async def printable(self, request: Request, subscription_id: FromPath[int]) -> Template:
        # The contract as signed, with its schedule (no calendar, payments or leave requests): its charter
        # is quoted from the frozen terms of the subscription's version.
        context, _flags = await readable_subscription(request, subscription_id)
        version = await _VERSION(offer=context["offer"]["id"], version=context["subscription"]["offer_version"])
        return page(request, "contracts/print.html", version=version,
                    installments=await _INSTALLMENTS(subscription=subscription_id), **context)

    @post("/leave")
    async def ask_to_leave(self, request: Request, subscription_id: FromPath[int]) -> Template | Redirect:
        context = await subscription_context(request, subscription_id)
        ensure(context["is_household"] and context["subscription"]["status"] in lifecycle.HOLDING)
        form = Form(await form_data(request))
        reason = form.text("reason", max_length=1000)
        effective_on = form.date("effective_on")
        if effective_on and not context["today"] <= effective_on <= context["offer"]["ends_on"]:
            form.error("effective_on", _("Choose a date between today and the end of the season."))
        if any(a["status"] == "pending" for a in context["amendments"]):
            form.error("effective_on", _("A request is already waiting for an answer."))
        if not form.ok:
            return page(request, "contracts/subscription.html", status_code=400, leave_form=form, **context)
        await lifecycle.request_leave(subscription_id, effective_on, reason, current(request).id)
        notice(request, _("Your request is sent to the farmer and the contract's coordinators."))
        return see_other(f"/subscriptions/{subscription_id}")

    @post("/amendments/{amendment_id:int}")
    async def decide(self, request: Request, subscription_id: FromPath[int],
                     amendment_id: FromPath[int]) -> Redirect:
        context = await subscription_context(request, subscription_id, ledger=False)
        ensure(context["can_manage"] and any(a["id"] == amendment_id for a in context["amendments"]))
        form = Form(await form_data(request))
        decision = form.choice("decision", ("approve", "refuse"))
        ensure(form.ok)
        try:
            await lifecycle.decide_leave(amendment_id, decision == "approve", current(request).id, context["today"])
        except lifecycle.SigningError:
            ensure(False)
        notice(request, _("The request is approved.") if decision == "approve" else _("The request is refused."))
        return see_other(f"/subscriptions/{subscription_id}")


