"""`amap demo`: a living AMAP to look around in — AMAP des Lilas, its farms and 40 households."""

from __future__ import annotations

import random
from datetime import date, time

from faker import Faker

from amap.accounts.services import create_user
from amap.accounts.tables import User
from amap.demo_contracts import load_season
from amap.demo_distributions import load_distribution_days
from amap.demo_orders import load_orders
from amap.demo_roster import load_roster
from amap.distributions.calendar import sync_group
from amap.farms.tables import Farm, FarmSupply
from amap.groups.services import appoint_coordinator, join_group
from amap.groups.tables import Group, Membership, Place
from amap.lib.dates import local_today
from amap.lib.db import delete_all_rows, write_transaction
from amap.lib.security import hash_password
from amap.network.tables import Network, NetworkCoordinator, NetworkFarm, NetworkGroup
from amap.roles import grant_farmer

DEMO_PASSWORD = "amap-demo"
LOGINS = {
    "member@example.org": "member",
    "farmer@example.org": "farmer",
    "coordinator@example.org": "coordinator",
    "network@example.org": "network coordinator",
    "producer@example.org": "producer (one-off orders for two groups)",
    "admin@example.org": "site administrator",
}
HOUSEHOLDS = 40

DESCRIPTION = (
    "L'AMAP des Lilas relie depuis 2009 une quarantaine de foyers des Lilas et du Pré-Saint-Gervais "
    "à trois fermes d'Île-de-France et du Vexin.\n\n"
    "Chaque jeudi soir, dans la cour de l'école Jean-Jaurès, nous distribuons les paniers de légumes, "
    "le pain et, une semaine sur deux, les œufs. Les contrats se signent pour la saison et se paient "
    "d'avance : les paysans connaissent leur revenu avant la récolte, et nous en partageons les aléas.\n\n"
    "Chaque foyer tient quelques permanences par saison : c'est ce qui fait vivre l'AMAP."
)

FARMS = [
    ("Ferme du Bout du Champ", "ferme-du-bout-du-champ", "Légumes de saison (panier hebdomadaire)",
     "Maraîchage diversifié sur 3 ha, une cinquantaine de légumes dans l'année.", "Chaussy (95)",
     "Agriculture biologique certifiée, semences paysannes, engrais verts."),
    ("Les Poules de Marthe", "les-poules-de-marthe", "Œufs (tous les quinze jours)",
     "Six cents poules pondeuses en plein air, nourries avec les céréales de la ferme.", "Magny-en-Vexin (95)",
     "Plein air, parcours arborés, aliment produit sur place."),
    ("Fournil de la Vallée", "fournil-de-la-vallee", "Pain au levain (chaque semaine)",
     "Pain au levain naturel cuit au feu de bois, blés anciens moulus à la meule.", "Us (95)",
     "Blés paysans, farine bio moulue à la ferme."),
]


async def database_is_empty() -> bool:
    return not (await User.exists() or await Group.exists())


async def clear_database() -> None:
    await delete_all_rows()


async def load_demo(seed: int = 2009, today: date | None = None) -> dict[str, str]:
    """Create the demo world; returns the logins and their roles. One shared hash keeps it fast."""
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    password_hash = await hash_password(DEMO_PASSWORD)

    async with write_transaction():
        group_rows = await Group.insert(
            Group(name="AMAP des Lilas", slug="amap-des-lilas", city="Les Lilas", description=DESCRIPTION,
                  contact_email="contact@amap-des-lilas.example.org", language="fr", membership_fee_cents=1500)
        ).returning(Group.id)
        group_id = group_rows[0]["id"]
        await Place.insert(
            Place(group=group_id, name="Cour de l'école Jean-Jaurès", address="12 rue de Paris, 93260 Les Lilas",
                  weekday=3, starts_at=time(18, 30), ends_at=time(20, 0))
        )
        farm_ids = []
        for name, slug, production, description, address, practices in FARMS:
            rows = await Farm.insert(Farm(name=name, slug=slug, production=production, description=description,
                                          address=address, practices=practices)).returning(Farm.id)
            farm_ids.append(rows[0]["id"])
            await FarmSupply.insert(FarmSupply(farm=rows[0]["id"], group=group_id))
        network = await Network.insert(
            Network(name="Réseau Île-de-France", slug="reseau-idf",
                    description="Les AMAP, collectifs et producteurs paysans d'Île-de-France.")
        ).returning(Network.id)
        network_id = network[0]["id"]
        await NetworkGroup.insert(NetworkGroup(network=network_id, group=group_id))
        await NetworkFarm.insert(*[NetworkFarm(network=network_id, farm=farm_id) for farm_id in farm_ids])

        async def person(email: str, name: str, household_id: int | None = None) -> int:
            household_name = f"Foyer {name.split()[-1]}"
            return await create_user(email, name, None, household_id=household_id, household_name=household_name,
                                     password_hash=password_hash)

        async def household_of(user_id: int) -> int:
            return (await User.select(User.household).where(User.id == user_id).first())["household"]

        member = await person("member@example.org", "Camille Martin")
        await join_group(await household_of(member), group_id, None)
        await person("dominique.martin@example.org", "Dominique Martin", await household_of(member))
        coordinator = await person("coordinator@example.org", "Sacha Bernard")
        await join_group(await household_of(coordinator), group_id, None)
        await appoint_coordinator(group_id, coordinator, None, "Trésorerie et adhésions")
        farmer = await person("farmer@example.org", "Paul Lefèvre")
        await grant_farmer(farmer, farm_ids[0], None)
        for index, farm_id in enumerate(farm_ids[1:], start=1):
            await grant_farmer(await person(f"ferme{index}@example.org", fake.name()), farm_id, None)
        network_user = await person("network@example.org", "Inès Moreau")
        await NetworkCoordinator.insert(NetworkCoordinator(network=network_id, user=network_user))
        await create_user("admin@example.org", "Admin amap", None, password_hash=password_hash, is_admin=True)

        # The other households: about one in four has a second adult; two wait for acceptance.
        used_names = {"Martin", "Bernard", "Lefèvre", "Moreau"}
        for number in range(HOUSEHOLDS - 2):
            last_name = fake.last_name()
            while last_name in used_names:  # one "Foyer X" per family name on the sign-off sheet
                last_name = fake.last_name()
            used_names.add(last_name)
            first = fake.first_name()
            user_id = await person(f"foyer{number + 1:02d}@example.org", f"{first} {last_name}")
            household_id = await household_of(user_id)
            if rng.random() < 0.25:
                await person(f"foyer{number + 1:02d}b@example.org", f"{fake.first_name()} {last_name}", household_id)
            if number < HOUSEHOLDS - 4:
                await join_group(household_id, group_id, coordinator)
            else:
                await Membership.insert(Membership(household=household_id, group=group_id, status="pending"))
        second = await User.select(User.id).where(User.email == "foyer01@example.org").first()
        await appoint_coordinator(group_id, second["id"], coordinator, "Planning des permanences")

        members = await User.select(User.id, User.household).where(
            User.email.like("foyer%@example.org") & User.household.is_in(
                [m["household"] for m in await Membership.select(Membership.household).where(
                    (Membership.group == group_id) & (Membership.status == "active"))]
            )).order_by(User.id)
        first_adult: dict[int, int] = {}
        for row in members:
            first_adult.setdefault(row["household"], row["id"])
        households = [(user_id, household_id) for household_id, user_id in first_adult.items()]
        farms = await Farm.select(Farm.id, Farm.name).where(Farm.id.is_in(farm_ids)).order_by(Farm.id)
        await load_season(farms=farms, group_id=group_id, households=households,
                          member=(member, await household_of(member)), coordinator=coordinator,
                          today=today or local_today(), rng=rng)
        await sync_group(group_id)
        await load_distribution_days(group_id=group_id, member_household=await household_of(member),
                                     coordinator=coordinator, farmer=farmer, today=today or local_today(), rng=rng)
        await load_roster(group_id=group_id, member=(member, await household_of(member)), coordinator=coordinator,
                          households=households, today=today or local_today(), rng=rng)
        await load_orders(network_id=network_id, lilas_id=group_id, person=person, today=today or local_today(),
                          rng=rng)
    return LOGINS
