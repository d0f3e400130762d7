"""The large demo's distribution days: the calendar synced once per group, past deliveries recorded
(a few reduced or cancelled), shares announced up to the next distribution, the last three
sign-off sheets ticked and closed, and a few absences declared for the coming ones."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta

from amap.demo_large.bulk import insert
from amap.demo_large.data import KIND
from amap.demo_large.world import OfferInfo, World, at
from amap.distributions.calendar import sync_group
from amap.distributions.tables import Absence, Announcement, CollectionEvent, Delivery, DeliveryOutcome, Distribution

TICKED = 3  # past distributions whose sign-off sheet was ticked and closed
ABSENCE_RATE = 0.025
REDUCED = ("Grêle : une partie de la récolte est perdue.", "Sécheresse : moins de produits cette semaine.",
           "Gel tardif : une partie de la récolte a gelé.")
CANCELLED = ("Le camion est tombé en panne sur la route.", "Le paysan est malade : pas de livraison cette semaine.",
             "Route coupée par les inondations.")


def share_items(offer: OfferInfo, share: int, world: World) -> list[dict]:
    kind = KIND[offer.kind]
    if offer.kind != "vegetables":
        factor = 2 if offer.kind == "eggs" and share == 1 else 1
        return [{"name": name, "quantity": factor, "unit": unit, "unit_price_cents": price}
                for name, unit, price in kind.items[:3]]
    factor = 1.0 if share == 0 else 0.6
    return [{"name": name, "quantity": round(world.rng.choice([1, 1.5, 2, 2.5]) * factor, 2), "unit": unit,
             "unit_price_cents": price} for name, unit, price in world.rng.sample(kind.items, 5)]


async def load_days(world: World) -> None:
    rng, today = world.rng, world.today
    for info in world.groups:
        await sync_group(info.id)
    offers = {offer.id: offer for offer in world.offers}
    deliveries = await Delivery.select(Delivery.id, Delivery.offer, Delivery.distribution, Delivery.due_on).where(
        Delivery.offer.is_in(list(offers))).order_by(Delivery.due_on)
    by_offer: dict[int, list[dict]] = defaultdict(list)
    for delivery in deliveries:
        by_offer[delivery["offer"]].append(delivery)

    # How each past delivery went: delivered, now and then reduced or cancelled, and its history row.
    history, announced, cancelled = [], [], set()
    for offer in world.offers:  # in a fixed order: the same data on every run and both engines
        rows = by_offer[offer.id]
        past = [row for row in rows if row["due_on"] < today]
        coming = [row for row in rows if row["due_on"] >= today]
        special = rng.choice(past) if len(past) >= 3 and rng.random() < 0.35 else None
        for row in past:
            values = {"outcome": "delivered", "delivered_percent": 100, "missing": "", "cause": ""}
            if row is special:
                if KIND[offer.kind].rule == "shared_loss" and rng.random() < 0.5:
                    values |= {"outcome": "cancelled", "delivered_percent": 0, "cause": rng.choice(CANCELLED)}
                    cancelled.add(row["id"])
                else:
                    values |= {"outcome": "reduced", "delivered_percent": rng.choice([50, 60, 70, 80]),
                               "missing": rng.choice(REDUCED)}
            recorded_at = at(row["due_on"], 21)
            await Delivery.update({Delivery.outcome: values["outcome"],
                                   Delivery.delivered_percent: values["delivered_percent"],
                                   Delivery.missing: values["missing"], Delivery.cause: values["cause"],
                                   Delivery.recorded_by: offer.farm.farmer, Delivery.recorded_at: recorded_at}
                                  ).where(Delivery.id == row["id"])
            history.append(DeliveryOutcome(delivery=row["id"], recorded_by=offer.farm.farmer, recorded_at=recorded_at,
                                           **values))
        for row in [r for r in past if r["id"] not in cancelled] + coming[:1]:
            for share, share_id in enumerate(offer.shares):
                items = share_items(offer, share, world)
                announced.append(Announcement(
                    delivery=row["id"], offer_share=share_id, items=items,
                    value_cents=int(sum(item["quantity"] * item["unit_price_cents"] for item in items)),
                    note="Belle semaine malgré le froid." if rng.random() < 0.2 else "",
                    published_by=offer.farm.farmer, published_at=at(row["due_on"] - timedelta(days=2), 18)))
    await insert(DeliveryOutcome, history)
    await insert(Announcement, announced)

    # Who collects what on each day: every household holding a share delivered that day.
    collecting: dict[tuple[int, date], set[int]] = defaultdict(set)
    for sub in world.signed:
        for day in sub.deliveries:
            if sub.holds_on(day):
                collecting[(sub.offer.group.index, day)].add(sub.household)
                if sub.co_household is not None:
                    collecting[(sub.offer.group.index, day)].add(sub.co_household)
    first_adult = {household: user for info in world.groups for user, household in info.homes}
    distributions = await Distribution.select(Distribution.id, Distribution.group, Distribution.held_on).where(
        Distribution.group.is_in([info.id for info in world.groups])).order_by(Distribution.held_on)
    index_of = {info.id: info.index for info in world.groups}
    by_group: dict[int, list[dict]] = defaultdict(list)
    for row in distributions:
        by_group[index_of[row["group"]]].append(row)

    ticks, absences = [], []
    for info in world.groups:
        g, rows = info.index, by_group[info.index]
        past = [row for row in rows if row["held_on"] < today]
        coming = [row for row in rows if row["held_on"] >= today]
        for row in past[-TICKED:]:
            day = row["held_on"]
            for household in sorted(collecting[(g, day)]):
                collected = rng.random() < 0.93
                ticks.append(CollectionEvent(
                    distribution=row["id"], household=household, action="collected" if collected else "donated",
                    client_event_id=uuid.UUID(int=rng.getrandbits(128)).hex, recorded_by=info.coordinators[0],
                    recorded_at=at(day, 18, rng.randint(30, 59)) if collected else at(day, 20, 5)))
            await Distribution.update({Distribution.closed_at: at(day, 20, 10),
                                       Distribution.closed_by: info.coordinators[0]}).where(Distribution.id == row["id"])
        for position, row in enumerate(coming[:3]):
            day = row["held_on"]
            away = [h for h in sorted(collecting[(g, day)]) if rng.random() < ABSENCE_RATE]
            if g == 0 and position == 2:
                away = [h for h in away if h != world.member_home[1]]
                absences.append(Absence(household=world.member_home[1], distribution=row["id"], choice="collector",
                                        collector_name="Mme Rousseau (voisine)", declared_by=world.member_home[0],
                                        declared_at=at(day - timedelta(days=6), 21)))
            for household in away:
                choice = rng.choice(["collector", "collector", "offered", "donated"])
                absences.append(Absence(
                    household=household, distribution=row["id"], choice=choice,
                    collector_name=world.fake.name() if choice == "collector" else "",
                    declared_by=first_adult.get(household), declared_at=at(day - timedelta(days=rng.randint(3, 9)), 21)))
    await insert(CollectionEvent, ticks)
    await insert(Absence, absences)
