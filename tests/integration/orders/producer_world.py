"""The Ferme des Tilleuls' spring order window, built straight in the tables for the producer's tests.

Orders open on Saturday 1 May 2027 at 8:00 and close on Monday 10 May at 20:00 (Paris); they are
delivered on Thursday 13 May at each group's distribution. Orders are inserted directly (lines,
total, reservation), so these tests do not depend on the member's ordering pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from amap.distributions.tables import Distribution
from amap.farms.tables import FarmSupply
from amap.groups.tables import Place
from amap.orders.tables import Order, OrderLine, OrderWindow, Product, WindowProduct, WindowStop

PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> datetime:
    """A Paris wall-clock time, in UTC as every timestamp is stored (SQLite compares them as text)."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS).astimezone(UTC)


BEFORE = paris("2027-04-20 10:00")  # a Tuesday, before the window opens
OPENS = paris("2027-05-01 08:00")
DURING = paris("2027-05-05 12:00")
CLOSES = paris("2027-05-10 20:00")
AFTER = paris("2027-05-10 20:05")
DELIVERY = date(2027, 5, 13)
HONEY_PARTS = [{"category": "producer", "label": "travail de la ferme", "cents": 700},
               {"category": "transport", "label": "tournée", "cents": 200}]


@dataclass
class Shop:
    window: int
    products: dict[str, int]  # catalog ids: honey 9,00 €, juice 3,33 €, lamb 85,00 €
    items: dict[str, int]  # window products, same names
    stops: dict[int, int] = field(default_factory=dict)  # group -> stop
    distributions: dict[int, int] = field(default_factory=dict)  # group -> distribution


async def add_product(farm: int, name: str, unit: str, price: int, **more) -> int:
    rows = await Product.insert(Product(farm=farm, name=name, unit=unit, price_cents=price, **more)
                                ).returning(Product.id)
    return rows[0]["id"]


async def add_products(farm: int) -> dict[str, int]:
    return {
        "honey": await add_product(farm, "Miel de printemps", "pot de 500 g", 900, vat_rate_bp=550,
                                   price_parts=HONEY_PARTS),
        "juice": await add_product(farm, "Jus de pomme", "bouteille d'1 l", 333),
        "lamb": await add_product(farm, "Colis d'agneau", "colis de 5 kg", 8500),
    }


async def add_distribution(group: int, day: date = DELIVERY, starts: time = time(18, 30)) -> int:
    place = await Place.select(Place.id).where(Place.group == group).first()
    rows = await Distribution.insert(Distribution(group=group, place=place["id"] if place else None, held_on=day,
                                                  starts_at=starts, ends_at=time(20, 0))).returning(Distribution.id)
    return rows[0]["id"]


async def add_shop(world, *, groups: tuple[int, ...] | None = None, published: bool = True,
                   stocks: dict[str, int | None] | None = None) -> Shop:
    """The window with its three products and one stop per group, in the order given (the tour's)."""
    farm = world.farm_tilleuls
    products = await add_products(farm)
    window = (await OrderWindow.insert(OrderWindow(
        farm=farm, title="Printemps à la ferme", opens_at=OPENS, closes_at=CLOSES,
        published_at=BEFORE if published else None)).returning(OrderWindow.id))[0]["id"]
    prices = {"honey": 900, "juice": 333, "lamb": 8500}
    stocks = {"honey": 20, "juice": None, "lamb": 10} | (stocks or {})
    items = {}
    for name, product in products.items():
        items[name] = (await WindowProduct.insert(WindowProduct(
            window=window, product=product, price_cents=prices[name], stock=stocks[name],
            price_parts=HONEY_PARTS if name == "honey" else [])).returning(WindowProduct.id))[0]["id"]
    shop = Shop(window=window, products=products, items=items)
    for position, group in enumerate(groups or (world.tilleuls,), start=1):
        if not await FarmSupply.exists().where((FarmSupply.farm == farm) & (FarmSupply.group == group)):
            await FarmSupply.insert(FarmSupply(farm=farm, group=group))
        shop.distributions[group] = await add_distribution(group)
        shop.stops[group] = (await WindowStop.insert(WindowStop(
            window=window, group=group, distribution=shop.distributions[group], position=position,
            arrives_at=f"{16 + position}:45")).returning(WindowStop.id))[0]["id"]
    return shop


async def add_order(world, shop: Shop, who: str, quantities: dict[str, int], *, group: int | None = None,
                    status: str = "open") -> int:
    """An order as the member's side leaves it: lines at the window price, the exact total, the stock reserved."""
    prices = {row["id"]: row["price_cents"] for row in await WindowProduct.select(
        WindowProduct.id, WindowProduct.price_cents).where(WindowProduct.window == shop.window)}
    lines = [(shop.items[name], quantity, prices[shop.items[name]]) for name, quantity in quantities.items()]
    order = (await Order.insert(Order(
        window=shop.window, stop=shop.stops[group or world.tilleuls], household=world.households[who],
        placed_by=world.users[who], total_cents=sum(q * p for _, q, p in lines), status=status,
    )).returning(Order.id))[0]["id"]
    for item, quantity, price in lines:
        await OrderLine.insert(OrderLine(order=order, window_product=item, quantity=quantity, unit_price_cents=price,
                                         total_cents=quantity * price))
        if status != "cancelled":
            await WindowProduct.update({WindowProduct.reserved: WindowProduct.reserved + quantity}).where(
                WindowProduct.id == item)
    return order
