"""Slots follow the roles and the calendar; the last place is never taken twice."""

import asyncio

import pytest

from amap.distributions.calendar import sync_group
from amap.roster.slots import sync_slots, take_place
from amap.roster.tables import RosterRole, Slot
from tests.world import add_offer, build_world


async def test_each_role_gets_a_slot_at_every_planned_distribution_once(world):
    await add_offer(world, deliveries=4)
    await sync_group(world.tilleuls)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=2),
                            RosterRole(group=world.tilleuls, name="Émargement", people_needed=1))
    assert await sync_slots(world.tilleuls) == 8
    assert await sync_slots(world.tilleuls) == 0
    assert {row["capacity"] for row in await Slot.select(Slot.capacity)} == {1, 2}


@pytest.mark.committed
async def test_twenty_volunteers_clicking_at_once_for_two_places_give_two_sign_ups():
    world = await build_world()
    await add_offer(world, deliveries=1)
    await sync_group(world.tilleuls)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=2))
    await sync_slots(world.tilleuls)
    slot = await Slot.objects().first()
    results = await asyncio.gather(*(take_place(slot.id) for _ in range(20)))
    assert results.count(True) == 2
    assert (await Slot.objects().get(Slot.id == slot.id)).taken == 2
