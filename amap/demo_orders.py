"""The demo's short chain: the network gains a second group (with a community kitchen among its
members) and two producers who supply both groups; one order window is open, one has closed with
its picking lists and delivery tour."""

from __future__ import annotations

import json
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from amap.accounts.tables import Household, User
from amap.distributions.tables import Distribution
from amap.farms.tables import Farm, Farmer, FarmSupply
from amap.groups.services import join_group
from amap.groups.tables import Group, Place
from amap.network.tables import NetworkFarm, NetworkGroup
from amap.orders.ordering import place_order
from amap.orders.tables import BulkBuyer, OrderWindow, Product, WindowProduct, WindowStop
from amap.orders.windows import close_window

PARIS = ZoneInfo("Europe/Paris")
SECOND_GROUP = ("AMAP du Pré-Saint-Gervais", "amap-du-pre", "Le Pré-Saint-Gervais")

NEIGHBOURS = ("Nadia Haddad", "Julien Robert", "Aïcha Diallo", "Thomas Petit", "Sophie Nguyen", "Karim Belkacem",
              "Claire Fontaine", "Hugo Marchand")

PRODUCERS = [
    ("Rucher et vergers des Coteaux", "coteaux", "Miel, jus de pomme (commandes ponctuelles)",
     "Cent ruches et quatre hectares de vergers haute tige.", "Chaumont-en-Vexin (60)",
     "Apiculture bio, vergers non traités, pressage à la ferme."),
    ("Bergerie du Vexin", "bergerie-du-vexin", "Agneau, fromages de brebis (commandes ponctuelles)",
     "Deux cents brebis en plein air sur les coteaux du Vexin.", "Wy-dit-Joli-Village (95)",
     "Pâturage toute l'année, abattage à l'abattoir de proximité, vente en colis."),
]

# name, unit, price, parts (producer, transport, group/network) in cents, packaging, minimum, VAT
HONEY = [
    ("Miel de fleurs", "pot de 500 g", 900, (780, 70, 50), 1, 1, 550),
    ("Miel de châtaignier", "pot de 500 g", 1050, (910, 80, 60), 1, 1, 550),
    ("Jus de pomme", "bouteille de 1 l", 350, (280, 40, 30), 6, 6, 550),
]
LAMB = [
    ("Colis d'agneau", "colis de 5 kg", 8500, (7400, 600, 500), 1, 1, 550),
    ("Tomme de brebis", "pièce de 500 g", 1100, (950, 80, 70), 1, 1, 550),
]


def _parts(parts: tuple[int, int, int]) -> str:
    producer, transport, network = parts
    return json.dumps([{"category": "producer", "label": "travail et intrants de la ferme", "cents": producer},
                       {"category": "transport", "label": "tournée de livraison", "cents": transport},
                       {"category": "network", "label": "fonctionnement du réseau", "cents": network}])


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PARIS).astimezone(UTC)


async def load_orders(*, network_id: int, lilas_id: int, person: Callable[..., Awaitable[int]], today: date,
                      rng: random.Random) -> None:
    """`person(email, name, household_id=None)` creates an account with the demo password."""
    name, slug, city = SECOND_GROUP
    pre_id = (await Group.insert(Group(
        name=name, slug=slug, city=city, contact_email="contact@amap-du-pre.example.org", language="fr",
        description="Une trentaine de foyers et la cuisine solidaire du quartier, le mardi soir à la Maison des associations.",
    )).returning(Group.id))[0]["id"]
    place_id = (await Place.insert(Place(group=pre_id, name="Maison des associations", address="3 rue Gabriel-Péri, 93310 Le Pré-Saint-Gervais",
                                         weekday=1, starts_at=time(18, 30), ends_at=time(20, 0))).returning(Place.id))[0]["id"]
    await NetworkGroup.insert(NetworkGroup(network=network_id, group=pre_id))
    # The Tuesdays of the second group: it has no season contract in the demo, only orders.
    first_tuesday = today + timedelta(days=(1 - today.weekday()) % 7)
    tuesdays = [first_tuesday + timedelta(weeks=n) for n in range(-2, 5)]
    await Distribution.insert(*[Distribution(group=pre_id, place=place_id, held_on=day, starts_at=time(18, 30),
                                             ends_at=time(20, 0)) for day in tuesdays])

    households = []
    for number, full_name in enumerate(NEIGHBOURS, start=1):
        user_id = await person(f"pre{number:02d}@example.org", full_name)
        household = (await User.select(User.household).where(User.id == user_id).first())["household"]
        await join_group(household, pre_id, None)
        households.append((user_id, household))
    kitchen_user = await person("cuisine@example.org", "Cuisine solidaire du Pré")
    kitchen = (await User.select(User.household).where(User.id == kitchen_user).first())["household"]
    await Household.update({Household.name: "Cuisine solidaire du Pré"}).where(Household.id == kitchen)
    await join_group(kitchen, pre_id, None)
    await BulkBuyer.insert(BulkBuyer(household=kitchen, kind="kitchen", network=network_id,
                                     contact="Repas solidaires du midi, 80 couverts"))

    farms = []
    for index, (farm_name, farm_slug, production, description, address, practices) in enumerate(PRODUCERS):
        farm_id = (await Farm.insert(Farm(name=farm_name, slug=farm_slug, production=production, description=description,
                                          address=address, practices=practices)).returning(Farm.id))[0]["id"]
        await FarmSupply.insert(FarmSupply(farm=farm_id, group=lilas_id), FarmSupply(farm=farm_id, group=pre_id))
        await NetworkFarm.insert(NetworkFarm(network=network_id, farm=farm_id))
        email = "producer@example.org" if index == 0 else "bergerie@example.org"
        await Farmer.insert(Farmer(user=await person(email, "Léa Garnier" if index == 0 else "Malik Benali"),
                                   farm=farm_id))
        farms.append(farm_id)

    lilas_households = [(row["id"], row["household"]) for row in await User.select(User.id, User.household).where(
        User.email.like("foyer%@example.org")).order_by(User.id)]

    async def window(farm_id: int, catalog: list, title: str, opens: datetime, closes: datetime,
                     network: int | None) -> tuple[int, dict[str, int]]:
        window_id = (await OrderWindow.insert(OrderWindow(
            farm=farm_id, title=title, description="Livré à la distribution qui suit la clôture.",
            network=network, opens_at=opens, closes_at=closes, published_at=opens,
        )).returning(OrderWindow.id))[0]["id"]
        products = {}
        for item, unit, price, parts, packaging, minimum, vat in catalog:
            product_id = (await Product.insert(Product(farm=farm_id, name=item, unit=unit, price_cents=price,
                                                       vat_rate_bp=vat, packaging=packaging, min_quantity=minimum,
                                                       price_parts=_parts(parts))).returning(Product.id))[0]["id"]
            stock = 12 if unit.startswith("colis") else None
            products[item] = (await WindowProduct.insert(WindowProduct(
                window=window_id, product=product_id, price_cents=price, price_parts=_parts(parts), stock=stock,
            )).returning(WindowProduct.id))[0]["id"]
        closes_on = closes.astimezone(PARIS).date()
        for position, (group_id, arrives) in enumerate(((pre_id, "17:45"), (lilas_id, "18:20")), start=1):
            distribution = await Distribution.select(Distribution.id).where(
                (Distribution.group == group_id) & (Distribution.held_on > closes_on)
                & (Distribution.status == "planned")).order_by(Distribution.held_on).first()
            await WindowStop.insert(WindowStop(window=window_id, group=group_id, distribution=distribution["id"],
                                               position=position, arrives_at=arrives))
        return window_id, products

    # Closed three days ago: lamb boxes for the whole network, picking lists and a tour to read.
    lamb_id, lamb = await window(farms[1], LAMB, "Colis d'agneau de décembre", _at(today - timedelta(days=10), 8),
                                 _at(today - timedelta(days=3), 20), network_id)
    buyers = households[:5] + lilas_households[:6]
    for user_id, household in buyers:
        wanted = {lamb["Colis d'agneau"]: 1, lamb["Tomme de brebis"]: rng.randint(0, 2)}
        await place_order(lamb_id, household, user_id, wanted, _at(today - timedelta(days=6), 12))
    await place_order(lamb_id, kitchen, kitchen_user, {lamb["Colis d'agneau"]: 1, lamb["Tomme de brebis"]: 6},
                      _at(today - timedelta(days=5), 12))
    await close_window(lamb_id, _at(today - timedelta(days=3), 21))

    # Open until the end of the week: honey and juice; some households have ordered already.
    honey_id, honey = await window(farms[0], HONEY, "Miel et jus de pomme pour les fêtes",
                                   _at(today - timedelta(days=2), 8), _at(today + timedelta(days=5), 20), network_id)
    for user_id, household in households[2:7] + lilas_households[3:9]:
        wanted = {honey["Miel de fleurs"]: rng.randint(1, 3), honey["Jus de pomme"]: 6 * rng.randint(0, 2)}
        await place_order(honey_id, household, user_id, wanted, _at(today - timedelta(days=1), 12))
    await place_order(honey_id, kitchen, kitchen_user, {honey["Jus de pomme"]: 24}, _at(today - timedelta(days=1), 13))
