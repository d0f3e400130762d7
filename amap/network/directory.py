"""What anyone may know about networks and producers: shared by the public pages and the API.

Only what a group or a farm publishes about itself. No person, no e-mail, and of a farm's
address only its town: a small farm's address is often the farmer's home.
"""

from __future__ import annotations

import re
from collections import defaultdict

from amap.farms.tables import Farm, FarmSupply
from amap.lib import price_parts
from amap.network import members
from amap.network.tables import Network, NetworkFarm
from amap.orders.tables import Product

_POSTCODE_TOWN = re.compile(r"\b\d{4,5}\s+([^,\d]+?)\s*$")


def town_of(address: str) -> str:
    """The town of an address: what follows the postcode ("…, 69440 Mornant" → "Mornant"),
    else its last part when that holds no number (a street has one); else nothing."""
    address = address.strip()
    if match := _POSTCODE_TOWN.search(address):
        return match.group(1).strip()
    last = address.split(",")[-1].strip()
    return "" if any(char.isdigit() for char in last) else last


async def all_networks() -> list[dict]:
    return await Network.select(Network.name, Network.slug).order_by(Network.name)


async def network_by_slug(slug: str) -> dict | None:
    return await Network.select(Network.id, Network.name, Network.slug, Network.description).where(
        Network.slug == slug).first()


async def supplied_groups(farm_ids: list[int]) -> dict[int, list[dict]]:
    """The groups each farm supplies today, by name."""
    found: dict[int, list[dict]] = defaultdict(list)
    for row in await FarmSupply.select(
        FarmSupply.farm, FarmSupply.group.name.as_alias("name"), FarmSupply.group.slug.as_alias("slug"),
        FarmSupply.group.city.as_alias("city"),
    ).where(FarmSupply.farm.is_in(farm_ids or [-1]) & FarmSupply.ended_at.is_null()).order_by(FarmSupply.group.name):
        found[row.pop("farm")].append(row)
    return found


async def network_directory(network: dict) -> dict:
    """The network's member groups (name, town, kind) and producers (production, town, groups supplied)."""
    groups = [{"name": g["name"], "slug": g["slug"], "city": g["city"], "kind": g["kind"]}
              for g in await members.member_groups(network["id"])]
    farms = await members.member_farms(network["id"])
    supplies = await supplied_groups([farm["id"] for farm in farms])
    producers = [{"name": f["name"], "slug": f["slug"], "production": f["production"], "town": town_of(f["address"]),
                  "groups": supplies[f["id"]]} for f in farms]
    return {"groups": groups, "producers": producers}


async def producer_profile(slug: str) -> dict | None:
    """A farm's public profile, its catalog (products on sale, with their composition), the groups
    it supplies and the networks it belongs to; None when no farm has this slug."""
    farm = await Farm.select(Farm.id, Farm.name, Farm.slug, Farm.production, Farm.description, Farm.practices,
                             Farm.address).where(Farm.slug == slug).first()
    if farm is None:
        return None
    products = await Product.select(
        Product.name, Product.description, Product.unit, Product.price_cents, Product.packaging,
        Product.min_quantity, Product.price_parts,
    ).where((Product.farm == farm["id"]) & Product.archived_at.is_null()).order_by(Product.name)
    for product in products:
        product["price_parts"] = price_parts.parse(product["price_parts"])
    networks = await NetworkFarm.select(
        NetworkFarm.network.name.as_alias("name"), NetworkFarm.network.slug.as_alias("slug"),
    ).where((NetworkFarm.farm == farm["id"]) & NetworkFarm.left_at.is_null()).order_by(NetworkFarm.network.name)
    profile = {key: farm[key] for key in ("name", "slug", "production", "description", "practices")}
    return {"farm": {**profile, "town": town_of(farm["address"])}, "products": products,
            "groups": (await supplied_groups([farm["id"]]))[farm["id"]], "networks": networks}
