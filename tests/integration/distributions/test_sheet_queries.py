"""The sign-off sheet reads the database a fixed number of times, whatever the number of households."""

from datetime import date

import time_machine

from amap.accounts.services import create_user
from amap.accounts.tables import User
from amap.contracts import lifecycle
from amap.distributions.calendar import sync_group
from amap.distributions.tables import Absence, CollectionEvent, Distribution
from amap.groups.services import join_group
from tests.integration.conftest import login
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_sheet import tick
from tests.queries import counted_queries
from tests.world import add_offer


async def add_households(world, offer, first: int, last: int) -> list[int]:
    """Member households number first…last-1, each signing a full share."""
    households = []
    for number in range(first, last):
        user_id = await create_user(f"member{number}@example.org", f"Member {number:02d}", None, password_hash="x")
        household = (await User.select(User.household).where(User.id == user_id).first())["household"]
        await join_group(household, world.tilleuls, None)
        await lifecycle.sign(lifecycle.SignRequest(
            offer_id=offer.offer, household_id=household, user_id=user_id, offer_share_id=offer.full_share,
            tier="standard", quantity=1, payment_plan_id=offer.plan_one, today=date(2027, 3, 1)))
        households.append(household)
    return households


async def sheet_queries(client, distribution_id: int, household: int) -> tuple[int, int, int]:
    """Queries to open the sheet, to tick a line, and the sheet's number of lines."""
    with counted_queries() as opening:
        page = await client.get(f"/distributions/{distribution_id}/sheet")
    assert page.status_code == 200
    with counted_queries() as ticking:
        response = await tick(client, {"id": distribution_id}, household, event_id=f"tick-{household:08d}")
    assert response.status_code == 200
    return opening[0], ticking[0], page.text.count('data-testid="sheet-line"')


async def test_the_sheet_needs_as_many_queries_for_40_households_as_for_5(client, world):
    offer = await add_offer(world, capacity=60)
    await sync_group(world.tilleuls)
    await lifecycle.sign(request_for(world, offer, "alice", share=offer.half_share, sharing="alternate",
                                     co_household_id=world.households["bob"]))  # a contract in alternate weeks
    households = await add_households(world, offer, 0, 4)
    eighth = await Distribution.select(Distribution.id).where(Distribution.held_on == date(2027, 4, 8)).first()
    # The same kinds of lines in both sheets: a hand-over, a donated share, ticks and an undo.
    await Absence.insert(
        Absence(household=households[0], distribution=eighth["id"], choice="collector",
                collector_household=households[1]),
        Absence(household=households[2], distribution=eighth["id"], choice="donated"))
    await CollectionEvent.insert(
        CollectionEvent(distribution=eighth["id"], household=households[1], action="collected", client_event_id="a" * 8),
        CollectionEvent(distribution=eighth["id"], household=households[1], action="undone", client_event_id="b" * 8))

    with time_machine.travel("2027-04-08 19:00 +02:00", tick=False):
        await login(client, "carol@example.org")
        small = await sheet_queries(client, eighth["id"], households[3])
        more = await add_households(world, offer, 4, 39)
        large = await sheet_queries(client, eighth["id"], more[-1])

    assert (small[2], large[2]) == (5, 40)  # Bob's or Alice's week, four, then thirty-nine members
    assert small[:2] == large[:2], f"opening and ticking took {small[:2]} queries for 5 lines, {large[:2]} for 40"
