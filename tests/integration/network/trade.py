"""Building one-off trade for the network tests: products, windows, stops, orders (fixed dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from amap.distributions.tables import Distribution
from amap.orders.tables import Order, OrderLine, OrderWindow, Product, WindowProduct, WindowStop

OPENS = datetime(2027, 4, 1, 8, 0, tzinfo=UTC)
PLACED = datetime(2027, 4, 20, 9, 0, tzinfo=UTC)


async def product(farm: int, name: str, unit: str, price_cents: int, parts: list | None = None, **more) -> int:
    return (await Product.insert(Product(farm=farm, name=name, unit=unit, price_cents=price_cents,
                                         price_parts=parts or [], **more)).returning(Product.id))[0]["id"]


async def window(farm: int, *, network: int | None = None, title: str = "Commande de printemps") -> int:
    return (await OrderWindow.insert(OrderWindow(
        farm=farm, title=title, network=network, opens_at=OPENS, closes_at=datetime(2027, 4, 30, 20, 0, tzinfo=UTC),
        published_at=OPENS)).returning(OrderWindow.id))[0]["id"]


async def offered(window_id: int, product_id: int, price_cents: int, parts: list | None = None) -> int:
    return (await WindowProduct.insert(WindowProduct(window=window_id, product=product_id, price_cents=price_cents,
                                                     price_parts=parts or [])).returning(WindowProduct.id))[0]["id"]


async def stop(window_id: int, group: int, held_on: date | None, position: int = 0) -> int:
    distribution = None
    if held_on is not None:
        distribution = (await Distribution.insert(Distribution(
            group=group, held_on=held_on, starts_at=time(18, 30), ends_at=time(20, 0))).returning(Distribution.id)
        )[0]["id"]
    return (await WindowStop.insert(WindowStop(window=window_id, group=group, distribution=distribution,
                                               position=position)).returning(WindowStop.id))[0]["id"]


async def order(window_id: int, stop_id: int, household: int, lines: list[tuple[int, int, int]],
                status: str = "open", placed_at: datetime = PLACED) -> int:
    """An order with lines of (window product, quantity, unit price); its total is theirs."""
    total = sum(quantity * price for _wp, quantity, price in lines)
    order_id = (await Order.insert(Order(window=window_id, stop=stop_id, household=household, total_cents=total,
                                         status=status, placed_at=placed_at)).returning(Order.id))[0]["id"]
    await OrderLine.insert(*[OrderLine(order=order_id, window_product=wp, quantity=quantity, unit_price_cents=price,
                                       total_cents=quantity * price) for wp, quantity, price in lines])
    return order_id
