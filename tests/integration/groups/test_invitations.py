"""Joining by invitation: a new household, an existing account, a second adult."""

from amap.accounts.tables import User
from amap.groups.tables import Invitation, Membership
from tests.integration.conftest import link_in, login, post_form


async def invite(client, outbox, email: str, group: str = "tilleuls") -> str:
    await login(client, "carol@example.org")
    response = await post_form(client, f"/committee/{group}/invite", {"email": email})
    assert response.status_code == 303, response.text
    await post_form(client, "/logout")
    return link_in((await outbox.messages())[-1].text)


async def test_invited_newcomer_creates_an_account_and_is_an_active_member(client, world, outbox):
    path = await invite(client, outbox, "newcomer@example.org")
    assert "AMAP des Tilleuls" in (await outbox.messages())[-1].subject
    page = await client.get(path)
    assert page.status_code == 200 and "newcomer@example.org" in page.text
    response = await post_form(client, path, {"name": "Nora Newcomer", "password": "a long password",
                                              "password_confirm": "a long password"})
    assert response.status_code == 303 and response.headers["location"] == "/me"
    home = await client.get("/me")
    assert "Nora Newcomer" in home.text and "AMAP des Tilleuls" in home.text
    user = await User.objects().get(User.email == "newcomer@example.org")
    membership = await Membership.objects().get(Membership.household == user.household)
    assert membership.status == "active" and membership.group == world.tilleuls
    assert membership.accepted_by == world.users["carol"]
    assert (await client.get(path)).status_code == 404  # used once


async def test_invitation_form_refuses_bad_input_and_creates_nothing(client, world, outbox):
    path = await invite(client, outbox, "newcomer@example.org")
    response = await post_form(client, path, {"name": "", "password": "short", "password_confirm": "short"})
    assert response.status_code == 400
    assert 'href="#name"' in response.text and 'href="#password"' in response.text
    assert not await User.exists().where(User.email == "newcomer@example.org")


async def test_existing_account_accepts_by_logging_in(client, world, outbox):
    path = await invite(client, outbox, "erin@example.org")  # Erin is a member of Canal
    page = await client.get(path)
    assert f"/login?next={path}" in page.text
    refused = await post_form(client, path, {"name": "Someone", "password": "a long password",
                                             "password_confirm": "a long password"})
    assert refused.status_code == 400  # nobody can take over Erin's address
    await login(client, "erin@example.org")
    assert (await post_form(client, path)).status_code == 303
    groups = {m["group"] for m in await Membership.select(Membership.group).where(
        Membership.household == world.households["erin"])}
    assert groups == {world.tilleuls, world.canal}


async def test_expired_invitation_is_refused(client, world, outbox):
    from datetime import timedelta

    from amap.lib.db import utcnow

    path = await invite(client, outbox, "late@example.org")
    await Invitation.update({Invitation.expires_at: utcnow() - timedelta(days=1)}).where(
        Invitation.email == "late@example.org")
    assert (await client.get(path)).status_code == 404


async def test_member_invites_a_second_adult_into_the_household(client, world, outbox):
    await login(client, "bob@example.org")
    response = await post_form(client, "/profile/household/invite", {"email": "bea@example.org"})
    assert response.status_code == 303
    path = link_in((await outbox.messages())[-1].text)
    await post_form(client, "/logout")
    await post_form(client, path, {"name": "Béa", "password": "a long password", "password_confirm": "a long password"})
    bea = await User.objects().get(User.email == "bea@example.org")
    assert bea.household == world.households["bob"]
    household_page = await client.get("/profile/household")
    assert "Bob" in household_page.text and "Béa" in household_page.text
    assert "AMAP des Tilleuls" in (await client.get("/me")).text  # the household's membership is hers too


async def test_second_adult_invitation_refuses_an_address_that_has_an_account(client, world, outbox):
    await login(client, "bob@example.org")
    response = await post_form(client, "/profile/household/invite", {"email": "alice@example.org"})
    assert response.status_code == 400 and 'href="#email"' in response.text
    assert (await outbox.messages()) == []
