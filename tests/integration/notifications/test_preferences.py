"""The profile's "E-mails I receive": the kinds each role makes relevant, saved as refusals notify honours."""

import pytest

from amap.notifications.outbox import notify, recipients
from amap.notifications.tables import OptOut
from tests.integration.conftest import login, post_form

GROUP_MESSAGE = {"message": {"subject": "Assemblée générale", "body": "Jeudi à 19 h."}, "author": "Carol"}


@pytest.fixture(autouse=True)
def english(client):
    client.headers["accept-language"] = "en"


def choices_of(page: str) -> str:
    return page.split('data-testid="notification-choices"')[1].split("</section>")[0]


async def refusals(world, who: str) -> set[str]:
    return {row["kind"] for row in await OptOut.select(OptOut.kind).where(OptOut.user == world.users[who])}


async def test_a_member_sees_member_kinds_ticked_and_account_kinds_as_always_sent(client, world):
    await login(client, world.email("alice"))
    section = choices_of((await client.get("/profile")).text)
    assert 'name="receive_share_published" type="checkbox" checked' in section
    assert 'name="receive_group_message" type="checkbox" checked' in section
    assert "receive_roster_gaps" not in section and "receive_farm_digest" not in section
    always = section.split('data-testid="always-sent"')[1]
    assert "Password reset links" in always and "receive_password_reset" not in section


async def test_a_coordinator_also_sees_coordinator_kinds_and_a_farmer_only_farmer_kinds(client, world):
    await login(client, world.email("carol"))
    section = choices_of((await client.get("/profile")).text)
    assert "receive_roster_gaps" in section and "receive_payment_digest" in section and "receive_share_published" in section
    await post_form(client, "/logout")
    await login(client, world.email("dan"))
    section = choices_of((await client.get("/profile")).text)
    assert "receive_farm_digest" in section
    assert "receive_share_published" not in section and "receive_roster_gaps" not in section


async def test_unticked_kinds_are_saved_as_refusals_and_ticking_again_removes_them(client, world):
    await login(client, world.email("alice"))
    ticked = {"receive_share_published": "on", "receive_distribution_eve": "on", "receive_shift_reminder": "on",
              "receive_roster_invitation": "on", "receive_swap_taken": "on",
              "receive_order_window_open": "on", "receive_order_window_closing": "on"}
    response = await post_form(client, "/profile/notifications", ticked)
    assert response.status_code == 303
    assert await refusals(world, "alice") == {"payment_due", "group_message"}
    page = choices_of((await client.get("/profile")).text)
    assert 'name="receive_payment_due" type="checkbox">' in page
    again = await post_form(client, "/profile/notifications", {**ticked, "receive_payment_due": "on"})
    assert again.status_code == 303
    await post_form(client, "/profile/notifications", {**ticked, "receive_payment_due": "on"})  # twice: no duplicate
    assert await refusals(world, "alice") == {"group_message"}
    assert await OptOut.count().where(OptOut.user == world.users["alice"]) == 1


async def test_saving_leaves_the_refusals_of_a_role_no_longer_held_alone(client, world):
    await OptOut.insert(OptOut(user=world.users["alice"], kind="roster_gaps"))  # from when she coordinated
    await login(client, world.email("alice"))
    await post_form(client, "/profile/notifications", {"receive_payment_due": "on", "receive_boom": "on"})
    assert "roster_gaps" in await refusals(world, "alice") and "receive_boom" not in await refusals(world, "alice")


async def test_notify_sends_nothing_of_a_refused_kind_and_everything_else(client, world, outbox):
    await login(client, world.email("alice"))
    await post_form(client, "/profile/notifications", {"receive_payment_due": "on"})
    [alice] = await recipients([world.users["alice"]])
    group = {"id": world.tilleuls, "name": "AMAP des Tilleuls", "language": "fr"}
    assert not await notify("group_message", "group_message:1:alice", alice, group=group, **GROUP_MESSAGE)
    assert await notify("password_reset", "password_reset:test", alice, link="http://testserver/password/reset/x")
    assert [mail.kind for mail in await outbox.messages(to=world.email("alice"))] == ["password_reset"]


async def test_the_profile_choices_need_a_login_and_a_csrf_token(client, world):
    assert (await client.post("/profile/notifications", data={})).status_code == 403
    response = await post_form(client, "/profile/notifications", {})
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert await OptOut.count() == 0
