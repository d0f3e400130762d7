"""The demo's distribution days: past ones announced, the last ones ticked, one reduced, one cancelled;
absences of the demo member; an announcement for the next one."""

from __future__ import annotations

import random
import uuid
from datetime import date

from amap.contracts.tables import Offer, OfferShare, Subscription
from amap.distributions import outcomes, sheet
from amap.distributions.outcomes import Outcome
from amap.distributions.tables import Absence, Announcement, CollectionEvent, Delivery, Distribution
from amap.lib.db import utcnow

# What a winter vegetable share holds, per share type, with unit prices (cents) the farm uses.
WINTER_VEGETABLES = [
    ("Carottes", "kg", 280), ("Poireaux", "botte", 250), ("Pommes de terre", "kg", 180),
    ("Courge butternut", "pièce", 300), ("Mâche", "sachet", 220), ("Choux de Bruxelles", "kg", 450),
    ("Céleri-rave", "pièce", 260), ("Oignons", "kg", 300),
]
EGGS = [("Œufs plein air", "boîte de 6", 350)]
BREAD = [("Pain au levain", "pain de 1 kg", 650)]


def share_items(offer_name: str, share_name: str, rng: random.Random) -> list[dict]:
    if offer_name.startswith("Œufs"):
        return [{"name": n, "quantity": 1, "unit": u, "unit_price_cents": p} for n, u, p in EGGS]
    if offer_name.startswith("Pain"):
        return [{"name": n, "quantity": 1, "unit": u, "unit_price_cents": p} for n, u, p in BREAD]
    factor = 1.0 if share_name == "Panier complet" else 0.6
    chosen = rng.sample(WINTER_VEGETABLES, 5)
    return [{"name": n, "quantity": round(rng.choice([1, 1.5, 2, 2.5]) * factor, 2), "unit": u,
             "unit_price_cents": p} for n, u, p in chosen]


async def load_distribution_days(*, group_id: int, member_household: int, coordinator: int, farmer: int,
                                 today: date, rng: random.Random) -> None:
    distributions = await Distribution.select().where(Distribution.group == group_id).order_by(Distribution.held_on)
    past = [d for d in distributions if d["held_on"] < today]
    upcoming = [d for d in distributions if d["held_on"] >= today]
    deliveries = await Delivery.select(Delivery.all_columns(), Delivery.offer.name.as_alias("offer_name"),
                                       Delivery.offer.missed_delivery_rule.as_alias("rule")).where(
        Delivery.distribution.is_in([d["id"] for d in distributions] or [-1]))
    shares = await OfferShare.select(OfferShare.id, OfferShare.offer, OfferShare.share_type.name.as_alias("name"))
    now = utcnow()

    announced = {d["id"] for d in past} | ({upcoming[0]["id"]} if upcoming else set())
    for delivery in deliveries:
        if delivery["distribution"] not in announced:
            continue
        for share in (s for s in shares if s["offer"] == delivery["offer"]):
            items = share_items(delivery["offer_name"], share["name"], rng)
            value = int(sum(item["quantity"] * item["unit_price_cents"] for item in items))
            await Announcement.insert(Announcement(
                delivery=delivery["id"], offer_share=share["id"], items=items, value_cents=value,
                note="Belle semaine malgré le froid." if rng.random() < 0.3 else "",
                published_by=farmer, published_at=now))

    # Every past delivery happened; two of them did not go as planned. Recorded as the farmer
    # records them, so each has its history and its line in the committee's audit log.
    vegetables = sorted((d for d in deliveries if d["offer_name"].startswith("Légumes") and d["due_on"] < today),
                        key=lambda d: d["due_on"])
    eggs = sorted((d for d in deliveries if d["offer_name"].startswith("Œufs") and d["due_on"] < today),
                  key=lambda d: d["due_on"])
    exceptions = {}
    if len(vegetables) >= 4:
        exceptions[vegetables[-3]["id"]] = Outcome(
            "reduced", delivered_percent=60, missing="Pas de salades ni de choux : la grêle du 14 a tout haché.")
    if len(eggs) >= 2:
        exceptions[eggs[-2]["id"]] = Outcome(
            "cancelled", cause="Grippe aviaire : les poules sont confinées et la tournée suspendue.")
    for delivery in sorted(deliveries, key=lambda d: (d["due_on"], d["id"])):
        if delivery["due_on"] < today:
            await outcomes.record(delivery, exceptions.get(delivery["id"], Outcome("delivered")), farmer)

    # Ticks on past distributions: nearly everybody came.
    households = {row["household"] for row in await Subscription.select(Subscription.household).where(
        (Subscription.status == "active") & Subscription.offer.is_in(
            [o["id"] for o in await Offer.select(Offer.id).where(Offer.group == group_id)]))}
    for distribution in past[-4:]:
        for household in sorted(households):
            if rng.random() < 0.93:
                await CollectionEvent.insert(CollectionEvent(
                    distribution=distribution["id"], household=household, action="collected",
                    client_event_id=uuid.UUID(int=rng.getrandbits(128)).hex, recorded_by=coordinator))
        await sheet.close(distribution["id"], {}, coordinator)

    # The demo member is away for one of the coming distributions: a neighbour collects.
    if len(upcoming) >= 3:
        await Absence.insert(Absence(household=member_household, distribution=upcoming[2]["id"], choice="collector",
                                     collector_name="Mme Rousseau (voisine)"))
