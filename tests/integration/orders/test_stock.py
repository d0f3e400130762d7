"""Stock is never oversold when many households of several groups order at the same moment, each in
its own transaction."""

import asyncio

import pytest

from amap.accounts.services import create_user
from amap.accounts.tables import User
from amap.groups.services import join_group
from amap.orders.ordering import StockShort, place_order
from amap.orders.tables import Order, OrderLine, WindowProduct
from tests.integration.orders.test_ordering import DURING, add_window
from tests.world import build_world


@pytest.mark.committed
async def test_thirty_households_of_two_groups_ordering_at_once_get_exactly_the_ten_in_stock():
    world = await build_world()
    shop = await add_window(world, groups=(world.tilleuls, world.canal), honey_stock=10)
    households = []
    for number in range(30):
        user_id = await create_user(f"rush{number}@example.org", f"Rush {number}", None, password_hash="x")
        household = (await User.select(User.household).where(User.id == user_id).first())["household"]
        await join_group(household, world.tilleuls if number % 2 else world.canal, None)
        households.append((user_id, household))

    async def order(user_id: int, household_id: int) -> str:
        try:
            await place_order(shop.window, household_id, user_id, {shop.honey: 1, shop.juice: 6}, DURING)
        except StockShort as short:
            assert list(short.errors) == [shop.honey]
            return "short"
        return "placed"

    outcomes = await asyncio.gather(*(order(user_id, household_id) for user_id, household_id in households))
    assert outcomes.count("placed") == 10 and outcomes.count("short") == 20
    honey = await WindowProduct.select().where(WindowProduct.id == shop.honey).first()
    assert honey["reserved"] == 10
    # Nothing of a refused order stays: not its unlimited juice either.
    juice = await WindowProduct.select().where(WindowProduct.id == shop.juice).first()
    assert juice["reserved"] == 60
    assert await Order.count() == 10 and await OrderLine.count() == 20
    served = {row["stop"] for row in await Order.select(Order.stop)}
    assert served <= set(shop.stops.values())


@pytest.mark.committed
async def test_one_household_placing_its_first_order_twice_at_once_gets_one_order_reserved_once():
    world = await build_world()
    shop = await add_window(world, honey_stock=10)
    household, user = world.households["alice"], world.users["alice"]
    await asyncio.gather(*(place_order(shop.window, household, user, {shop.honey: 3}, DURING) for _ in range(5)))
    assert await Order.count() == 1
    honey = await WindowProduct.select().where(WindowProduct.id == shop.honey).first()
    assert honey["reserved"] == 3
