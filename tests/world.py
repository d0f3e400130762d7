"""One small fixed world to test against: two groups, two farms, a network and their people.

Tilleuls (the main group): Alice (member, with Arthur in her household), Bob (member),
Carol (coordinator), Paula (pending). Canal (another group): Erin (member), Cyril
(coordinator). Dan farms for Tilleuls; Fanny farms for Canal. Nina coordinates the network
that holds Tilleuls. Ada is the site administrator. Every password is PASSWORD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from amap.accounts.services import create_user
from amap.accounts.tables import User
from amap.farms.tables import Farm, Farmer, FarmSupply
from amap.groups.services import appoint_coordinator, join_group
from amap.groups.tables import Group, Membership, Place
from amap.lib.security import hash_password
from amap.network.tables import Network, NetworkCoordinator, NetworkFarm, NetworkGroup

PASSWORD = "correct horse battery"


@dataclass
class World:
    tilleuls: int
    canal: int
    farm_tilleuls: int
    farm_canal: int
    network: int
    users: dict[str, int]
    households: dict[str, int]
    memberships: dict[str, int]

    def email(self, who: str) -> str:
        return f"{who}@example.org"


async def build_world() -> World:
    password_hash = await hash_password(PASSWORD)

    async def group(name: str, slug: str) -> int:
        rows = await Group.insert(Group(name=name, slug=slug, city="Lyon", description=f"{name}, since 2010.",
                                        contact_email=f"contact@{slug}.example.org")).returning(Group.id)
        await Place.insert(Place(group=rows[0]["id"], name=f"Cour {name}", address="1 place du Marché",
                                 weekday=3, starts_at=time(18, 30), ends_at=time(20, 0)))
        return rows[0]["id"]

    async def farm(name: str, slug: str, group_id: int) -> int:
        rows = await Farm.insert(Farm(name=name, slug=slug, production="vegetables")).returning(Farm.id)
        await FarmSupply.insert(FarmSupply(farm=rows[0]["id"], group=group_id))
        return rows[0]["id"]

    tilleuls = await group("AMAP des Tilleuls", "tilleuls")
    canal = await group("AMAP du Canal", "canal")
    farm_tilleuls = await farm("Ferme des Tilleuls", "ferme-tilleuls", tilleuls)
    farm_canal = await farm("Ferme du Canal", "ferme-canal", canal)
    users: dict[str, int] = {}
    households: dict[str, int] = {}
    for who in ("alice", "bob", "carol", "paula", "erin", "cyril", "dan", "fanny", "nina", "ada"):
        users[who] = await create_user(f"{who}@example.org", who.capitalize(), None, password_hash=password_hash,
                                       is_admin=who == "ada")
        households[who] = (await User.select(User.household).where(User.id == users[who]).first())["household"]
    users["arthur"] = await create_user("arthur@example.org", "Arthur", None, password_hash=password_hash,
                                        household_id=households["alice"])
    households["arthur"] = households["alice"]
    for who, group_id in (("alice", tilleuls), ("bob", tilleuls), ("carol", tilleuls), ("erin", canal),
                          ("cyril", canal)):
        await join_group(households[who], group_id, None)
    await Membership.insert(Membership(household=households["paula"], group=tilleuls, status="pending"))
    memberships = {
        row["household"]: row["id"] for row in await Membership.select(Membership.id, Membership.household)
    }
    await appoint_coordinator(tilleuls, users["carol"], None, "treasurer")
    await appoint_coordinator(canal, users["cyril"], None)
    await Farmer.insert(Farmer(user=users["dan"], farm=farm_tilleuls), Farmer(user=users["fanny"], farm=farm_canal))
    network = (await Network.insert(Network(name="Réseau Rhône", slug="rhone")).returning(Network.id))[0]["id"]
    await NetworkGroup.insert(NetworkGroup(network=network, group=tilleuls))
    await NetworkFarm.insert(NetworkFarm(network=network, farm=farm_tilleuls))
    await NetworkCoordinator.insert(NetworkCoordinator(network=network, user=users["nina"]))
    return World(
        tilleuls=tilleuls, canal=canal, farm_tilleuls=farm_tilleuls, farm_canal=farm_canal, network=network,
        users=users, households=households,
        memberships={who: memberships[households[who]] for who in households if households[who] in memberships},
    )


@dataclass
class OfferWorld:
    offer: int
    full_share: int
    half_share: int
    plan_one: int
    plan_five: int


async def add_offer(world: World, *, capacity: int = 20, half_capacity: int = 2, opens_on=None,
                    deliveries: int = 26, publish: bool = True) -> OfferWorld:
    """The Tilleuls' vegetable contract for 2027: 26 Thursdays from April, full and half shares
    with three price tiers, paid in one cheque or five."""
    from datetime import date, timedelta

    from amap.contracts import lifecycle
    from amap.contracts.tables import Offer, OfferDelivery, OfferPrice, OfferShare, PaymentPlan, ShareType

    first = date(2027, 4, 1)
    offer = (await Offer.insert(Offer(
        farm=world.farm_tilleuls, group=world.tilleuls, name="Légumes 2027", starts_on=first,
        ends_on=first + timedelta(weeks=deliveries), signup_opens_on=opens_on or date(2027, 2, 1),
        signup_closes_on=date(2027, 9, 30), charter="Nous partageons les risques de la récolte.",
        missed_delivery_rule="catch_up")).returning(Offer.id))[0]["id"]
    await OfferDelivery.insert(*[OfferDelivery(offer=offer, delivers_on=first + timedelta(weeks=n))
                                 for n in range(deliveries)])
    shares = []
    for name, price, places in (("Panier complet", 1700, capacity), ("Demi-panier", 1000, half_capacity)):
        share_type = (await ShareType.insert(ShareType(farm=world.farm_tilleuls, name=name, price_cents=price)
                                             ).returning(ShareType.id))[0]["id"]
        share = (await OfferShare.insert(OfferShare(offer=offer, share_type=share_type, capacity=places)
                                         ).returning(OfferShare.id))[0]["id"]
        await OfferPrice.insert(OfferPrice(offer_share=share, tier="reduced", price_cents=price - 400),
                                OfferPrice(offer_share=share, tier="standard", price_cents=price),
                                OfferPrice(offer_share=share, tier="solidarity", price_cents=price + 400))
        shares.append(share)
    plans = []
    for count in (1, 5):
        plans.append((await PaymentPlan.insert(PaymentPlan(
            offer=offer, installments=count, first_due_on=date(2027, 4, 5), method="cheque",
            payee="Ferme des Tilleuls")).returning(PaymentPlan.id))[0]["id"])
    if publish:
        await lifecycle.publish(offer, None)
    return OfferWorld(offer=offer, full_share=shares[0], half_share=shares[1], plan_one=plans[0], plan_five=plans[1])
