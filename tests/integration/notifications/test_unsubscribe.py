"""The unsubscribe link of every optional e-mail: shown without login, one click to stop, forged links refused."""

import pytest

from amap.notifications.outbox import notify, recipients
from amap.notifications.signing import unsubscribe_token
from amap.notifications.tables import OptOut
from tests.integration.conftest import link_in, post_form


@pytest.fixture(autouse=True)
def english(client):
    client.headers["accept-language"] = "en"


async def refusals(world, who: str) -> set[str]:
    return {row["kind"] for row in await OptOut.select(OptOut.kind).where(OptOut.user == world.users[who])}


async def test_the_link_shows_what_it_stops_and_changes_nothing_until_the_button(client, world):
    page = await client.get(f"/unsubscribe/{unsubscribe_token(world.users['alice'], 'payment_due')}")
    assert page.status_code == 200
    assert "Stop receiving:" in page.text and "Gentle reminders of payments due or late" in page.text
    assert 'data-testid="unsubscribe-button"' in page.text
    assert await refusals(world, "alice") == set()  # a mail scanner opening the link stops nothing


async def test_the_button_stops_the_kind_twice_without_harm_and_can_be_undone(client, world):
    url = f"/unsubscribe/{unsubscribe_token(world.users['alice'], 'payment_due')}"
    for _ in range(2):
        stopped = await post_form(client, url, page=url)
        assert stopped.status_code == 200
        assert 'data-testid="resubscribe"' in stopped.text and 'href="/profile#notifications-title"' in stopped.text
    assert await refusals(world, "alice") == {"payment_due"}
    again = await post_form(client, url, {"resubscribe": "yes"}, page=url)
    assert again.status_code == 200 and 'data-testid="unsubscribe-button"' in again.text
    assert await refusals(world, "alice") == set()


async def test_a_mail_client_one_click_post_without_csrf_or_session_stops_the_kind(client, world):
    url = f"/unsubscribe/{unsubscribe_token(world.users['bob'], 'shift_reminder')}"
    response = await client.post(url, content=b"List-Unsubscribe=One-Click",
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    assert await refusals(world, "bob") == {"shift_reminder"}
    assert not client.cookies.get("csrftoken")  # nothing was opened before: a real one-click request


async def test_other_unsafe_posts_without_a_csrf_token_are_still_refused(client, world):
    response = await client.post("/login", data={"email": "alice@example.org", "password": "correct horse battery"})
    assert response.status_code == 403
    url = f"/unsubscribe/{unsubscribe_token(world.users['bob'], 'shift_reminder')}"
    assert (await client.post(f"{url}/extra", data={})).status_code in (403, 404, 405)
    assert await refusals(world, "bob") == set()


async def test_the_unsubscribe_page_keeps_a_csrf_token_for_the_layouts_forms(client, world):
    page = await client.get(f"/unsubscribe/{unsubscribe_token(world.users['alice'], 'payment_due')}")
    assert client.cookies.get("csrftoken")
    changed = await post_form(client, "/language", {"language": "fr", "next": "/"})
    assert changed.status_code == 303 and page.status_code == 200


@pytest.mark.parametrize("token", [
    "{alice}.payment_due.AAAAAAAAAAAAAAAAAAAAAAAA",  # a signature made up
    "{bob_token_for_alice}",  # Bob's signature on Alice's id
    "{alice_other_kind}",  # a valid signature, another kind written in
    "{alice}.password_reset",  # a kind that cannot be refused
    "nonsense",
])
async def test_a_forged_or_altered_link_is_not_found_and_changes_nothing(client, world, token):
    alice, bob = world.users["alice"], world.users["bob"]
    signature = unsubscribe_token(bob, "payment_due").rsplit(".", 1)[1]
    token = token.format(
        alice=alice, bob_token_for_alice=f"{alice}.payment_due.{signature}",
        alice_other_kind=unsubscribe_token(alice, "payment_due").replace("payment_due", "shift_reminder"))
    if token.endswith("password_reset"):
        token = unsubscribe_token(alice, "password_reset")
    assert (await client.get(f"/unsubscribe/{token}")).status_code == 404
    response = await client.post(f"/unsubscribe/{token}", content=b"List-Unsubscribe=One-Click",
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 404
    assert await OptOut.count() == 0


async def test_the_link_in_an_optional_message_leads_to_its_page_and_a_refused_kind_is_no_longer_sent(
        client, world, outbox):
    [alice] = await recipients([world.users["alice"]])
    group = {"id": world.tilleuls, "name": "AMAP des Tilleuls", "language": "fr"}
    assert await notify("group_message", "group_message:test:1", alice, group=group,
                        message={"subject": "Assemblée", "body": "Jeudi."}, author="Carol")
    [mail] = await outbox.messages(kind="group_message")
    url = link_in(mail.text.split("--")[-1])
    assert url.startswith("/unsubscribe/")
    await client.post(url, content=b"List-Unsubscribe=One-Click",
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert not await notify("group_message", "group_message:test:2", alice, group=group,
                            message={"subject": "Encore", "body": "Vendredi."}, author="Carol")
    assert len(await outbox.messages(kind="group_message")) == 1
