"""The member's roster: taking and leaving a slot, swaps after the deadline, obligations, /me and the feed."""

import asyncio
from datetime import date

import httpx
import pytest
import time_machine
from icalendar import Calendar

from amap.distributions.calendar import sync_group
from amap.groups.services import join_group
from amap.home.feed import replace_token
from amap.roster import signups
from amap.roster.slots import sync_slots
from amap.roster.tables import Obligation, RosterRole, Signup, Slot, SwapOffer
from tests.integration.conftest import login, post_form
from tests.world import add_offer, build_world

# Monday 12 April 2027: the Thursday-15 shifts (18:30) may still be left until Monday 18:30 (72 hours).
MONDAY = time_machine.travel("2027-04-12 10:00 +02:00", tick=False)
# Tuesday 13 April: too late to leave the Thursday-15 shifts, only a swap is possible.
TUESDAY = time_machine.travel("2027-04-13 10:00 +02:00", tick=False)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def monday():
    with MONDAY:
        yield


async def roster(world, *, installation: int = 2, sign_off: int = 0) -> dict[tuple[date, str], int]:
    """Four Thursdays from 1 April 2027 with their roles' slots, by (day, role)."""
    await add_offer(world, deliveries=4)
    await sync_group(world.tilleuls)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=installation))
    if sign_off:
        await RosterRole.insert(RosterRole(group=world.tilleuls, name="Émargement", people_needed=sign_off))
    await sync_slots(world.tilleuls)
    return {(row["held_on"], row["role.name"]): row["id"] for row in await Slot.select(
        Slot.id, Slot.held_on, Slot.role.name)}


async def sign(world, who: str, slot_id: int, status: str = "signed") -> int:
    """Someone already on a slot (as a coordinator would have put them)."""
    await Slot.update({Slot.taken: Slot.taken + 1}).where(Slot.id == slot_id)
    return (await Signup.insert(Signup(slot=slot_id, user=world.users[who], household=world.households[who],
                                       status=status)).returning(Signup.id))[0]["id"]


async def taken(slot_id: int) -> int:
    return (await Slot.select(Slot.taken).where(Slot.id == slot_id).first())["taken"]


async def test_open_slots_come_soonest_then_emptiest_with_who_is_on_them(client, world, monday):
    slots = await roster(world, installation=2, sign_off=1)
    await sign(world, "bob", slots[(date(2027, 4, 22), "Installation")])
    await login(client, "alice@example.org")
    page = (await client.get("/roster")).text
    table = page.split('data-testid="open-slots"')[1]
    order = [slots[(date(2027, 4, 15), "Installation")], slots[(date(2027, 4, 15), "Émargement")],
             slots[(date(2027, 4, 22), "Installation")], slots[(date(2027, 4, 22), "Émargement")]]
    positions = [table.index(f'<tr id="slot-{slot_id}"') for slot_id in order]
    assert positions == sorted(positions)
    assert f'id="slot-{slots[(date(2027, 4, 8), "Installation")]}"' not in table  # over
    bob_row = table.split(f'<tr id="slot-{order[2]}"')[1].split("</tr>")[0]
    assert "Bob" in bob_row and 'data-testid="slot-free-' in bob_row
    assert 'data-testid="nav-roster" aria-current="page"' in page


async def test_member_takes_a_slot_with_one_click_and_the_row_is_swapped_in_place(client, world, monday):
    slots = await roster(world)
    slot_id = slots[(date(2027, 4, 15), "Installation")]
    await login(client, "alice@example.org")
    response = await post_form(client, f"/roster/slots/{slot_id}/take", headers=HTMX, page="/roster")
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="slot-{slot_id}"') and "<h1>" not in response.text
    assert f'data-testid="leave-{slot_id}"' in response.text and "Alice" in response.text
    assert response.headers["hx-trigger"] == "roster-changed"
    assert await taken(slot_id) == 1
    signup = await Signup.objects().get(Signup.slot == slot_id)
    assert (signup.user, signup.household, signup.status) == (world.users["alice"], world.households["alice"], "signed")
    again = await post_form(client, f"/roster/slots/{slot_id}/take")  # without JavaScript
    assert again.status_code == 303 and await taken(slot_id) == 1  # already on it: refused
    mine = (await client.get("/roster")).text.split('data-testid="my-shifts"')[1].split("</section>")[0]
    assert f'data-testid="my-shift-{signup.id}"' in mine
    assert (await client.get("/roster", headers=HTMX)).text.lstrip().startswith('<section id="my-shifts"')


async def test_the_last_place_taken_a_moment_ago_gives_a_clear_message(client, world, monday):
    slots = await roster(world, installation=1)
    slot_id = slots[(date(2027, 4, 15), "Installation")]
    await sign(world, "bob", slot_id)
    await login(client, "alice@example.org")
    response = await post_form(client, f"/roster/slots/{slot_id}/take", headers=HTMX, page="/roster")
    assert response.status_code == 200
    assert 'class="flash flash-error" data-testid="slot-message-' in response.text
    assert await taken(slot_id) == 1
    assert not await Signup.exists().where(Signup.user == world.users["alice"])


async def test_member_leaves_before_the_deadline_and_the_place_is_free_again(client, world, monday):
    slots = await roster(world)
    slot_id = slots[(date(2027, 4, 15), "Installation")]
    signup_id = await sign(world, "alice", slot_id)
    await login(client, "alice@example.org")
    response = await post_form(client, f"/roster/signups/{signup_id}/leave", headers=HTMX, page="/roster")
    assert response.status_code == 200 and f'data-testid="take-{slot_id}"' in response.text
    signup = await Signup.objects().get(Signup.id == signup_id)
    assert signup.status == "left" and signup.ended_at is not None
    assert await taken(slot_id) == 0
    assert (await post_form(client, f"/roster/signups/{signup_id}/leave")).status_code == 404  # already left


async def test_after_the_deadline_leaving_is_refused_and_a_swap_is_offered_instead(client, world):
    with MONDAY:
        slots = await roster(world)
    slot_id = slots[(date(2027, 4, 15), "Installation")]
    signup_id = await sign(world, "alice", slot_id)
    with TUESDAY:
        await login(client, "alice@example.org")
        page = (await client.get("/roster")).text
        assert f'data-testid="swap-{slot_id}"' in page and f'data-testid="leave-{slot_id}"' not in page
        refused = await post_form(client, f"/roster/signups/{signup_id}/leave", headers=HTMX)
        assert refused.status_code == 200 and 'data-testid="slot-message-' in refused.text
        assert (await Signup.objects().get(Signup.id == signup_id)).status == "signed"
        offered = await post_form(client, f"/roster/signups/{signup_id}/swap")
        assert offered.status_code == 303
        await post_form(client, f"/roster/signups/{signup_id}/swap")  # twice: still one offer
    assert await SwapOffer.count() == 1
    assert await taken(slot_id) == 1


async def test_another_member_takes_the_swap_once_and_the_one_who_offered_it_is_told(client, world, outbox):
    with MONDAY:
        slots = await roster(world)
    slot_id = slots[(date(2027, 4, 15), "Installation")]
    signup_id = await sign(world, "bob", slot_id)
    with TUESDAY:
        swap_id = await signups.offer_swap(await Signup.select().where(Signup.id == signup_id).first(),
                                           await signups.slot(slot_id))
        await login(client, "alice@example.org")
        assert f'data-testid="swap-{swap_id}"' in (await client.get("/roster")).text
        response = await post_form(client, f"/roster/swaps/{swap_id}/take")
        assert response.status_code == 303
        with pytest.raises(signups.Full):
            await signups.take_swap(swap_id, world.users["carol"], world.households["carol"])
    assert (await Signup.objects().get(Signup.id == signup_id)).status == "swapped"
    alice = await Signup.objects().get(Signup.user == world.users["alice"])
    assert (alice.slot, alice.status) == (slot_id, "signed")
    assert await taken(slot_id) == 1 and await Signup.count().where(Signup.slot == slot_id) == 2
    told = await outbox.messages(kind="swap_taken")
    assert [(mail.to, mail.key) for mail in told] == [("bob@example.org", f"swap_taken:{swap_id}")]
    assert "Alice" in told[0].text  # who took it


async def test_a_member_cannot_leave_or_swap_another_members_sign_up(client, world, monday):
    slots = await roster(world)
    slot_id = slots[(date(2027, 4, 15), "Installation")]
    bobs = await sign(world, "bob", slot_id)
    await login(client, "alice@example.org")
    assert (await post_form(client, f"/roster/signups/{bobs}/leave", page="/roster")).status_code == 404
    assert (await post_form(client, f"/roster/signups/{bobs}/swap")).status_code == 404
    assert (await Signup.objects().get(Signup.id == bobs)).status == "signed"


async def test_a_member_of_another_group_cannot_take_the_slot(client, world, monday):
    slots = await roster(world)
    await login(client, "erin@example.org")
    slot_id = slots[(date(2027, 4, 15), "Installation")]
    assert (await post_form(client, f"/roster/slots/{slot_id}/take", page="/roster")).status_code == 404
    assert await taken(slot_id) == 0


async def test_obligations_count_confirmed_shifts_and_coming_ones_of_the_household(client, world, monday):
    slots = await roster(world, installation=2, sign_off=1)
    await Obligation.insert(Obligation(group=world.tilleuls, starts_on=date(2027, 4, 1), ends_on=date(2027, 9, 30),
                                       shifts=3))
    await sign(world, "alice", slots[(date(2027, 4, 1), "Installation")], "done")
    await sign(world, "alice", slots[(date(2027, 4, 8), "Installation")], "no_show")
    await sign(world, "arthur", slots[(date(2027, 4, 22), "Émargement")])  # same household
    await sign(world, "bob", slots[(date(2027, 4, 8), "Émargement")], "done")
    [progress] = await signups.obligations([world.tilleuls], world.households["alice"], date(2027, 4, 12))
    assert (progress["owed"], progress["done"], progress["coming"], progress["no_shows"]) == (3, 1, 1, 1)
    assert progress["behind"]
    await sign(world, "alice", slots[(date(2027, 4, 15), "Installation")])
    [progress] = await signups.obligations([world.tilleuls], world.households["alice"], date(2027, 4, 12))
    assert (progress["done"], progress["coming"], progress["behind"]) == (1, 2, False)
    assert await signups.obligations([world.tilleuls], world.households["alice"], date(2027, 10, 1)) == []
    await login(client, "alice@example.org")
    assert 'data-testid="obligation-behind"' not in (await client.get("/roster")).text
    await login(client, "bob@example.org")
    page = (await client.get("/roster")).text
    assert 'data-testid="obligation-behind"' in page


async def test_me_shows_the_households_coming_shifts_and_a_link_to_the_roster(client, world, monday):
    slots = await roster(world)
    signup_id = await sign(world, "arthur", slots[(date(2027, 4, 15), "Installation")])
    await sign(world, "alice", slots[(date(2027, 4, 1), "Installation")], "done")  # over: not listed
    await login(client, "alice@example.org")
    section = (await client.get("/me")).text.split('data-testid="me-shifts"')[1].split("</section>")[0]
    assert f'data-testid="me-shift-{signup_id}"' in section and "Installation" in section and "Arthur" in section
    assert section.count('data-testid="me-shift-') == 1
    assert 'href="/roster"' in section


async def test_the_calendar_feed_carries_the_users_coming_shift(running_app, world, monday):
    slots = await roster(world)
    signup_id = await sign(world, "alice", slots[(date(2027, 4, 15), "Installation")])
    await sign(world, "bob", slots[(date(2027, 4, 22), "Installation")])
    path = f"/calendar/{await replace_token(world.users['alice'])}.ics"
    transport = httpx.ASGITransport(app=running_app, client=("10.9.9.9", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anonymous:
        response = await anonymous.get(path)
    assert response.status_code == 200
    shifts = [e for e in Calendar.from_ical(response.content).walk("VEVENT") if str(e["uid"]).startswith("shift-")]
    assert [str(e["uid"]).split("@")[0] for e in shifts] == [f"shift-{signup_id}"]
    assert str(shifts[0]["summary"]) in {"Permanence : Installation", "Shift: Installation"}  # until translated
    assert shifts[0].decoded("dtstart").isoformat() == "2027-04-15T18:30:00+02:00"


@pytest.mark.committed
async def test_many_members_clicking_at_once_for_two_places_give_exactly_two_sign_ups(running_app):
    """Through the page's endpoint, each member in their own session (PostgreSQL: the real race)."""
    world = await build_world()
    for who in ("erin", "cyril", "dan", "fanny", "nina"):
        await join_group(world.households[who], world.tilleuls, None)
    with MONDAY:
        slots = await roster(world, installation=2)
        slot_id = slots[(date(2027, 4, 15), "Installation")]
        people = ("alice", "arthur", "bob", "carol", "erin", "cyril", "dan", "fanny", "nina")
        clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=running_app, client=(f"10.0.0.{n}", 5000)),
                                     base_url="http://testserver") for n in range(len(people))]
        try:
            for http, who in zip(clients, people, strict=True):
                await login(http, f"{who}@example.org")
                await http.get("/roster")
            responses = await asyncio.gather(*(post_form(http, f"/roster/slots/{slot_id}/take", headers=HTMX)
                                               for http in clients))
        finally:
            for http in clients:
                await http.aclose()
    assert all(r.status_code == 200 for r in responses)
    assert sum(1 for r in responses if 'data-testid="leave-' in r.text) == 2
    assert sum(1 for r in responses if "flash-error" in r.text) == len(people) - 2
    assert await taken(slot_id) == 2
    assert await Signup.count().where((Signup.slot == slot_id) & (Signup.status == "signed")) == 2
