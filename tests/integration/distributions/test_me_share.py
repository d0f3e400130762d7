"""/me: the next real distribution of the member's groups and this week's share."""

from datetime import date, time

import time_machine

from amap.contracts import lifecycle
from amap.distributions import changes
from amap.distributions.tables import Announcement, Delivery
from amap.lib.db import utcnow
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_calendar_pages import distribution_on, season

# Monday 5 April 2027: the season started on Thursday 1 April; the next distribution is on the 8th.
EASTER_MONDAY = time_machine.travel("2027-04-05 10:00 +02:00", tick=False)


def next_block(html: str) -> str:
    return html.split('data-testid="next-distribution"')[1].split("</section>")[0]


async def test_me_shows_the_next_real_distribution_with_the_households_share(client, world):
    vegetables = await season(world)
    await lifecycle.sign(request_for(world, vegetables, "alice", quantity=2))
    eighth = await distribution_on(date(2027, 4, 8))
    delivery = await Delivery.objects().get(Delivery.distribution == eighth["id"])
    await Announcement.insert(
        Announcement(delivery=delivery.id, offer_share=vegetables.full_share, published_at=utcnow(),
                     items=[{"name": "Carottes", "quantity": 1, "unit": "kg"}], note="Premiers radis"),
        Announcement(delivery=delivery.id, offer_share=vegetables.half_share, published_at=utcnow(),
                     items=[{"name": "Navets du demi-panier", "quantity": 1, "unit": "kg"}]))
    await changes.change_time(eighth, time(19, 0), time(20, 30), "", world.users["carol"])
    with EASTER_MONDAY:
        await login(client, "alice@example.org")
        block = next_block((await client.get("/me")).text)
    assert "Jeudi 8 avril 2027" in block and "19:00" in block and "Cour AMAP des Tilleuls" in block
    assert f'href="/distributions/{eighth["id"]}"' in block
    assert f'data-testid="changes-{eighth["id"]}"' in block  # the new time is said as a change
    share = block.split('data-testid="this-week-share"')[1]
    assert "Panier complet × 2" in share and "Carottes" in share and "Premiers radis" in share
    assert "Navets du demi-panier" not in share  # another share type's contents


async def test_a_household_without_a_contract_that_day_is_told_so(client, world):
    await season(world)
    with EASTER_MONDAY:
        await login(client, "bob@example.org")
        block = next_block((await client.get("/me")).text)
    assert "Jeudi 8 avril 2027" in block and 'data-testid="collects-nothing"' in block


async def test_a_cancelled_distribution_is_skipped_and_announced(client, world):
    vegetables = await season(world)
    await lifecycle.sign(request_for(world, vegetables, "alice"))
    eighth = await distribution_on(date(2027, 4, 8))
    await changes.cancel(eighth, "Cour inondée", world.users["carol"])
    with EASTER_MONDAY:
        await login(client, "alice@example.org")
        block = next_block((await client.get("/me")).text)
    assert "Jeudi 15 avril 2027" in block
    assert 'data-testid="cancelled-distribution"' in block and f'href="/distributions/{eighth["id"]}"' in block


async def test_the_next_distribution_starts_from_today_in_the_groups_time(client, world):
    await season(world)
    # 23:30 in London on Thursday 8 April is already Friday 9 in Paris: the 8th is past.
    with time_machine.travel("2027-04-08 22:30 +00:00", tick=False):
        await login(client, "alice@example.org")
        assert "Jeudi 15 avril 2027" in next_block((await client.get("/me")).text)
    with time_machine.travel("2027-04-08 21:30 +00:00", tick=False):  # 23:30 in Paris, still the 8th
        assert "Jeudi 8 avril 2027" in next_block((await client.get("/me")).text)


async def test_alternate_weeks_on_me(client, world):
    vegetables = await season(world)
    await lifecycle.sign(request_for(world, vegetables, "alice", co_household_id=world.households["bob"],
                                     sharing="alternate"))
    with EASTER_MONDAY:  # the 8th is the contract's second delivery: Bob's household's week
        await login(client, "bob@example.org")
        share = next_block((await client.get("/me")).text).split('data-testid="this-week-share"')[1]
        assert "Panier complet × 1" in share
        await post_form(client, "/logout")
        await login(client, "alice@example.org")
        share = next_block((await client.get("/me")).text).split('data-testid="this-week-share"')[1]
        assert 'data-testid="other-week-' in share and "Panier complet × 1" not in share


async def test_without_a_calendar_me_falls_back_to_the_places_usual_day(client, world):
    with EASTER_MONDAY:  # no contract published: no distribution yet
        await login(client, "alice@example.org")
        block = next_block((await client.get("/me")).text)
    assert "Jeudi 8 avril 2027" in block and "18:30" in block and "Cour AMAP des Tilleuls" in block
    assert 'data-testid="this-week-share"' not in block
