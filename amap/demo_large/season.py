"""The large demo's season contracts: each group's offers published once, then every subscription
planned in Python (shares, tiers, prorated late signatures, waiting lists, a few leaves) and
inserted in bulk with its payment schedule, so places taken and schedules match by construction."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

from amap.contracts import lifecycle
from amap.contracts.schedule import add_months, delivery_dates, schedule
from amap.contracts.tables import (
    Amendment,
    Installment,
    Offer,
    OfferCoordinator,
    OfferDelivery,
    OfferPrice,
    OfferShare,
    PaymentPlan,
    ShareType,
    Subscription,
)
from amap.demo_contracts import CATCH_UP, CHARTER, SHARED_LOSS
from amap.demo_large.bulk import insert, insert_ids
from amap.demo_large.data import KIND, kinds_of_group
from amap.demo_large.world import OfferInfo, Signed, World, apportion, at

PLANS = ((1, "cheque", 0.20), (3, "cheque", 0.35), (6, "cheque", 0.35), (1, "transfer", 0.10))
LEAVE_REASONS = ("Déménagement en province.", "Naissance : nous reprendrons à la saison prochaine.",
                 "Perte d'emploi, accord du collectif.")


def tier_prices(price_cents: int, tiers: bool) -> dict[str, int]:
    prices = {"standard": price_cents}
    if tiers:
        prices |= {"reduced": price_cents * 3 // 4, "solidarity": price_cents * 5 // 4}
    return prices


def price_parts(price_cents: int) -> str:
    transport = price_cents // 10
    return json.dumps([{"category": "producer", "label": "travail et intrants de la ferme",
                        "cents": price_cents - transport},
                       {"category": "transport", "label": "livraison à la distribution", "cents": transport}])


async def create_offers(world: World) -> None:
    """Offers with their calendars, share types, places, prices and plans; each published once."""
    label = "d'hiver" if world.starts_on.month in (9, 10, 11, 12, 1, 2) else "d'été"
    farm_of = {(farm.kind, g): farm for farm in world.farms for g in farm.groups}
    pairs = [(info, farm_of[(code, info.index)]) for info in world.groups for code in kinds_of_group(info.index)]
    offer_ids = await insert_ids(Offer, [
        Offer(farm=farm.id, group=info.id, name=f"{KIND[farm.kind].offer_name} {label}", starts_on=world.starts_on,
              ends_on=world.ends_on, signup_opens_on=world.starts_on - timedelta(days=45),
              signup_closes_on=add_months(world.starts_on, 4), missed_delivery_rule=KIND[farm.kind].rule,
              charter=CHARTER.format(rule=CATCH_UP if KIND[farm.kind].rule == "catch_up" else SHARED_LOSS),
              created_by=info.coordinators[0])
        for info, farm in pairs])
    for offer_id, (info, farm) in zip(offer_ids, pairs, strict=True):
        kind = KIND[farm.kind]
        world.offers.append(OfferInfo(id=offer_id, group=info, farm=farm, kind=kind.code, dates=delivery_dates(
            world.starts_on, world.ends_on, weekday=info.weekday, frequency=kind.frequency)))
    await insert(OfferDelivery, [OfferDelivery(offer=offer.id, delivers_on=day)
                                 for offer in world.offers for day in offer.dates])
    farms = [farm for farm in world.farms if farm.kind != "orders"]
    type_rows = [(farm, spec) for farm in farms for spec in KIND[farm.kind].shares]
    type_ids = dict(zip([(farm.id, spec.name) for farm, spec in type_rows], await insert_ids(ShareType, [
        ShareType(farm=farm.id, name=spec.name, description=spec.description, price_cents=spec.price_cents,
                  price_parts=price_parts(spec.price_cents)) for farm, spec in type_rows]), strict=True))

    plan_subscriptions(world)
    taken: dict[tuple[int, int], int] = defaultdict(int)
    for sub in world.signed:
        if sub.status == "active":
            taken[(sub.offer.id, sub.share)] += sub.quantity
    share_keys, share_rows = [], []
    for offer in world.offers:
        for index, spec in enumerate(KIND[offer.kind].shares):
            used = taken[(offer.id, index)]
            full = offer.kind == "eggs" and index == 0  # the hens set the limit: a waiting list
            free = 0 if full else world.rng.randint(0, 4 if offer.kind == "vegetables" else 6)
            share_keys.append((offer, spec))
            share_rows.append(OfferShare(offer=offer.id, share_type=type_ids[(offer.farm.id, spec.name)],
                                         capacity=max(used + free, 1), taken=used))
    share_ids = await insert_ids(OfferShare, share_rows)
    for (offer, _), share_id in zip(share_keys, share_ids, strict=True):
        offer.shares.append(share_id)
    await insert(OfferPrice, [
        OfferPrice(offer_share=share_id, tier=tier, price_cents=cents)
        for (_, spec), share_id in zip(share_keys, share_ids, strict=True)
        for tier, cents in tier_prices(spec.price_cents, spec.tiers).items()])
    first_due = date(world.starts_on.year, world.starts_on.month, 5)
    plan_rows = [(offer, count, method) for offer in world.offers for count, method, _ in PLANS]
    plan_ids = await insert_ids(PaymentPlan, [
        PaymentPlan(offer=offer.id, installments=count, first_due_on=first_due, method=method, payee=offer.farm.name)
        for offer, count, method in plan_rows])
    for (offer, count, method), plan_id in zip(plan_rows, plan_ids, strict=True):
        offer.plans.append((plan_id, count, method, first_due))
    await insert(OfferCoordinator, [OfferCoordinator(offer=offer.id, user=offer.group.coordinators[
        offer.id % len(offer.group.coordinators)]) for offer in world.offers])
    for offer in world.offers:
        await lifecycle.publish(offer.id, offer.group.coordinators[0])


def plan_subscriptions(world: World) -> None:
    """Who signs what: the requested number of subscriptions, spread over the offers by each kind's
    popularity and each group's size. member@ holds vegetables and eggs and has bread left to sign."""
    rng, today = world.rng, world.today
    weights = [KIND[offer.kind].rate * len(offer.group.homes) for offer in world.offers]
    quotas = apportion(world.scale.subscriptions, weights)
    for offer, quota in zip(world.offers, quotas, strict=True):
        kind = KIND[offer.kind]
        homes = offer.group.homes
        chosen = rng.sample(homes, min(quota, len(homes)))
        if offer.group.index == 0 and chosen:
            member = world.member_home
            if offer.kind in ("vegetables", "eggs") and member not in chosen:
                chosen[-1] = member
            elif offer.kind == "bread" and member in chosen:
                chosen[chosen.index(member)] = next(home for home in homes if home not in chosen)
        others = [home for home in homes if home not in set(chosen)]
        closes = min(add_months(world.starts_on, 4), today - timedelta(days=1))
        past = [day for day in offer.dates if day < today]
        pool = 0  # the solidarity pool: what solidarity prices add, less what reduced prices use
        rows = []
        for user, household in chosen:
            late = rng.random() < 0.08 and closes > world.starts_on and (user, household) != world.member_home
            signed_on = (world.starts_on + timedelta(days=rng.randint(1, (closes - world.starts_on).days)) if late
                         else world.starts_on - timedelta(days=rng.randint(5, 40)))
            share = 0 if len(kind.shares) == 1 or rng.random() < kind.shares[0].weight else 1
            if (user, household) == world.member_home:
                share, signed_on = 0, world.starts_on - timedelta(days=20)
            rows.append([user, household, share, signed_on])
        rows.sort(key=lambda row: row[3])
        first_come: dict[int, int] = defaultdict(int)
        for user, household, share, signed_on in rows:
            deliveries = [day for day in offer.dates if day >= signed_on]
            status = "active"
            first_come[share] += 1
            if offer.kind == "eggs" and share == 0 and first_come[share] > 0.94 * len(rows) * kind.shares[0].weight:
                status = "waiting"  # signed once the hens' places were gone
            ended_on = None
            if (offer.kind == "vegetables" and deliveries[0] == offer.dates[0] and len(past) > 5
                    and (user, household) != world.member_home and rng.random() < 0.012):
                status, ended_on = "ended", rng.choice(past[4:])
            tier = "standard"
            spec = kind.shares[share]
            prices = tier_prices(spec.price_cents, spec.tiers)
            units = len(deliveries)
            if spec.tiers and status == "active" and deliveries[0] == offer.dates[0]:
                given = (prices["solidarity"] - prices["standard"]) * units
                used = (prices["standard"] - prices["reduced"]) * units
                if rng.random() < 0.10:
                    tier, pool = "solidarity", pool + given
                elif rng.random() < 0.10 and pool >= used:
                    tier, pool = "reduced", pool - used
            co_household, sharing = None, "together"
            if offer.kind == "vegetables" and others and rng.random() < 0.02:
                co_household, sharing = others.pop(rng.randrange(len(others)))[1], rng.choice(["together", "alternate"])
            quantity = 2 if offer.kind == "eggs" and rng.random() < 0.1 else 1
            plan = rng.choices(range(len(PLANS)), weights=[weight for _, _, weight in PLANS])[0]
            if (user, household) == world.member_home:
                plan = 2
            world.signed.append(Signed(
                offer=offer, user=user, household=household, share=share, tier=tier, quantity=quantity,
                plan=plan, signed_on=signed_on, status=status, price_cents=prices[tier], deliveries=deliveries,
                donation_cents=rng.choice([500, 1000, 2000]) if rng.random() < 0.02 else 0,
                co_household=co_household, sharing=sharing, ended_on=ended_on))


async def insert_subscriptions(world: World) -> None:
    """The subscriptions, their schedules (remainder on the first installment) and approved leaves."""
    rng = world.rng
    rows = []
    for sub in world.signed:
        signed_at = at(sub.signed_on, 20, rng.randint(0, 59))
        holds = sub.status != "waiting"
        rows.append(Subscription(
            offer=sub.offer.id, offer_version=1, household=sub.household, offer_share=sub.offer.shares[sub.share],
            tier=sub.tier, quantity=sub.quantity, payment_plan=sub.offer.plans[sub.plan][0], status=sub.status,
            price_cents=sub.price_cents, deliveries=len(sub.deliveries) if holds else 0,
            first_delivery_on=sub.deliveries[0] if holds else None, total_cents=sub.total_cents,
            donation_cents=sub.donation_cents, co_household=sub.co_household, sharing=sub.sharing,
            signed_by=sub.user, signed_at=signed_at, created_at=signed_at, ended_on=sub.ended_on))
    for sub, subscription_id in zip(world.signed, await insert_ids(Subscription, rows), strict=True):
        sub.id = subscription_id
    installments, amendments = [], []
    for sub in world.signed:
        if sub.status == "waiting":
            continue
        _, count, _, first_due = sub.offer.plans[sub.plan]
        for number, (due_on, amount) in enumerate(schedule(sub.total_cents, count, first_due, sub.signed_on),
                                                  start=1):
            installments.append(Installment(subscription=sub.id, number=number, due_on=due_on, amount_cents=amount))
        if sub.ended_on is not None:
            not_received = [day for day in sub.deliveries if day >= sub.ended_on]
            amendments.append(Amendment(
                subscription=sub.id, kind="leave", effective_on=sub.ended_on, reason=rng.choice(LEAVE_REASONS),
                requested_by=sub.user, requested_at=at(sub.ended_on - timedelta(days=12), 21), status="approved",
                decided_by=sub.offer.group.coordinators[0], decided_at=at(sub.ended_on - timedelta(days=8), 21),
                refund_cents=sub.price_cents * sub.quantity * len(not_received)))
    await insert(Installment, installments)
    await insert(Amendment, amendments)
