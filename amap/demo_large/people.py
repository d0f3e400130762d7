"""The large demo's people and places: groups, farms and their farmers, the network, households with
their adults and memberships, committees. The demo logins sit in the largest group and farm."""

from __future__ import annotations

import re
import unicodedata
from datetime import time, timedelta

from amap.accounts.tables import Household, User
from amap.demo_large.bulk import insert, insert_ids
from amap.demo_large.data import COMMITTEE, KIND, KINDS, ORDER_PRODUCERS, PLACES, TOWNS, VILLAGES, kinds_of_group
from amap.demo_large.world import FarmInfo, GroupInfo, World, apportion, at
from amap.farms.tables import Farm, Farmer, FarmSupply
from amap.groups.services import appoint_coordinator
from amap.groups.tables import Group, Membership, Place
from amap.network.tables import Network, NetworkCoordinator, NetworkFarm, NetworkGroup
from amap.roster.tables import Responsibility

DESCRIPTION = ("Une AMAP du réseau d'Île-de-France : chaque semaine, les paniers de légumes, le pain et les "
               "produits des fermes partenaires, payés d'avance pour la saison. Chaque foyer tient quelques "
               "permanences par saison.")
PENDING_PER_GROUP = 2  # households waiting for the committee's acceptance, beside the active ones


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:70]


def of(place: str) -> str:
    """French "de" before a place name: d'Us, du Vexin, des Lilas, de Chaussy."""
    for article, contracted in (("Le ", "du "), ("Les ", "des "), ("La ", "de la ")):
        if place.startswith(article):
            return contracted + place.removeprefix(article)
    return ("d'" if place[0] in "AEIOUYÉÈH" else "de ") + place


def group_sizes(world: World) -> list[int]:
    """The first group is the largest (about 300 households of 5,000 in 20 groups), the others vary."""
    scale = world.scale
    if scale.groups == 1:
        return [scale.households]
    largest = round(1.2 * scale.households / scale.groups)
    weights = [world.rng.uniform(0.75, 1.05) for _ in range(scale.groups - 1)]
    return [largest, *apportion(scale.households - largest, weights)]


def farm_plan(world: World) -> list[tuple[str, list[int]]]:
    """(kind, indexes of the groups it supplies with a season contract) per farm; order producers last.

    The first vegetable farm (farmer@'s) supplies the three first groups: the largest farm."""
    scale = world.scale
    orders = min(len(ORDER_PRODUCERS), max(2, scale.farms // 15))
    extra = apportion(scale.farms - orders - len(KINDS), [kind.farm_weight for kind in KINDS])
    plan: list[tuple[str, list[int]]] = []
    for kind, count in zip(KINDS, extra, strict=True):
        served = [g for g in range(scale.groups) if kind.code in kinds_of_group(g)]
        farms: list[list[int]] = [[] for _ in range(count + 1)]
        if kind.code == "vegetables" and count:
            first = min(3, max(1, len(served) - count))
            farms[0], served = served[:first], served[first:]
            for i, g in enumerate(served):
                farms[1 + i % count].append(g)
        else:
            for i, g in enumerate(served):
                farms[i % len(farms)].append(g)
        plan += [(kind.code, groups) for groups in farms]
    return plan + [("orders", []) for _ in range(orders)]


async def load_people(world: World) -> None:
    rng, fake, scale = world.rng, world.fake, world.scale
    sizes = group_sizes(world)

    # Groups and their places.
    specs = []
    for g in range(scale.groups):
        name, town, postcode = TOWNS[g % len(TOWNS)]
        if g >= len(TOWNS):
            name, town = f"{name} {g // len(TOWNS) + 1}", f"{town} {g // len(TOWNS) + 1}"
        specs.append((name, slugify(name), town, postcode))
    fees = [rng.choice([1000, 1500, 2000]) for _ in specs]
    group_ids = await insert_ids(Group, [
        Group(name=name, slug=slug, city=town, description=DESCRIPTION, contact_email=f"contact@{slug}.example.org",
              language="fr", membership_fee_cents=fee)
        for (name, slug, town, _), fee in zip(specs, fees, strict=True)])
    for g, ((name, slug, town, _), group_id) in enumerate(zip(specs, group_ids, strict=True)):
        world.groups.append(GroupInfo(index=g, id=group_id, name=name, slug=slug, town=town, weekday=(3 + g) % 5,
                                      fee_cents=fees[g]))
    place_ids = await insert_ids(Place, [
        Place(group=info.id, name=PLACES[info.index % len(PLACES)], weekday=info.weekday,
              address=f"{fake.street_address()}, {specs[info.index][3]} {info.town}",
              starts_at=time(18, 30) if info.index % 3 else time(17, 30),
              ends_at=time(20, 0) if info.index % 3 else time(19, 30))
        for info in world.groups])
    for info, place_id in zip(world.groups, place_ids, strict=True):
        info.place = place_id

    # Farms: the season farms by kind, then the one-off order producers.
    plan = farm_plan(world)
    first_producer = next(index for index, (code, _) in enumerate(plan) if code == "orders")
    farm_rows, slugs = [], set()
    for index, (code, groups) in enumerate(plan):
        village = VILLAGES[index % len(VILLAGES)]
        place = village.split(" (")[0]
        if code == "orders":
            prefix, production, _ = ORDER_PRODUCERS[index - first_producer]
        else:
            prefix, production = KIND[code].farm_prefix, KIND[code].production
        name = f"{prefix} {of(place)}" if index else "Ferme du Bout du Champ"
        slug = slugify(name)
        if slug in slugs:
            name, slug = f"{name} {index}", f"{slug}-{index}"
        slugs.add(slug)
        farm_rows.append(Farm(name=name, slug=slug, production=production, address=village,
                              description=f"{production}, vendus en circuit court aux AMAP du réseau.",
                              practices=rng.choice(["Agriculture biologique certifiée.", "Pratiques paysannes, "
                                                    "sans pesticides de synthèse.", "Mention Nature & Progrès."])))
        world.farms.append(FarmInfo(index=index, id=0, name=name, kind=code, groups=groups))
    for info, farm_id in zip(world.farms, await insert_ids(Farm, farm_rows), strict=True):
        info.id = farm_id

    # Households and their adults: member households group by group, then the farmers and the staff.
    households: list[str] = []
    people: list[tuple[str, str, int, str]] = []  # email, name, household index, phone
    member_of: list[tuple[int, int, str]] = []  # (group index, household index, status)
    kitchens: list[int] = []  # household indexes of the community kitchens
    number = 0

    def adult(email: str, name: str, household: int) -> None:
        people.append((email, name, household, fake.phone_number() if rng.random() < 0.6 else ""))

    for info, size in zip(world.groups, sizes, strict=True):
        used: set[str] = set()
        for i in range(size + PENDING_PER_GROUP):
            number += 1
            household = len(households)
            status = "active" if i < size else "pending"
            member_of.append((info.index, household, status))
            if info.index == 0 and i in (0, 1):
                first, last = ("Camille", "Martin") if i == 0 else ("Sacha", "Bernard")
                households.append(f"Foyer {last}")
                used.add(households[-1])
                adult("member@example.org" if i == 0 else "coordinator@example.org", f"{first} {last}", household)
                if i == 0:
                    adult("dominique.martin@example.org", "Dominique Martin", household)
                continue
            if info.index % 5 == 2 and i == size - 1:
                kitchens.append(len(households))
                households.append(f"Cuisine solidaire {of(info.town)}")
                adult(f"cuisine{info.index + 1:02d}@example.org", households[-1], household)
                continue
            last = fake.last_name()
            name = f"Foyer {last}"
            while name in used:  # one "Foyer X" per line of the sign-off sheet: a compound name then
                name = f"Foyer {last}-{fake.last_name()}"
            used.add(name)
            households.append(name)
            adult(f"foyer{number:04d}@example.org", f"{fake.first_name()} {last}", household)
            if rng.random() < 0.25:
                adult(f"foyer{number:04d}b@example.org", f"{fake.first_name()} {last}", household)
    for farm in world.farms:
        first, last = ("Paul", "Lefèvre") if farm.index == 0 else (fake.first_name(), fake.last_name())
        if farm.index == first_producer:
            first, last, email = "Léa", "Garnier", "producer@example.org"
        else:
            email = "farmer@example.org" if farm.index == 0 else f"ferme{farm.index + 1:02d}@example.org"
        households.append(f"Foyer {last}")
        adult(email, f"{first} {last}", len(households) - 1)
    households.append("Foyer Moreau")
    adult("network@example.org", "Inès Moreau", len(households) - 1)
    households.append("Admin amap")
    adult("admin@example.org", "Admin amap", len(households) - 1)

    household_ids = await insert_ids(Household, [Household(name=name) for name in households])
    user_ids = await insert_ids(User, [
        User(email=email, name=name, phone=phone, password_hash=world.password_hash,
             household=household_ids[household], is_admin=email == "admin@example.org")
        for email, name, household, phone in people])
    first_adult: dict[int, int] = {}
    for (email, _, household, _), user_id in zip(people, user_ids, strict=True):
        first_adult.setdefault(household, user_id)
        if not email.startswith(("foyer", "cuisine", "ferme", "dominique")):
            world.logins[email] = user_id
    for farm in world.farms:  # the farmers' households follow the members' ones, in the farms' order
        farm.farmer = first_adult[len(member_of) + farm.index]
    world.kitchens = [(first_adult[household], household_ids[household], g)
                      for g, household, _ in member_of if household in kitchens]
    for g, household, status in member_of:
        if status == "active":
            world.groups[g].homes.append((first_adult[household], household_ids[household]))
    world.member_home = world.groups[0].homes[0]

    # Committees: the treasurer and two others per group (coordinator@ is the largest group's treasurer).
    for info in world.groups:
        for title, (user_id, _) in zip(COMMITTEE, info.homes[1:4], strict=False):
            await appoint_coordinator(info.id, user_id, None, title)
            info.coordinators.append(user_id)
    await insert(Responsibility, [
        Responsibility(group=info.id, title=title, user=user_id, since=world.starts_on - timedelta(days=60))
        for info in world.groups for title, user_id in zip(COMMITTEE, info.coordinators, strict=False)])

    memberships = []
    for g, household, status in member_of:
        info = world.groups[g]
        joined = world.starts_on - timedelta(days=rng.randint(5, 700))
        active = status == "active"
        paid = active and rng.random() < 0.95
        memberships.append(Membership(
            household=household_ids[household], group=info.id, status=status, created_at=at(joined, 20),
            accepted_at=at(joined + timedelta(days=3), 20) if active else None,
            accepted_by=info.coordinators[0] if active else None, fee_cents=info.fee_cents,
            fee_received_on=joined + timedelta(days=3) if paid else None,
            fee_received_by=info.coordinators[0] if paid else None))
    await insert(Membership, memberships)

    # Who acts for each farm, whom it supplies, and the network around them all.
    await insert(Farmer, [Farmer(user=farm.farmer, farm=farm.id) for farm in world.farms])
    await insert(FarmSupply, [
        FarmSupply(farm=farm.id, group=world.groups[g].id)
        for farm in world.farms for g in (farm.groups if farm.kind != "orders" else range(scale.groups))])
    world.network = (await Network.insert(Network(
        name="Réseau des AMAP d'Île-de-France", slug="reseau-idf",
        description="Les AMAP, collectifs et producteurs paysans d'Île-de-France : contrats de saison, "
                    "commandes groupées et tournées partagées.")).returning(Network.id))[0]["id"]
    await insert(NetworkGroup, [NetworkGroup(network=world.network, group=info.id) for info in world.groups])
    await insert(NetworkFarm, [NetworkFarm(network=world.network, farm=farm.id) for farm in world.farms])
    await NetworkCoordinator.insert(NetworkCoordinator(network=world.network, user=world.logins["network@example.org"]))
