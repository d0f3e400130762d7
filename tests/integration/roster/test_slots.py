"""Slots follow the roles and the calendar; the last place is never taken twice."""

import asyncio
from datetime import date, time

import pytest

from amap.distributions.calendar import sync_group
from amap.roster.slots import sync_slots, take_place
from amap.roster.tables import RosterRole, RosterTask, Slot
from tests.queries import counted_queries
from tests.world import add_offer, build_world


async def test_each_role_gets_a_slot_at_every_planned_distribution_once(world):
    await add_offer(world, deliveries=4)
    await sync_group(world.tilleuls)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=2),
                            RosterRole(group=world.tilleuls, name="Émargement", people_needed=1))
    assert await sync_slots(world.tilleuls) == 8
    assert await sync_slots(world.tilleuls) == 0
    assert {row["capacity"] for row in await Slot.select(Slot.capacity)} == {1, 2}



async def test_a_sync_with_nothing_missing_is_one_read_and_a_new_role_or_task_is_still_noticed(world):
    await add_offer(world, deliveries=2)
    await sync_group(world.tilleuls)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=1))
    assert await sync_slots(world.tilleuls) == 2
    with counted_queries() as queries:
        assert await sync_slots(world.tilleuls) == 0
    assert queries[0] == 1
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Émargement", people_needed=1))
    assert await sync_slots(world.tilleuls) == 2
    await RosterTask.insert(RosterTask(group=world.tilleuls, title="Chantier", held_on=date(2026, 10, 3),
                                       starts_at=time(9), ends_at=time(12)))
    assert await sync_slots(world.tilleuls) == 1
    assert await sync_slots(world.tilleuls) == 0


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


async def test_slots_of_a_cancelled_distribution_or_an_archived_role_are_neither_shown_nor_taken(client, world):
    import time_machine

    from amap.distributions.tables import Distribution
    from amap.lib.db import utcnow
    from tests.integration.conftest import login, post_form

    await add_offer(world, deliveries=2)
    await sync_group(world.tilleuls)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=2),
                            RosterRole(group=world.tilleuls, name="Vieux rôle", people_needed=1))
    await sync_slots(world.tilleuls)
    first = await Distribution.objects().where(Distribution.group == world.tilleuls).order_by(
        Distribution.held_on).first()
    await Distribution.update({Distribution.status: "cancelled"}).where(Distribution.id == first.id)
    await RosterRole.update({RosterRole.archived_at: utcnow()}).where(RosterRole.name == "Vieux rôle")
    cancelled = await Slot.objects().where(Slot.distribution == first.id).first()
    with time_machine.travel("2027-03-01 10:00 +01:00", tick=False):
        await login(client, "alice@example.org")
        page = await client.get("/roster")
        assert "Vieux rôle" not in page.text and f"/roster/slots/{cancelled.id}/take" not in page.text
        assert (await post_form(client, f"/roster/slots/{cancelled.id}/take")).status_code == 404
        await post_form(client, "/logout")
        await login(client, "carol@example.org")
        grid = await client.get("/committee/tilleuls/roster?from=2027-03-01")
        assert "Vieux rôle" not in grid.text and "1 avril" not in grid.text.split("<h1")[1]
