"""`/api/v1/networks` and `/api/v1/producers`: the public directory as JSON, for any token holder.

The same data as the public pages (amap/network/directory.py), behind a token like the rest of
the API: no person, no e-mail, a farm's town rather than its address.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get
from litestar.params import FromPath

from amap.errors import api_errors
from amap.lib.access import ensure, requires_login
from amap.network import directory


@dataclass
class GroupRef:
    name: str
    slug: str
    city: str


@dataclass
class NetworkRef:
    name: str
    slug: str


@dataclass
class MemberGroupOut(GroupRef):
    kind: str  # amap | collective | kitchen | restaurant


@dataclass
class ProducerOut:
    name: str
    slug: str
    production: str
    town: str
    groups: list[GroupRef]


@dataclass
class NetworkOut:
    name: str
    slug: str
    description: str
    groups: list[MemberGroupOut]
    producers: list[ProducerOut]


@dataclass
class CatalogPricePartOut:
    category: str  # producer | transport | group | network | tax ("" when unknown)
    label: str
    cents: int


@dataclass
class CatalogProductOut:
    name: str
    description: str
    unit: str
    price_cents: int
    packaging: int
    min_quantity: int
    price_parts: list[CatalogPricePartOut]


@dataclass
class ProducerDetailOut(ProducerOut):
    description: str
    practices: str
    networks: list[NetworkRef]
    products: list[CatalogProductOut]


def _producer(row: dict) -> ProducerOut:
    return ProducerOut(name=row["name"], slug=row["slug"], production=row["production"], town=row["town"],
                       groups=[GroupRef(**group) for group in row["groups"]])


async def _network(slug: str) -> tuple[dict, dict]:
    network = await directory.network_by_slug(slug)
    ensure(network is not None)
    return network, await directory.network_directory(network)


class ApiNetworkController(Controller):
    path = "/api/v1"
    guards = [requires_login]
    security = [{"BearerToken": []}]
    tags = ["network"]

    @get("/networks/{slug:str}", responses=api_errors(404),
         summary="A network's public directory: its member groups and producers")
    async def network(self, slug: FromPath[str]) -> NetworkOut:
        network, found = await _network(slug)
        return NetworkOut(name=network["name"], slug=network["slug"], description=network["description"],
                          groups=[MemberGroupOut(**group) for group in found["groups"]],
                          producers=[_producer(row) for row in found["producers"]])

    @get("/networks/{slug:str}/producers", responses=api_errors(404),
         summary="A network's producers, with the groups each supplies")
    async def producers(self, slug: FromPath[str]) -> list[ProducerOut]:
        _network_row, found = await _network(slug)
        return [_producer(row) for row in found["producers"]]

    @get("/producers/{slug:str}", responses=api_errors(404), summary="A producer's public profile and catalog")
    async def producer(self, slug: FromPath[str]) -> ProducerDetailOut:
        profile = await directory.producer_profile(slug)
        ensure(profile is not None)
        farm = profile["farm"]
        return ProducerDetailOut(
            name=farm["name"], slug=farm["slug"], production=farm["production"], town=farm["town"],
            groups=[GroupRef(**group) for group in profile["groups"]], description=farm["description"],
            practices=farm["practices"], networks=[NetworkRef(**network) for network in profile["networks"]],
            products=[CatalogProductOut(**{**product, "price_parts": [CatalogPricePartOut(**part) for part in product["price_parts"]]})
                      for product in profile["products"]],
        )
