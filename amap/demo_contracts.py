"""The demo's season: three contracts of AMAP des Lilas, signed by most households, partly paid."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from amap.contracts import lifecycle
from amap.contracts.lifecycle import SigningError, SignRequest
from amap.contracts.schedule import add_months, delivery_dates
from amap.contracts.tables import (
    Installment,
    Offer,
    OfferCoordinator,
    OfferDelivery,
    OfferPrice,
    OfferShare,
    PaymentPlan,
    ShareType,
)
from amap.payments.services import record_payment

CHARTER = (
    "En signant ce contrat, l'adhérent s'engage pour toute la saison et paie d'avance, directement à la ferme. "
    "Le paysan s'engage à livrer chaque semaine des produits de sa ferme, cultivés sans pesticides de synthèse.\n\n"
    "Partage des risques : le contenu du panier suit la récolte. Après la grêle, le panier est plus petit et "
    "personne n'est remboursé ; dans une bonne saison, il est plus grand. {rule}\n\n"
    "L'adhérent qui ne peut pas venir le signale avant mercredi midi et désigne quelqu'un pour récupérer son "
    "panier ; à défaut, le panier est donné."
)
CATCH_UP = "Une distribution impossible (inondation, maladie) est rattrapée plus tard dans la saison."
SHARED_LOSS = "Une distribution impossible est une perte partagée par tous les adhérents du contrat."


@dataclass(frozen=True)
class DemoShare:
    name: str
    description: str
    price_cents: int
    capacity: int
    tiers: bool = False  # offer the reduced and solidarity prices too


@dataclass(frozen=True)
class DemoOffer:
    farm_index: int
    name: str
    frequency: str
    rule: str
    shares: tuple[DemoShare, ...]


OFFERS = (
    DemoOffer(0, "Légumes — saison d'hiver", "weekly", "catch_up", (
        DemoShare("Panier complet", "Pour 3 à 4 personnes", 2000, 30, tiers=True),
        DemoShare("Demi-panier", "Pour 1 à 2 personnes", 1200, 12, tiers=True),
    )),
    DemoOffer(1, "Œufs — saison d'hiver", "fortnightly", "shared_loss", (
        DemoShare("6 œufs", "Une boîte de six œufs plein air", 350, 12),
    )),
    DemoOffer(2, "Pain au levain — saison d'hiver", "weekly", "shared_loss", (
        DemoShare("Pain de 1 kg", "Grand épeautre ou blé ancien, selon la semaine", 650, 25),
    )),
)


def season_of(today: date) -> tuple[date, date]:
    """A six-month season around today, so the demo always shows a season under way."""
    start = add_months(date(today.year, today.month, 1), -2)
    return start, add_months(start, 6) - timedelta(days=1)


async def create_offer(spec: DemoOffer, *, farm: dict, group_id: int, referent: int, today: date) -> dict:
    starts_on, ends_on = season_of(today)
    rule_text = CATCH_UP if spec.rule == "catch_up" else SHARED_LOSS
    offer_id = (await Offer.insert(Offer(
        farm=farm["id"], group=group_id, name=spec.name, starts_on=starts_on, ends_on=ends_on,
        signup_opens_on=starts_on - timedelta(days=45), signup_closes_on=add_months(starts_on, 4),
        missed_delivery_rule=spec.rule, charter=CHARTER.format(rule=rule_text),
    )).returning(Offer.id))[0]["id"]
    days = delivery_dates(starts_on, ends_on, weekday=3, frequency=spec.frequency)
    await OfferDelivery.insert(*[OfferDelivery(offer=offer_id, delivers_on=day) for day in days])
    shares = []
    for share in spec.shares:
        type_id = (await ShareType.insert(ShareType(farm=farm["id"], name=share.name, description=share.description,
                                                    price_cents=share.price_cents)).returning(ShareType.id))[0]["id"]
        share_id = (await OfferShare.insert(OfferShare(offer=offer_id, share_type=type_id, capacity=share.capacity)
                                            ).returning(OfferShare.id))[0]["id"]
        prices = {"standard": share.price_cents}
        if share.tiers:
            prices |= {"reduced": share.price_cents * 3 // 4, "solidarity": share.price_cents * 5 // 4}
        await OfferPrice.insert(*[OfferPrice(offer_share=share_id, tier=tier, price_cents=cents)
                                  for tier, cents in prices.items()])
        shares.append(share_id)
    plans = []
    for count in (1, 3, 6):
        plans.append((await PaymentPlan.insert(PaymentPlan(
            offer=offer_id, installments=count, first_due_on=date(starts_on.year, starts_on.month, 5),
            method="cheque", payee=farm["name"])).returning(PaymentPlan.id))[0]["id"])
    await OfferCoordinator.insert(OfferCoordinator(offer=offer_id, user=referent))
    await lifecycle.publish(offer_id, None)
    return {"id": offer_id, "shares": shares, "plans": plans, "signed_on": starts_on - timedelta(days=20)}


async def load_season(*, farms: list[dict], group_id: int, households: list[tuple[int, int]],
                      member: tuple[int, int], coordinator: int, today: date, rng: random.Random) -> None:
    """Sign most households up, keep the bread contract open for the demo member, record payments."""
    offers = [await create_offer(spec, farm=farms[spec.farm_index], group_id=group_id, referent=coordinator,
                                 today=today) for spec in OFFERS]
    vegetables, eggs, bread = offers

    async def sign(offer: dict, user_id: int, household_id: int, share: int, tier: str = "standard",
                   plan: int | None = None) -> dict | None:
        try:
            return await lifecycle.sign(SignRequest(
                offer_id=offer["id"], household_id=household_id, user_id=user_id, offer_share_id=share, tier=tier,
                quantity=1, payment_plan_id=plan or rng.choice(offer["plans"]), today=offer["signed_on"]))
        except SigningError:
            return None  # e.g. no reduced share left in the solidarity pool

    signed = [await sign(vegetables, *member, vegetables["shares"][0], plan=vegetables["plans"][2]),
              await sign(eggs, *member, eggs["shares"][0], plan=eggs["plans"][0])]
    for number, (user_id, household_id) in enumerate(households):
        share = vegetables["shares"][0] if number % 3 else vegetables["shares"][1]
        tier = "solidarity" if number % 7 == 1 else "reduced" if number % 11 == 4 else "standard"
        signed.append(await sign(vegetables, user_id, household_id, share, tier))
        if number % 2 == 0:  # more households want eggs than the hens allow: a waiting list
            signed.append(await sign(eggs, user_id, household_id, eggs["shares"][0]))
        if number % 3 == 0:
            signed.append(await sign(bread, user_id, household_id, bread["shares"][0]))
    for subscription in signed:
        if subscription is None or subscription["status"] != "active":
            continue
        due = await Installment.select().where(
            (Installment.subscription == subscription["id"]) & (Installment.due_on <= today))
        for number, installment in enumerate(due):
            if rng.random() < 0.08 and number == len(due) - 1:
                continue  # a few households are late with their last cheque
            await record_payment(subscription_id=subscription["id"], amount_cents=installment["amount_cents"],
                                 method="cheque", received_on=min(installment["due_on"], today),
                                 recorded_by=coordinator, cheque_number=str(rng.randint(1_000_000, 9_999_999)),
                                 bank=rng.choice(["Crédit Agricole", "La Banque Postale", "Crédit Coopératif", "LCL"]))
