"""A request runs its queries on one connection (amap.lib.connections), and it behaves as one per query did.

These tests run outside the per-test transaction (`committed`): inside it, every query joins the
test's own transaction and no connection is ever taken."""

from __future__ import annotations

import asyncio

import pytest

from amap.accounts.tables import Household
from amap.groups.tables import Group
from amap.lib import connections
from amap.lib.connections import holding_connection
from amap.lib.db import engine, write_transaction
from amap.lib.prepared import prepared
from tests.integration.conftest import login
from tests.world import build_world

GROUP_NAMES = prepared(lambda ids: Group.select(Group.name).where(Group.id.is_in(ids)))


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every connection the engine takes for a held connection, in order."""
    taken: list = []
    db = engine()
    take = db.take_connection

    async def counting_take():
        connection = await take()
        taken.append(connection)
        return connection

    monkeypatch.setattr(db, "take_connection", counting_take)
    return taken


@pytest.mark.committed
async def test_plain_prepared_and_raw_queries_and_a_transaction_all_run_on_the_one_connection(taken):
    world = await build_world()
    async with holding_connection() as held:
        await Group.select(Group.id).where(Group.id == world.tilleuls)
        await GROUP_NAMES(ids=[world.tilleuls, world.canal])
        await Group.raw("SELECT id FROM amap_group WHERE id = {}", world.canal)
        async with write_transaction() as transaction:
            assert transaction.connection is held.connection
            await Household.insert(Household(name="Foyer Held"))
        await Household.count()
        assert len(taken) == 1 and held.connection is taken[0]
    assert held.connection is None  # given back at the end of the block
    # What the transaction wrote was committed: another connection reads it.
    assert await Household.exists().where(Household.name == "Foyer Held")


@pytest.mark.committed
async def test_a_failed_transaction_on_the_held_connection_rolls_back_and_the_connection_goes_on(taken):
    await build_world()
    async with holding_connection():
        with pytest.raises(RuntimeError):
            async with write_transaction():
                await Household.insert(Household(name="Foyer Rolled Back"))
                raise RuntimeError("refused")
        assert not await Household.exists().where(Household.name == "Foyer Rolled Back")
        # A write outside any transaction commits on its own, as it did on a connection of its own.
        await Household.insert(Household(name="Foyer Autocommit"))
    assert len(taken) == 1
    assert await Household.exists().where(Household.name == "Foyer Autocommit")
    assert not await Household.exists().where(Household.name == "Foyer Rolled Back")


@pytest.mark.committed
async def test_a_page_takes_one_connection_for_all_its_queries_and_gives_it_back(client, taken, monkeypatch):
    world = await build_world()
    await login(client, world.email("alice"))
    given_back = []
    give_back = engine().give_back

    async def recording_give_back(connection):
        given_back.append(connection)
        await give_back(connection)

    monkeypatch.setattr(engine(), "give_back", recording_give_back)
    taken.clear()
    response = await client.get("/me")
    assert response.status_code == 200 and "Alice" in response.text
    # The session, the principal and a dozen reads of the page: one connection, given back.
    assert len(taken) == 1 and given_back == taken
    assert connections._held.get() is None


@pytest.mark.committed
async def test_more_requests_at_once_than_pooled_connections_all_finish(client):
    """Each request holds at most one connection, so requests queue for the pool and none waits for
    a second connection while holding a first (which, with the pool exhausted, would never come)."""
    world = await build_world()
    await login(client, world.email("alice"))
    answers = await asyncio.wait_for(asyncio.gather(*(client.get("/me") for _ in range(40))), timeout=60)
    assert [answer.status_code for answer in answers] == [200] * 40
