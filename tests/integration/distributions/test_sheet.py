"""The sign-off sheet: who collects what, hand-overs, ticks and their undoing (replayed safely),
closing, and who may open it."""

import re
from datetime import date

import pytest
import time_machine

from amap.contracts import lifecycle
from amap.contracts.tables import Offer, Subscription
from amap.distributions.calendar import sync_group
from amap.distributions.tables import Absence, CollectionEvent, Delivery, Distribution
from tests.integration.conftest import csrf_token, login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_absences import distribution_on, season
from tests.world import add_offer

# Thursday 8 April 2027, 19:00 in Lyon: the distribution is under way.
DISTRIBUTION_DAY = "2027-04-08 19:00 +02:00"


@pytest.fixture
def on_the_day():
    with time_machine.travel(DISTRIBUTION_DAY, tick=False):
        yield


async def eggs(world):
    """Eggs by the box, chosen date by date, on the first four Thursdays."""
    offer = await add_offer(world, deliveries=4, publish=False)
    await Offer.update({Offer.nature: "variable", Offer.name: "Œufs 2027"}).where(Offer.id == offer.offer)
    await lifecycle.publish(offer.offer, None)
    return offer


async def full_world(world):
    """Alice: a full share and 3 boxes of eggs on the 8th; Bob: two full shares; Carol and Paula
    alternate a half share (Carol on the 1st, Paula on the 8th, Carol on the 15th)."""
    vegetables = await season(world)  # Alice and Bob sign a full share
    await lifecycle.sign(request_for(world, vegetables, "carol", share=vegetables.half_share,
                                     co_household_id=world.households["paula"], sharing="alternate"))
    await Subscription.update({Subscription.quantity: 2}).where(Subscription.household == world.households["bob"])
    boxes = await eggs(world)
    await lifecycle.sign(request_for(world, boxes, "alice", quantities={date(2027, 4, 8): 3, date(2027, 4, 15): 1}))
    await sync_group(world.tilleuls)
    return vegetables


def lines_of(html: str) -> dict[str, str]:
    """Each line of the sheet by household name."""
    found = {}
    for chunk in html.split('data-testid="sheet-lines"')[1].split("</ol>")[0].split('data-testid="sheet-line"')[1:]:
        found[re.search(r'data-testid="line-name">([^<]*)<', chunk).group(1)] = chunk
    return found


def state_of(html: str, household: int) -> str:
    return re.search(rf'id="line-{household}"[^>]*data-state="(\w+)"', html).group(1)


async def open_sheet(client, day: date, who: str = "carol", query: str = ""):
    distribution = await distribution_on(day)
    await login(client, f"{who}@example.org")
    return distribution, await client.get(f"/distributions/{distribution['id']}/sheet{query}")


async def tick(client, distribution: dict, household: int, action: str = "collected", event_id: str = "",
               htmx: bool = True):
    """A line's button pressed: it posts its action as its name, its household as its value."""
    headers = {"HX-Request": "true", "x-csrftoken": csrf_token(client)} if htmx else {}
    return await post_form(client, f"/distributions/{distribution['id']}/sheet/ticks", {
        action: str(household), "client_event_id": event_id}, headers=headers)


def tick_form(html: str) -> tuple[str, dict[str, str], dict[int, tuple[str, str]]]:
    """The sheet's one form of ticks, as a browser without JavaScript reads it: its action, its
    hidden fields, and each line's button (name, value) by household."""
    form = re.search(r'<form method="post" action="([^"]+)" data-ticks[^>]*>(.*?)</form>', html, re.S)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
    buttons = {int(household): (name, value) for name, value, household in re.findall(
        r'<button type="submit" name="(\w+)" value="(\d+)" id="tick-(\d+)"', form.group(2))}
    return form.group(1), hidden, buttons


async def test_the_sheet_lists_what_each_household_collects_sorted_by_name(client, world, on_the_day):
    await full_world(world)
    distribution, page = await open_sheet(client, date(2027, 4, 8))
    assert page.status_code == 200
    assert 'href="/committee/tilleuls/roster?from=2027-04-08" data-testid="sheet-volunteers-link"' in page.text
    lines = lines_of(page.text)
    assert list(lines) == ["Alice", "Bob", "Paula"]  # Carol's week is the next one
    assert "Ferme des Tilleuls\xa0: <strong>Panier complet × 1</strong>" in lines["Alice"]
    assert "Panier complet × 3" in lines["Alice"]  # the eggs chosen for that date (same share names)
    assert "Panier complet × 2" in lines["Bob"]
    assert "Demi-panier × 1" in lines["Paula"]
    assert 'data-testid="count-collected">0<' in page.text and 'data-testid="count-expected">3<' in page.text


async def test_alternate_weeks_and_variable_quantities_follow_the_date(client, world):
    await full_world(world)
    with time_machine.travel("2027-04-15 19:00 +02:00", tick=False):
        _distribution, page = await open_sheet(client, date(2027, 4, 15))
    lines = lines_of(page.text)
    assert list(lines) == ["Alice", "Bob", "Carol"]
    assert "Demi-panier × 1" in lines["Carol"] and "× 1" in lines["Alice"] and "× 3" not in lines["Alice"]


async def test_a_contract_held_together_is_one_share_on_the_subscribers_line(client, world, on_the_day):
    vegetables = await season(world)
    await lifecycle.sign(request_for(world, vegetables, "carol", share=vegetables.half_share,
                                     co_household_id=world.households["paula"], sharing="together"))
    _distribution, page = await open_sheet(client, date(2027, 4, 8))
    lines = lines_of(page.text)
    assert "Demi-panier × 1" in lines["Carol"] and 'data-testid="tick"' in lines["Carol"]
    assert "Demi-panier" not in lines["Paula"] and 'data-testid="tick"' not in lines["Paula"]
    assert f'href="#line-{world.households["carol"]}"' in lines["Paula"].split('data-testid="line-shared-with"')[1]
    assert 'data-testid="count-expected">3<' in page.text  # Alice, Bob, Carol


async def test_a_catch_up_delivery_is_shown_on_the_day_it_is_made_up(client, world):
    vegetables = await season(world)  # Alice and Bob, a full share each
    first = await Delivery.objects().get((Delivery.offer == vegetables.offer) & (Delivery.due_on == date(2027, 4, 1)))
    await Delivery.update({Delivery.outcome: "cancelled", Delivery.cause: "Grêle"}).where(Delivery.id == first.id)
    fifteenth = await distribution_on(date(2027, 4, 15))
    await Delivery.insert(Delivery(offer=vegetables.offer, distribution=fifteenth["id"], due_on=date(2027, 4, 15),
                                   catch_up_for=first.id))
    with time_machine.travel("2027-04-15 19:00 +02:00", tick=False):
        _distribution, page = await open_sheet(client, date(2027, 4, 15))
        _first, cancelled = await open_sheet(client, date(2027, 4, 1))
    for line in lines_of(page.text).values():
        assert line.count("Panier complet × 1") == 2 and line.count("1 avr. 2027") == 1
    assert lines_of(cancelled.text) == {} and 'data-testid="sheet-cancelled-delivery"' in cancelled.text


async def test_a_hand_over_shows_on_both_lines_and_is_ticked_on_the_absent_households(client, world, on_the_day):
    await full_world(world)
    distribution = await distribution_on(date(2027, 4, 8))
    await Absence.insert(Absence(household=world.households["alice"], distribution=distribution["id"],
                                 choice="collector", collector_household=world.households["bob"]))
    _distribution, page = await open_sheet(client, date(2027, 4, 8))
    lines = lines_of(page.text)
    assert 'data-testid="line-absence"' in lines["Alice"] and "Bob" in lines["Alice"].split("line-absence")[1]
    assert 'data-testid="line-collects-for"' in lines["Bob"]
    assert f'href="#line-{world.households["alice"]}"' in lines["Bob"]
    assert 'data-testid="tick"' in lines["Alice"]
    assert 'data-testid="count-expected">3<' in page.text


async def test_a_guest_collector_is_found_by_the_search(client, world, on_the_day):
    await full_world(world)
    distribution = await distribution_on(date(2027, 4, 8))
    await Absence.insert(Absence(household=world.households["alice"], distribution=distribution["id"],
                                 choice="collector", collector_name="Jeanne Dupont"))
    _distribution, page = await open_sheet(client, date(2027, 4, 8), query="?q=jeanne")
    assert list(lines_of(page.text)) == ["Alice"] and "Jeanne Dupont" in page.text
    assert 'data-testid="count-expected">3<' in page.text  # the counts are the whole sheet's


async def test_donated_and_moved_shares_have_no_tick_box_and_are_not_expected(client, world, on_the_day):
    vegetables = await full_world(world)
    await Offer.update({Offer.shifts_allowed: 2}).where(Offer.id == vegetables.offer)
    distribution = await distribution_on(date(2027, 4, 8))
    await Absence.insert(
        Absence(household=world.households["alice"], distribution=distribution["id"], choice="shifted"),
        Absence(household=world.households["bob"], distribution=distribution["id"], choice="donated"))
    _distribution, page = await open_sheet(client, date(2027, 4, 8))
    lines = lines_of(page.text)
    assert 'data-testid="tick"' not in lines["Alice"] and 'data-testid="tick"' not in lines["Bob"]
    assert 'data-testid="line-absence"' in lines["Bob"]
    assert 'data-testid="count-expected">1<' in page.text  # Paula only


async def test_a_moved_share_comes_at_the_contracts_next_delivery(client, world):
    vegetables = await full_world(world)
    await Offer.update({Offer.shifts_allowed: 2}).where(Offer.id == vegetables.offer)
    eighth = await distribution_on(date(2027, 4, 8))
    await Absence.insert(Absence(household=world.households["alice"], distribution=eighth["id"], choice="shifted"))
    with time_machine.travel("2027-04-15 19:00 +02:00", tick=False):
        _distribution, page = await open_sheet(client, date(2027, 4, 15))
    alice = lines_of(page.text)["Alice"]
    # Vegetables and eggs of the 15th, and the vegetables of the 8th; the eggs (no moves) were donated.
    assert alice.count("Panier complet × 1") == 3 and alice.count("8 avr. 2027") == 1 and "× 3" not in alice


async def test_an_offered_share_shows_who_took_it(client, world, on_the_day):
    await full_world(world)
    distribution = await distribution_on(date(2027, 4, 8))
    await Absence.insert(Absence(household=world.households["alice"], distribution=distribution["id"],
                                 choice="offered", taken_by_household=world.households["carol"]),
                         Absence(household=world.households["bob"], distribution=distribution["id"], choice="offered"))
    _distribution, page = await open_sheet(client, date(2027, 4, 8))
    lines = lines_of(page.text)
    assert "Carol" in lines["Alice"].split("line-absence")[1] and 'data-testid="line-collects-for"' in lines["Carol"]
    assert 'data-testid="tick"' in lines["Bob"] and 'data-testid="tick"' not in lines["Carol"]
    assert 'data-testid="count-expected">3<' in page.text  # Bob's offered share waits at the desk


async def test_ticking_and_undoing_are_recorded_events_and_the_counts_follow(client, world, on_the_day):
    await full_world(world)
    distribution, _page = await open_sheet(client, date(2027, 4, 8))
    bob = world.households["bob"]
    ticked = await tick(client, distribution, bob, event_id="11111111-aaaa")
    assert ticked.status_code == 200
    assert state_of(ticked.text, bob) == "collected" and 'hx-swap-oob="innerHTML"' in ticked.text
    assert 'data-testid="count-collected">1<' in ticked.text and "<html" not in ticked.text
    assert ticked.text.lstrip().startswith(f'<li id="line-{bob}"')  # the ticked line only, swapped in place
    assert ticked.text.count('data-testid="sheet-line"') == 1
    # The closing loses Bob's fieldset and says one share fewer, without sending the others' again.
    assert f'<fieldset id="fate-{bob}" hx-swap-oob="delete">' in ticked.text
    assert 'id="closing-summary"' in ticked.text and 'data-testid="sheet-closing"' not in ticked.text
    assert 'data-testid="uncollected-line"' not in ticked.text
    undone = await tick(client, distribution, bob, "undone", event_id="22222222-bbbb")
    assert state_of(undone.text, bob) == "open" and 'data-testid="count-collected">0<' in undone.text
    # An undo puts the closing back whole, Bob's fieldset in its place.
    assert 'data-testid="sheet-closing"' in undone.text and f'id="fate-{bob}" class="sheet-fate"' in undone.text
    events = await CollectionEvent.select(CollectionEvent.action, CollectionEvent.recorded_by).order_by(
        CollectionEvent.id)
    assert [(e["action"], e["recorded_by"]) for e in events] == [("collected", world.users["carol"]),
                                                                ("undone", world.users["carol"])]


async def test_a_replayed_tick_is_recorded_once(client, world, on_the_day):
    await full_world(world)
    distribution, _page = await open_sheet(client, date(2027, 4, 8))
    alice = world.households["alice"]
    first = await tick(client, distribution, alice, event_id="0f9e8d7c-6b5a-4321-8765-43210fedcba9")
    again = await tick(client, distribution, alice, event_id="0f9e8d7c-6b5a-4321-8765-43210fedcba9")
    assert first.status_code == again.status_code == 200
    assert state_of(again.text, alice) == "collected" and 'data-testid="count-collected">1<' in again.text
    assert await CollectionEvent.count() == 1


async def test_a_replayed_tick_does_not_undo_a_later_one(client, world, on_the_day):
    await full_world(world)
    distribution, _page = await open_sheet(client, date(2027, 4, 8))
    alice = world.households["alice"]
    await tick(client, distribution, alice, event_id="first-tick")
    await tick(client, distribution, alice, "undone", event_id="then-undone")
    replay = await tick(client, distribution, alice, event_id="first-tick")
    assert state_of(replay.text, alice) == "open" and await CollectionEvent.count() == 2


async def test_a_tick_without_javascript_gets_an_id_and_returns_to_the_line(client, world, on_the_day):
    await full_world(world)
    distribution, _page = await open_sheet(client, date(2027, 4, 8))
    paula = world.households["paula"]
    response = await tick(client, distribution, paula, htmx=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/distributions/{distribution['id']}/sheet#line-{paula}"
    event = await CollectionEvent.objects().first()
    assert event.household == paula and len(event.client_event_id) == 36
    assert state_of((await client.get(response.headers["location"])).text, paula) == "collected"


async def test_the_lines_are_one_form_whose_buttons_post_a_plain_tick_and_its_undoing(client, world, on_the_day):
    await full_world(world)
    distribution, page = await open_sheet(client, date(2027, 4, 8), query="?q=paula")
    paula = world.households["paula"]
    assert page.text.count("data-ticks") == 1 and "<form" not in page.text.split('data-testid="sheet-lines"')[1].split(
        "</ol>")[0]
    action, hidden, buttons = tick_form(page.text)
    assert action == f"/distributions/{distribution['id']}/sheet/ticks" and set(hidden) == {"_csrf_token", "q"}
    assert buttons == {paula: ("collected", str(paula))}  # the search's one line
    for pressed, state in (("collected", "collected"), ("undone", "open")):
        response = await client.post(action, data={**hidden, pressed: str(paula)})  # no htmx, no header
        assert response.status_code == 303
        assert response.headers["location"] == f"/distributions/{distribution['id']}/sheet?q=paula#line-{paula}"
        page = await client.get(response.headers["location"])
        assert state_of(page.text, paula) == state
        action, hidden, buttons = tick_form(page.text)
        assert buttons[paula] == ("undone" if state == "collected" else "collected", str(paula))
    events = await CollectionEvent.select(CollectionEvent.household, CollectionEvent.action).order_by(CollectionEvent.id)
    assert [(e["household"], e["action"]) for e in events] == [(paula, "collected"), (paula, "undone")]


async def test_a_tick_with_the_two_fields_of_an_earlier_sheet_is_still_recorded(client, world, on_the_day):
    """A phone may still hold a sheet of before, whose ticks post `household` and `action`."""
    await full_world(world)
    distribution, _page = await open_sheet(client, date(2027, 4, 8))
    bob = world.households["bob"]
    response = await post_form(client, f"/distributions/{distribution['id']}/sheet/ticks", {
        "household": str(bob), "action": "collected", "client_event_id": "33333333-cccc"},
        headers={"HX-Request": "true", "x-csrftoken": csrf_token(client)})
    assert response.status_code == 200 and state_of(response.text, bob) == "collected"
    assert f'name="undone" value="{bob}" id="tick-{bob}"' in response.text


async def test_bad_ticks_change_nothing(client, world, on_the_day):
    await full_world(world)
    distribution, _page = await open_sheet(client, date(2027, 4, 8))
    url = f"/distributions/{distribution['id']}/sheet/ticks"
    alice, bob = world.households["alice"], world.households["bob"]
    assert (await post_form(client, url, {"household": str(alice), "action": "eaten"})).status_code == 400
    assert (await tick(client, distribution, alice, "eaten")).status_code == 400  # no such button
    assert (await post_form(client, url, {"collected": str(alice), "undone": str(bob)})).status_code == 400
    assert (await tick(client, distribution, world.households["alice"], event_id="'; drop")).status_code == 400
    assert (await tick(client, distribution, world.households["alice"], event_id="'; drop")).status_code == 400
    assert (await tick(client, distribution, world.households["erin"])).status_code == 404  # not on this sheet
    assert (await tick(client, distribution, world.households["carol"])).status_code == 404  # not this week
    assert await CollectionEvent.count() == 0


async def test_closing_marks_each_uncollected_share_donated_or_kept(client, world, on_the_day):
    await full_world(world)
    distribution, _page = await open_sheet(client, date(2027, 4, 8))
    alice, bob, paula = (world.households[who] for who in ("alice", "bob", "paula"))
    await tick(client, distribution, alice)
    page = (await client.get(f"/distributions/{distribution['id']}/sheet")).text
    listed = re.findall(r'data-testid="uncollected-line" data-household="(\d+)"', page)
    assert sorted(int(h) for h in listed) == sorted([bob, paula])
    url = f"/distributions/{distribution['id']}/sheet/close"
    refused = await post_form(client, url, {f"fate-{bob}": "donated"})
    assert refused.status_code == 400 and f'href="#fate-{paula}"' in refused.text
    assert (await Distribution.objects().get(Distribution.id == distribution["id"])).closed_at is None
    closed = await post_form(client, url, {f"fate-{bob}": "donated", f"fate-{paula}": "kept"})
    assert closed.status_code == 303
    row = await Distribution.objects().get(Distribution.id == distribution["id"])
    assert row.closed_at is not None and row.closed_by == world.users["carol"]
    events = {e["household"]: e["action"] for e in await CollectionEvent.select()}
    assert events == {alice: "collected", bob: "donated", paula: "kept"}
    page = (await client.get(f"/distributions/{distribution['id']}/sheet")).text
    assert 'data-testid="sheet-closed"' in page and 'data-testid="count-donated">1<' in page
    assert 'data-testid="count-kept">1<' in page
    again = await post_form(client, url, {})
    assert "flash-error" in (await client.get(again.headers["location"])).text
    assert await CollectionEvent.count() == 3


@pytest.mark.parametrize(("who", "status"), [("carol", 200), ("ada", 200), ("alice", 403), ("dan", 403),
                                             ("cyril", 404)])
async def test_the_sheet_is_for_the_groups_coordinators_only(client, world, on_the_day, who, status):
    await full_world(world)
    distribution, page = await open_sheet(client, date(2027, 4, 8), who=who)
    assert page.status_code == status
    if status != 200:
        assert (await tick(client, distribution, world.households["alice"])).status_code == status
        close = await post_form(client, f"/distributions/{distribution['id']}/sheet/close", {})
        assert close.status_code == status
        assert await CollectionEvent.count() == 0


async def test_the_current_sheet_is_todays_or_the_last_one(client, world):
    await full_world(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel("2027-04-10 10:00 +02:00", tick=False):
        await login(client, "carol@example.org")
        response = await client.get("/distributions/sheet?group=tilleuls")
        assert response.status_code == 303 and response.headers["location"] == f"/distributions/{eighth['id']}/sheet"
        assert (await client.get("/distributions/sheet?group=canal")).status_code == 404
    committee = await client.get("/committee")
    assert 'href="/distributions/sheet?group=tilleuls"' in committee.text


async def test_the_service_worker_is_served_for_the_distributions_scope(client):
    response = await client.get("/distributions/sheet-worker.js")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/distributions/"
    assert "addEventListener(\"fetch\"" in response.text
