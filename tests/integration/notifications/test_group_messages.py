"""Committee messages: each segment reaches the right people, sending queues one e-mail each in
their language, refusals are counted honestly, bad input and other groups are refused."""

import re
from datetime import date

import pytest
import time_machine

from amap.accounts.tables import User
from amap.contracts import lifecycle
from amap.contracts.tables import Offer
from amap.distributions.calendar import sync_group
from amap.distributions.tables import Distribution
from amap.notifications.tables import GroupMessage, OptOut, OutboxMessage
from amap.payments.services import record_payment
from amap.roster.slots import sync_slots
from amap.roster.tables import RosterRole, Signup, Slot
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.world import add_offer

MESSAGES = "/committee/tilleuls/messages"
BEFORE_SEASON = time_machine.travel("2027-03-29 10:00 +02:00", tick=False)
PAYMENT_DAY = time_machine.travel("2027-05-10 10:00 +02:00", tick=False)


@pytest.fixture(autouse=True)
def english(client):
    client.headers["accept-language"] = "en"


async def season(world) -> dict:
    """Alice's household takes the vegetables from the first Thursday (1 April 2027); Bob takes
    the eggs from the second (he signed after the first); Bob volunteers on 1 April, Carol on
    8 April, Alice signed up on 1 April and left."""
    vegetables = await add_offer(world, deliveries=4)
    eggs = await add_offer(world, deliveries=4)
    await lifecycle.sign(request_for(world, vegetables, "alice"))
    bob = await lifecycle.sign(request_for(world, eggs, "bob", plan=eggs.plan_one, today=date(2027, 4, 5)))
    await sync_group(world.tilleuls)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=2))
    await sync_slots(world.tilleuls)
    slots = {row["held_on"]: row["id"] for row in await Slot.select(Slot.id, Slot.held_on)}
    for who, day, status in (("bob", date(2027, 4, 1), "signed"), ("carol", date(2027, 4, 8), "signed"),
                             ("alice", date(2027, 4, 1), "left")):
        await Signup.insert(Signup(slot=slots[day], user=world.users[who], household=world.households[who],
                                   status=status))
    days = {row["held_on"]: row["id"] for row in await Distribution.select(Distribution.id, Distribution.held_on)}
    return {"vegetables": vegetables.offer, "eggs": eggs.offer, "bob": bob, "first": days[date(2027, 4, 1)],
            "second": days[date(2027, 4, 8)]}


async def reached(client, to: str) -> str:
    response = await post_form(client, f"{MESSAGES}/recipients", {"to": to}, page=MESSAGES,
                               headers={"hx-request": "true"})
    assert response.status_code == 200, response.text
    assert "<html" not in response.text  # the fragment only
    return response.text.split('data-testid="recipient-names">')[1].split("</p>")[0] if "recipient-names" in \
        response.text else ""


async def test_each_segment_reaches_exactly_its_people(client, world):
    with BEFORE_SEASON:
        ids = await season(world)
        await login(client, world.email("carol"))
        page = await client.get(MESSAGES)
        assert page.status_code == 200 and 'data-testid="message-form"' in page.text
        expected = {
            "all": "Alice, Arthur, Bob, Carol",  # Paula is still waiting, Erin is in another group
            f"contract:{ids['vegetables']}": "Alice, Arthur",
            f"contract:{ids['eggs']}": "Bob",
            f"distribution:{ids['first']}": "Alice, Arthur",  # Bob's first eggs come on the 8th
            f"distribution:{ids['second']}": "Alice, Arthur, Bob",
            "volunteers:2027-04-01": "Bob",  # Alice left her shift
            "volunteers:2027-04-08": "Carol",
        }
        for value, names in expected.items():
            assert f'value="{value}"' in page.text
            assert await reached(client, value) == names, value


async def test_households_behind_on_payments_are_those_owing_what_was_due(client, world):
    with BEFORE_SEASON:
        ids = await season(world)
    with PAYMENT_DAY:  # Alice owes two of her five cheques, Bob paid his one
        await record_payment(subscription_id=ids["bob"]["id"], amount_cents=ids["bob"]["total_cents"], method="cheque",
                             received_on=date(2027, 4, 5), recorded_by=world.users["carol"])
        await login(client, world.email("carol"))
        assert await reached(client, "behind") == "Alice, Arthur"


async def test_sending_queues_one_message_per_person_in_their_language_and_counts_refusals(client, world, outbox):
    await User.update({User.language: "en"}).where(User.id == world.users["alice"])
    await User.update({User.language: "fr"}).where(User.id == world.users["bob"])
    await OptOut.insert(OptOut(user=world.users["arthur"], kind="group_message"))
    await login(client, world.email("carol"))
    preview = await client.post(f"{MESSAGES}/recipients", data={"to": "all", "_csrf_token": client.cookies["csrftoken"]},
                                headers={"hx-request": "true"})
    assert "3 people will receive it." in preview.text and "1 person chose not to" in preview.text
    assert "Arthur" not in preview.text
    response = await post_form(client, MESSAGES, {"to": "all", "subject": "Assemblée générale",
                                                  "body": "Bonjour,\r\n\r\nRendez-vous jeudi <b>19 h</b>."})
    assert response.status_code == 303
    message = await GroupMessage.objects().first()
    assert (message.segment, message.recipients, message.author) == ("all", 4, world.users["carol"])
    mails = await outbox.messages(kind="group_message")
    assert sorted(m.to for m in mails) == ["alice@example.org", "bob@example.org", "carol@example.org"]
    assert {m.key for m in mails} == {f"group_message:{message.id}:{world.users[w]}" for w in ("alice", "bob", "carol")}
    alice = next(m for m in mails if m.to == "alice@example.org")
    assert alice.subject == "Assemblée générale"
    assert "Rendez-vous jeudi <b>19 h</b>." in alice.text and "Carol, for the committee of AMAP des Tilleuls" in alice.text
    assert "&lt;b&gt;19 h&lt;/b&gt;" in alice.html and "<b>" not in alice.html  # the body is text, never HTML
    assert "Stop these messages" in alice.html
    languages = {row["to_address"]: row["language"] for row in await OutboxMessage.select(
        OutboxMessage.to_address, OutboxMessage.language)}
    assert languages["alice@example.org"] == "en" and languages["bob@example.org"] == "fr"
    page = await client.get(MESSAGES)
    assert "Your message is on its way to 3 people. 1 person chose not to receive committee messages." in page.text
    delivery = page.text.split(f'data-testid="delivery-{message.id}"')[1].split("</td>")[0]
    assert "0 sent" in delivery and "3 on their way" in delivery and "1 declined committee messages" in delivery
    await OutboxMessage.update({OutboxMessage.status: "sent"}).where(OutboxMessage.to_address == "bob@example.org")
    await OutboxMessage.update({OutboxMessage.status: "failed"}).where(OutboxMessage.to_address == "carol@example.org")
    delivery = (await client.get(MESSAGES)).text.split(f'data-testid="delivery-{message.id}"')[1].split("</td>")[0]
    assert "1 sent" in delivery and "1 on its way" in delivery and "1 failed" in delivery


@pytest.mark.parametrize("data, field", [
    ({"to": "all", "subject": "", "body": "Jeudi."}, "subject"),
    ({"to": "all", "subject": "Jeudi", "body": ""}, "body"),
    ({"to": "", "subject": "Jeudi", "body": "Jeudi."}, "to"),
    ({"to": "everyone-and-more", "subject": "Jeudi", "body": "Jeudi."}, "to"),
    ({"to": "contract:{canal_offer}", "subject": "Jeudi", "body": "Jeudi."}, "to"),
    ({"to": "volunteers:2027-02-30", "subject": "Jeudi", "body": "Jeudi."}, "to"),
    ({"to": "all", "subject": "x" * 201, "body": "Jeudi."}, "subject"),
])
async def test_bad_input_is_refused_next_to_the_field_and_nothing_is_sent(client, world, outbox, data, field):
    canal_offer = (await Offer.insert(Offer(
        farm=world.farm_canal, group=world.canal, name="Pain", starts_on=date(2027, 4, 1), ends_on=date(2027, 9, 30),
        signup_opens_on=date(2027, 2, 1), signup_closes_on=date(2027, 9, 30), status="open")).returning(Offer.id))
    data = {**data, "to": data["to"].format(canal_offer=canal_offer[0]["id"])}
    await login(client, world.email("carol"))
    response = await post_form(client, MESSAGES, data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text and 'data-testid="error-summary"' in response.text
    assert f'value="{data["subject"]}"' in response.text  # what was typed is kept
    assert await GroupMessage.count() == 0 and await outbox.messages() == []


async def test_the_recipients_check_without_javascript_shows_the_whole_page_with_the_text_kept(client, world):
    await login(client, world.email("carol"))
    response = await post_form(client, f"{MESSAGES}/recipients", {"to": "all", "subject": "Jeudi", "body": "À jeudi"})
    assert response.status_code == 200 and "<html" in response.text
    assert "4 people will receive it." in response.text and 'value="Jeudi"' in response.text
    assert "À jeudi</textarea>" in response.text
    refused = await post_form(client, f"{MESSAGES}/recipients", {"to": "contract:999999"})
    assert refused.status_code == 400 and 'id="to-error"' in refused.text


@pytest.mark.parametrize("who, status", [("alice", 403), ("dan", 403), ("cyril", 404)])
async def test_members_farmers_and_other_groups_coordinators_cannot_reach_the_messages(client, world, outbox,
                                                                                        who, status):
    await login(client, world.email(who))
    assert (await client.get(MESSAGES)).status_code == status
    sent = await post_form(client, MESSAGES, {"to": "all", "subject": "Hacked", "body": "Hacked"}, page="/profile")
    assert sent.status_code == status
    assert (await post_form(client, f"{MESSAGES}/recipients", {"to": "all"})).status_code == status
    assert await GroupMessage.count() == 0 and await outbox.messages() == []


async def test_the_navigation_and_committee_page_lead_to_the_messages_of_the_group(client, world):
    await login(client, world.email("carol"))
    committee = await client.get("/committee")
    assert f'href="{MESSAGES}"' in committee.text and 'data-testid="nav-messages"' in committee.text
    shortcut = await client.get("/committee/messages")
    assert shortcut.status_code == 303 and shortcut.headers["location"] == MESSAGES
    await post_form(client, "/logout")
    await login(client, world.email("alice"))
    assert 'data-testid="nav-messages"' not in (await client.get("/me")).text
    assert (await client.get("/committee/messages")).status_code == 403


async def test_sending_the_same_form_twice_sends_one_message(client, world, outbox):
    await login(client, world.email("carol"))
    form = (await client.get(MESSAGES)).text
    draft = re.search(r'name="draft" value="([^"]+)"', form)[1]
    data = {"to": "all", "subject": "Panier solidaire", "body": "Qui peut aider ?", "draft": draft}
    assert (await post_form(client, MESSAGES, data)).status_code == 303
    assert (await post_form(client, MESSAGES, data)).status_code == 303  # the second click
    assert await GroupMessage.count() == 1 and len(await outbox.messages(kind="group_message")) == 4
    assert "already sent" in (await client.get(MESSAGES)).text
    other = re.search(r'name="draft" value="([^"]+)"', (await client.get(MESSAGES)).text)[1]
    assert other != draft  # a new form, a new message
