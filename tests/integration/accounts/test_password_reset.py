"""Password reset by e-mailed link: single use, limited in time, silent about unknown addresses."""

from datetime import timedelta

from amap.accounts.tables import PasswordResetToken
from amap.lib.db import utcnow
from tests.integration.conftest import link_in, login, post_form


async def ask_reset(client, email: str):
    return await post_form(client, "/password/reset", {"email": email}, page="/password/reset")


async def test_reset_link_sets_a_new_password_once(client, world, outbox):
    response = await ask_reset(client, "alice@example.org")
    assert response.status_code == 200 and 'data-testid="reset-sent"' in response.text
    assert len(await outbox.messages()) == 1 and (await outbox.messages())[0].to == "alice@example.org"
    path = link_in((await outbox.messages())[0].text)
    assert (await client.get(path)).status_code == 200
    done = await post_form(client, path, {"password": "a brand new secret", "password_confirm": "a brand new secret"})
    assert done.status_code == 303 and done.headers["location"] == "/login"
    await login(client, "alice@example.org", "a brand new secret")
    await post_form(client, "/logout")
    again = await post_form(client, path, {"password": "another new secret", "password_confirm": "another new secret"})
    assert again.status_code == 404
    assert (await client.get(path)).status_code == 404
    await login(client, "alice@example.org", "a brand new secret")


async def test_unknown_address_gets_the_same_answer_and_no_mail(client, world, outbox):
    response = await ask_reset(client, "nobody@example.org")
    assert response.status_code == 200 and 'data-testid="reset-sent"' in response.text
    assert (await outbox.messages()) == []


async def test_expired_reset_link_is_refused(client, world, outbox):
    await ask_reset(client, "bob@example.org")
    path = link_in((await outbox.messages())[0].text)
    await PasswordResetToken.update({PasswordResetToken.expires_at: utcnow() - timedelta(minutes=1)}).where(
        PasswordResetToken.user == world.users["bob"]
    )
    assert (await client.get(path)).status_code == 404
    response = await post_form(client, path, {"password": "a brand new secret", "password_confirm": "a brand new secret"})
    assert response.status_code == 404
    await login(client, "bob@example.org")


async def test_a_used_link_also_spends_the_other_open_links(client, world, outbox):
    await ask_reset(client, "bob@example.org")
    await ask_reset(client, "bob@example.org")
    first, second = (link_in(mail.text) for mail in (await outbox.messages()))
    await post_form(client, first, {"password": "a brand new secret", "password_confirm": "a brand new secret"})
    assert (await client.get(second)).status_code == 404


async def test_short_or_mismatched_new_password_is_refused_and_changes_nothing(client, world, outbox):
    await ask_reset(client, "bob@example.org")
    path = link_in((await outbox.messages())[0].text)
    short = await post_form(client, path, {"password": "short", "password_confirm": "short"})
    assert short.status_code == 400 and 'href="#password"' in short.text
    mismatch = await post_form(client, path, {"password": "long enough one", "password_confirm": "long enough two"})
    assert mismatch.status_code == 400 and 'href="#password_confirm"' in mismatch.text
    await login(client, "bob@example.org")
    assert (await client.get(path)).status_code == 200  # still usable


async def test_bad_email_is_refused_with_a_message(client, world, outbox):
    response = await ask_reset(client, "not-an-address")
    assert response.status_code == 400 and 'href="#email"' in response.text
    assert (await outbox.messages()) == []
