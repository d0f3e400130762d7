"""The committee's list of who is behind, 50 households a page, those behind first, searched by name or
e-mail, and a member's own count: both counted by the database exactly as `progress()` counts."""

from datetime import date

import pytest

from amap.contracts.tables import Subscription
from amap.lib.pagination import PAGE_SIZE
from amap.roster.obligations import household_progress, progress, standing_page, standing_summary
from amap.roster.tables import Obligation, Slot
from tests.integration.conftest import login
from tests.integration.households import add_household, add_households
from tests.integration.roster.test_committee_roster import BEFORE_SEASON, ROSTER, on_slot, roster
from tests.world import add_offer

OBLIGATIONS = {
    "none": [],
    "group-wide": [dict(shifts=3)],
    "per share": [dict(shifts=4), dict(shifts=2, share_type_name="Demi-panier"),
                  dict(shifts=5, share_type_name="Panier complet")],
    "per share only": [dict(shifts=1, share_type_name="Demi-panier")],
}


@pytest.mark.parametrize("kind", OBLIGATIONS)
@pytest.mark.parametrize("today", [date(2027, 4, 1), date(2027, 4, 16), date(2027, 10, 15)])
async def test_the_database_counts_each_households_shifts_as_progress_does(world, kind, today):
    with BEFORE_SEASON:
        slots = await roster(world)
    offer = await add_offer(world, deliveries=4)
    await Subscription.insert(
        Subscription(offer=offer.offer, offer_version=1, household=world.households["bob"],
                     offer_share=offer.half_share, status="active", price_cents=1000),
        Subscription(offer=offer.offer, offer_version=1, household=world.households["carol"],
                     offer_share=offer.half_share, status="active", price_cents=1000),
        Subscription(offer=offer.offer, offer_version=1, household=world.households["carol"],
                     offer_share=offer.full_share, status="active", price_cents=1700))
    old = (await Slot.insert(Slot(group=world.tilleuls, held_on=date(2026, 12, 3), capacity=2)).returning(Slot.id))[0]
    await on_slot(world, {"id": old["id"]}, "alice", "done")
    await on_slot(world, slots[0], "alice", "done")
    await on_slot(world, slots[1], "arthur", "no_show")
    await on_slot(world, slots[3], "alice", "signed")
    await on_slot(world, slots[2], "bob", "left")
    await on_slot(world, slots[2], "carol", "done")
    await on_slot(world, slots[3], "carol", "signed")
    for obligation in OBLIGATIONS[kind]:
        await Obligation.insert(Obligation(group=world.tilleuls, starts_on=date(2027, 3, 1), ends_on=date(2027, 9, 30),
                                           **obligation))
    households = [world.households[who] for who in ("alice", "bob", "carol")]
    expected = await progress(world.tilleuls, households, today)
    # The member's own pages read one household's, in all its groups, in one statement: the same count.
    assert {h: (await household_progress([world.tilleuls, world.canal], h, today))[world.tilleuls]
            for h in households} == expected
    rows, summary = await standing_page(world.tilleuls, today, limit=10)
    assert {row["household"]: row["progress"] for row in rows} == expected
    missing = [expected[h].missing for h in households]
    assert [row["progress"].missing for row in rows] == sorted(missing, reverse=True)  # those behind first
    assert await standing_summary(world.tilleuls, today) == {"households": 3,
                                                            "behind": sum(1 for m in missing if m)} == summary
    # A page of one carries the same summary; a page beyond the end reads it alone.
    assert (await standing_page(world.tilleuls, today, limit=1, offset=2))[1] == summary
    assert await standing_page(world.tilleuls, today, limit=1, offset=3) == ([], summary)


async def test_the_list_is_paged_searched_and_counts_those_behind_in_the_whole_group(client, world):
    client.headers["accept-language"] = "en"
    await add_households(world, world.tilleuls, 55)
    await add_household(world, "heloise", world.tilleuls, name="Héloïse Lefèvre", second_adult="Noël")
    await Obligation.insert(Obligation(group=world.tilleuls, starts_on=date(2027, 3, 1), ends_on=date(2027, 9, 30),
                                       shifts=1))
    with BEFORE_SEASON:
        slots = await roster(world)
        await on_slot(world, slots[0], "heloise")
        await login(client, world.email("carol"))
        first, second = await client.get(ROSTER), await client.get(f"{ROSTER}?page=2")
        found = await client.get(ROSTER, params={"q": "HELOISE"},
                                 headers={"hx-request": "true", "hx-target": "behind-list"})
        bad = await client.get(f"{ROSTER}?page=-1")
    assert first.text.count('<tr data-testid="behind-') == PAGE_SIZE
    assert second.text.count('<tr data-testid="behind-') == 59 - PAGE_SIZE
    assert f'data-testid="behind-{world.households["heloise"]}"' in second.text  # on track: last
    for page in (first, second):
        assert "58 households behind" in page.text
    assert found.text.lstrip().startswith('<div id="behind-list">')
    assert found.text.count('<tr data-testid="behind-') == 1 and "on track" in found.text
    assert bad.status_code == 400
