"""State changes of offers and subscriptions, each a named function that records who and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from amap.audit import log as audit
from amap.contracts import schedule
from amap.contracts.tables import (
    Amendment,
    Installment,
    Offer,
    OfferDelivery,
    OfferPrice,
    OfferShare,
    OfferVersion,
    PaymentPlan,
    Subscription,
    SubscriptionQuantity,
)
from amap.lib.db import utcnow, write_transaction
from amap.lib.i18n import _l
from amap.lib.prepared import prepared

TIER_LABELS = {"reduced": _l("Reduced"), "standard": _l("Standard"), "solidarity": _l("Solidarity")}
"""The sliding scale, cheapest first: the one list of price tiers and their names."""
TIERS = tuple(TIER_LABELS)
MAX_QUANTITY = 10
HOLDING = ("waiting", "active")  # a household holds at most one of these per share of an offer


class SigningError(ValueError):
    """A refused signature: which field is wrong and a message for the member."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


async def offer_snapshot(offer_id: int) -> dict:
    """Everything a member agrees to, as it stands now."""
    offer = await Offer.select().where(Offer.id == offer_id).first()
    shares = await OfferShare.select(
        OfferShare.id, OfferShare.capacity, OfferShare.share_type.name.as_alias("name"),
    ).where(OfferShare.offer == offer_id).order_by(OfferShare.id)
    prices = await OfferPrice.select().where(OfferPrice.offer_share.is_in([s["id"] for s in shares] or [-1]))
    for share in shares:
        share["prices"] = {p["tier"]: p["price_cents"] for p in prices if p["offer_share"] == share["id"]}
    deliveries = await OfferDelivery.select(OfferDelivery.delivers_on).where(
        OfferDelivery.offer == offer_id).order_by(OfferDelivery.delivers_on)
    plans = await PaymentPlan.select().where(PaymentPlan.offer == offer_id).order_by(PaymentPlan.installments)
    return {
        "name": offer["name"],
        "charter": offer["charter"],
        "nature": offer["nature"],
        "min_quantity_per_delivery": offer["min_quantity_per_delivery"],
        "min_quantity_per_season": offer["min_quantity_per_season"],
        "missed_delivery_rule": offer["missed_delivery_rule"],
        "starts_on": offer["starts_on"].isoformat(),
        "ends_on": offer["ends_on"].isoformat(),
        "deliveries": [d["delivers_on"].isoformat() for d in deliveries],
        "shares": [{"id": s["id"], "name": s["name"], "capacity": s["capacity"], "prices": s["prices"]}
                   for s in shares],
        "payment_plans": [{"id": p["id"], "installments": p["installments"], "method": p["method"],
                           "payee": p["payee"], "first_due_on": p["first_due_on"].isoformat()} for p in plans],
    }


async def published(offer_id: int, version: int) -> dict | None:
    """The terms members sign: the frozen snapshot of the offer's current version."""
    row = await OfferVersion.select(OfferVersion.snapshot).where(
        (OfferVersion.offer == offer_id) & (OfferVersion.version == version)).output(load_json=True).first()
    return row["snapshot"] if row else None


# Read by the contracts' pages on every view: its SQL is written once (amap.lib.prepared).
_VERSIONS = prepared(lambda offers, versions: OfferVersion.select(
    OfferVersion.offer, OfferVersion.version, OfferVersion.snapshot,
).where(OfferVersion.offer.is_in(offers) & OfferVersion.version.is_in(versions)).output(load_json=True))


async def published_terms(offers: list[dict]) -> dict[int, dict]:
    """`published()` for many offers (dicts with their id and version) in one query; an offer never
    published is absent."""
    if not offers:
        return {}
    wanted = {(offer["id"], offer["version"]) for offer in offers}
    rows = await _VERSIONS(offers=sorted({offer_id for offer_id, _version in wanted}),
                           versions=sorted({version for _offer, version in wanted}))
    return {row["offer"]: row["snapshot"] for row in rows if (row["offer"], row["version"]) in wanted}


async def publish(offer_id: int, by_user: int | None) -> int:
    """Open the offer for signing with a new frozen version; earlier signatures keep theirs."""
    async with write_transaction():
        offer = await Offer.select(Offer.version).where(Offer.id == offer_id).first()
        published = await OfferVersion.exists().where(OfferVersion.offer == offer_id)
        version = offer["version"] + 1 if published else offer["version"]
        await OfferVersion.insert(
            OfferVersion(offer=offer_id, version=version, snapshot=await offer_snapshot(offer_id), created_by=by_user)
        )
        await Offer.update({Offer.version: version, Offer.status: "open"}).where(Offer.id == offer_id)
    return version


@dataclass(frozen=True)
class SignRequest:
    offer_id: int
    household_id: int
    user_id: int
    offer_share_id: int
    tier: str
    quantity: int
    payment_plan_id: int
    today: date
    donation_cents: int = 0
    co_household_id: int | None = None  # another household sharing the contract
    sharing: str = "together"  # together: both collect every delivery; alternate: every other week
    quantities: dict[date, int] | None = None  # variable contracts: units per delivery date


SHARING = ("together", "alternate")


@dataclass(frozen=True)
class Quote:
    """What a signature would cost, shown on the check-your-answers page before signing."""

    price_cents: int
    deliveries: list[date]
    total_cents: int
    installments: list[tuple[date, int]]


async def quote(request: SignRequest) -> Quote:
    """Check a request against the offer's published terms and price it; raises SigningError with
    the field at fault. Prices, calendar and plans come from the published version, never from
    edits made since: those reach members when the offer is published again."""
    offer = await Offer.select().where(Offer.id == request.offer_id).first()
    if offer is None or offer["status"] != "open":
        raise SigningError("offer", _l("This contract is not open for signing."))
    if not offer["signup_opens_on"] <= request.today <= offer["signup_closes_on"]:
        raise SigningError("offer", _l("Signing for this contract is closed."))
    terms = await published(request.offer_id, offer["version"])
    if terms is None:
        raise SigningError("offer", _l("This contract is not open for signing."))
    share = next((s for s in terms["shares"] if s["id"] == request.offer_share_id), None)
    if share is None:
        raise SigningError("offer_share", _l("Choose one of the shares offered."))
    if request.tier not in TIERS or request.tier not in share["prices"]:
        raise SigningError("tier", _l("Choose one of the price levels offered."))
    price_cents = share["prices"][request.tier]
    if not 1 <= request.quantity <= MAX_QUANTITY:
        raise SigningError("quantity", _l("Choose between 1 and %(max)s shares.") % {"max": MAX_QUANTITY})
    if request.sharing not in SHARING:
        raise SigningError("sharing", _l("Choose how the two households share the deliveries."))
    if request.co_household_id is not None and request.co_household_id == request.household_id:
        raise SigningError("co_email", _l("Share the contract with a household other than yours."))
    if not 0 <= request.donation_cents <= 1_000_000:
        raise SigningError("donation", _l("Enter a donation of at most 10 000 euros."))
    plan = next((p for p in terms["payment_plans"] if p["id"] == request.payment_plan_id), None)
    if plan is None:
        raise SigningError("payment_plan", _l("Choose one of the payment plans."))
    days = schedule.remaining_deliveries([date.fromisoformat(d) for d in terms["deliveries"]], request.today)
    if not days:
        raise SigningError("offer", _l("This season has no delivery left."))
    units = request.quantity * len(days)
    if terms["nature"] == "variable":
        units = _variable_units(terms, days, request.quantities or {})
    total = price_cents * units + request.donation_cents
    reduction = (share["prices"].get("standard", 0) - share["prices"].get("reduced", 0)) * units
    if request.tier == "reduced" and not await solidarity_covers(request.offer_id, extra_cents=reduction):
        raise SigningError("tier", _l("No reduced share is available now: the solidarity pool is used up."))
    return Quote(price_cents, days, total, schedule.schedule(
        total, plan["installments"], date.fromisoformat(plan["first_due_on"]), request.today))


def _variable_units(terms: dict, days: list[date], quantities: dict[date, int]) -> int:
    """Check the units chosen per delivery of a variable contract against its minimums."""
    if set(quantities) - set(days):
        raise SigningError("quantities", _l("Choose quantities only for the deliveries still to come."))
    chosen = [quantities.get(day, 0) for day in days]
    if any(not 0 <= q <= MAX_QUANTITY for q in chosen):
        raise SigningError("quantities", _l("Choose between 0 and %(max)s per delivery.") % {"max": MAX_QUANTITY})
    minimum_per_delivery = terms.get("min_quantity_per_delivery", 0)
    minimum_per_season = max(1, terms.get("min_quantity_per_season", 0))
    if any(q < minimum_per_delivery for q in chosen):
        raise SigningError("quantities", _l("Take at least %(min)s per delivery.") % {"min": minimum_per_delivery})
    if sum(chosen) < minimum_per_season:
        raise SigningError("quantities", _l("Take at least %(min)s over the season.") % {"min": minimum_per_season})
    return sum(chosen)


async def solidarity_pool(offer_id: int) -> dict[str, int]:
    """What solidarity-tier members pay above the standard price, and what reduced shares use of it."""
    return (await solidarity_pools([offer_id]))[offer_id]


async def solidarity_pools(offer_ids: list[int]) -> dict[int, dict[str, int]]:
    """`solidarity_pool()` of each offer, in two queries whatever their number."""
    subscriptions = await Subscription.select(
        Subscription.offer, Subscription.offer_share, Subscription.tier, Subscription.quantity, Subscription.deliveries,
    ).where(Subscription.offer.is_in(list(offer_ids) or [-1]) & (Subscription.status == "active")
            & Subscription.tier.is_in(["reduced", "solidarity"]))
    prices: dict[int, dict[str, int]] = {}
    if subscriptions:
        for row in await OfferPrice.select(OfferPrice.offer_share, OfferPrice.tier, OfferPrice.price_cents).where(
                OfferPrice.offer_share.is_in(sorted({sub["offer_share"] for sub in subscriptions}))):
            prices.setdefault(row["offer_share"], {})[row["tier"]] = row["price_cents"]
    pools = {offer_id: {"collected_cents": 0, "used_cents": 0} for offer_id in offer_ids}
    for sub in subscriptions:
        tiers = prices.get(sub["offer_share"], {})
        units = sub["quantity"] * sub["deliveries"]
        if sub["tier"] == "solidarity":
            pools[sub["offer"]]["collected_cents"] += (tiers.get("solidarity", 0) - tiers.get("standard", 0)) * units
        else:
            pools[sub["offer"]]["used_cents"] += (tiers.get("standard", 0) - tiers.get("reduced", 0)) * units
    return {offer_id: {**pool, "balance_cents": pool["collected_cents"] - pool["used_cents"]}
            for offer_id, pool in pools.items()}


async def solidarity_covers(offer_id: int, extra_cents: int) -> bool:
    pool = await solidarity_pool(offer_id)
    return pool["balance_cents"] >= extra_cents


async def sign(request: SignRequest) -> dict:
    """Sign, or join the waiting list when the share is full. Returns the subscription row.

    The place is taken by one conditional UPDATE inside the transaction: of many members
    signing for the last place at the same moment, exactly one gets it.
    """
    async with write_transaction():
        priced = await quote(request)
        already = await Subscription.exists().where(
            (Subscription.household == request.household_id) & (Subscription.offer_share == request.offer_share_id)
            & Subscription.status.is_in(list(HOLDING)))
        if already:
            raise SigningError("offer_share", _l("Your household already holds this share."))
        got_place = await take_places(request.offer_share_id, request.quantity)
        offer = await Offer.select(Offer.version, Offer.group, Offer.name).where(Offer.id == request.offer_id).first()
        rows = await Subscription.insert(Subscription(
            offer=request.offer_id,
            offer_version=offer["version"],
            household=request.household_id,
            offer_share=request.offer_share_id,
            tier=request.tier,
            quantity=request.quantity,
            payment_plan=request.payment_plan_id,
            status="active" if got_place else "waiting",
            price_cents=priced.price_cents,
            deliveries=len(priced.deliveries) if got_place else 0,
            first_delivery_on=priced.deliveries[0] if got_place else None,
            total_cents=priced.total_cents if got_place else 0,
            donation_cents=request.donation_cents,
            co_household=request.co_household_id,
            sharing=request.sharing,
            signed_by=request.user_id,
            signed_at=utcnow(),
        )).returning(*Subscription.all_columns())
        if got_place:
            await _write_schedule(rows[0]["id"], priced.installments)
        if request.quantities:
            await SubscriptionQuantity.insert(*[
                SubscriptionQuantity(subscription=rows[0]["id"], delivers_on=day, quantity=quantity)
                for day, quantity in sorted(request.quantities.items()) if quantity
            ])
        signed = rows[0]
        await audit.record(group=offer["group"], kind="subscription", subject_id=signed["id"], action="signed",
                           actor=request.user_id, details={
                               "household": signed["household"], "co_household": signed["co_household"],
                               "offer_name": offer["name"], "status": signed["status"], "tier": signed["tier"],
                               "quantity": signed["quantity"], "total_cents": signed["total_cents"],
                               "donation_cents": signed["donation_cents"], "version": signed["offer_version"]})
    return rows[0]


async def take_places(offer_share_id: int, quantity: int) -> bool:
    taken = await OfferShare.raw(
        "UPDATE offer_share SET taken = taken + {} WHERE id = {} AND taken + {} <= capacity RETURNING id",
        quantity, offer_share_id, quantity,
    )
    return bool(taken)


async def _write_schedule(subscription_id: int, installments: list[tuple[date, int]]) -> None:
    await Installment.insert(*[
        Installment(subscription=subscription_id, number=number, due_on=due_on, amount_cents=amount)
        for number, (due_on, amount) in enumerate(installments, start=1)
    ])


async def promote_waiting(offer_share_id: int, today: date, by_user: int | None = None) -> list[int]:
    """Give freed places to the households first in line; returns the subscriptions activated.
    Call it inside the transaction that freed the places; `by_user` is who freed them."""
    promoted = []
    waiting = await Subscription.select().where(
        (Subscription.offer_share == offer_share_id) & (Subscription.status == "waiting")
    ).order_by(Subscription.created_at).order_by(Subscription.id)
    for sub in waiting:
        wanted = {row["delivers_on"]: row["quantity"] for row in await SubscriptionQuantity.select().where(
            (SubscriptionQuantity.subscription == sub["id"]) & (SubscriptionQuantity.delivers_on >= today))}
        request = SignRequest(offer_id=sub["offer"], household_id=sub["household"], user_id=sub["signed_by"],
                              offer_share_id=offer_share_id, tier=sub["tier"], quantity=sub["quantity"],
                              payment_plan_id=sub["payment_plan"], today=today,
                              donation_cents=sub["donation_cents"], co_household_id=sub["co_household"],
                              sharing=sub["sharing"], quantities=wanted or None)
        try:
            priced = await quote(request)
        except SigningError:
            continue  # the season is over or the tier no longer fits: skip this one
        if not await take_places(offer_share_id, sub["quantity"]):
            break
        await Subscription.update({
            Subscription.status: "active", Subscription.price_cents: priced.price_cents,
            Subscription.deliveries: len(priced.deliveries), Subscription.first_delivery_on: priced.deliveries[0],
            Subscription.total_cents: priced.total_cents, Subscription.signed_at: utcnow(),
        }).where(Subscription.id == sub["id"])
        await _write_schedule(sub["id"], priced.installments)
        offer = await Offer.select(Offer.group, Offer.name).where(Offer.id == sub["offer"]).first()
        await audit.record(group=offer["group"], kind="subscription", subject_id=sub["id"], action="promoted",
                           actor=by_user, details={"household": sub["household"], "offer_name": offer["name"],
                                                   "total_cents": priced.total_cents,
                                                   "deliveries": len(priced.deliveries)})
        promoted.append(sub["id"])
    return promoted


async def _subscription_of(subscription_id: int) -> dict:
    """What the audit log says of a subscription: its group, household and offer's name."""
    return await Subscription.select(
        Subscription.household, Subscription.offer.group.as_alias("group"),
        Subscription.offer.name.as_alias("offer_name"),
    ).where(Subscription.id == subscription_id).first()


async def request_leave(subscription_id: int, effective_on: date, reason: str, by_user: int) -> int:
    async with write_transaction():
        rows = await Amendment.insert(Amendment(subscription=subscription_id, kind="leave", effective_on=effective_on,
                                                reason=reason, requested_by=by_user)).returning(Amendment.id)
        sub = await _subscription_of(subscription_id)
        await audit.record(group=sub["group"], kind="amendment", subject_id=rows[0]["id"], action="requested",
                           actor=by_user, parent=("subscription", subscription_id),
                           details={"kind": "leave", "effective_on": effective_on, "reason": reason,
                                    "household": sub["household"], "offer_name": sub["offer_name"]})
    return rows[0]["id"]


async def decide_leave(amendment_id: int, approve: bool, by_user: int, today: date) -> None:
    """Approve or refuse leaving. Approved: the contract ends, nothing is deleted, the place is freed
    for the waiting list and the money due for deliveries not received is computed."""
    async with write_transaction():
        amendment = await Amendment.select().where(
            (Amendment.id == amendment_id) & (Amendment.status == "pending")).first()
        if amendment is None:
            raise SigningError("amendment", _l("This request was already decided."))
        values = {Amendment.status: "approved" if approve else "refused", Amendment.decided_by: by_user,
                  Amendment.decided_at: utcnow()}
        sub = await Subscription.select().where(Subscription.id == amendment["subscription"]).first()
        if approve:
            days = [row["delivers_on"] for row in await OfferDelivery.select(OfferDelivery.delivers_on).where(
                OfferDelivery.offer == sub["offer"])]
            not_received = [d for d in days if d >= amendment["effective_on"]
                            and (sub["first_delivery_on"] is None or d >= sub["first_delivery_on"])]
            # A household still on the waiting list paid nothing and received nothing.
            values[Amendment.refund_cents] = (sub["price_cents"] * sub["quantity"] * len(not_received)
                                              if sub["status"] == "active" else 0)
        await Amendment.update(values).where(Amendment.id == amendment_id)
        about = await _subscription_of(sub["id"])
        await audit.record(group=about["group"], kind="amendment", subject_id=amendment_id,
                           action="approved" if approve else "refused", actor=by_user,
                           parent=("subscription", sub["id"]),
                           details={"kind": amendment["kind"], "effective_on": amendment["effective_on"],
                                    "refund_cents": values.get(Amendment.refund_cents, 0),
                                    "household": about["household"], "offer_name": about["offer_name"]})
        if approve:
            await Subscription.update({Subscription.status: "ended", Subscription.ended_on: amendment["effective_on"]}
                                      ).where(Subscription.id == sub["id"])
            if sub["status"] == "active":  # a household still waiting held no place
                await OfferShare.raw("UPDATE offer_share SET taken = taken - {} WHERE id = {}",
                                     sub["quantity"], sub["offer_share"])
                await promote_waiting(sub["offer_share"], today, by_user)


