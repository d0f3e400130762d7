"""The profile page, password change and personal API tokens."""

from amap.accounts.tables import ApiToken, User
from tests.integration.conftest import login, post_form
from tests.world import PASSWORD


async def test_member_updates_name_phone_and_language(client, world):
    await login(client, "alice@example.org")
    response = await post_form(client, "/profile", {"name": "Alice Durand", "phone": "06 12 34 56 78", "language": "en"})
    assert response.status_code == 303
    user = await User.objects().get(User.id == world.users["alice"])
    assert (user.name, user.phone, user.language) == ("Alice Durand", "06 12 34 56 78", "en")
    page = await client.get("/profile", headers={"accept-language": "fr"})
    assert "My details" in page.text  # her own choice wins over the browser's


async def test_empty_name_is_refused_and_nothing_changes(client, world):
    await login(client, "alice@example.org")
    response = await post_form(client, "/profile", {"name": "", "phone": "x" * 41, "language": "xx"})
    assert response.status_code == 400
    for field in ("name", "phone", "language"):
        assert f'href="#{field}"' in response.text
    assert (await User.objects().get(User.id == world.users["alice"])).name == "Alice"


async def test_password_change_needs_the_current_password(client, world):
    await login(client, "alice@example.org")
    wrong = await post_form(client, "/profile/password", {"current_password": "nope", "new_password": "new secret 123",
                                                          "new_password_confirm": "new secret 123"})
    assert wrong.status_code == 400 and 'href="#current_password"' in wrong.text
    right = await post_form(client, "/profile/password", {"current_password": PASSWORD,
                                                          "new_password": "new secret 123",
                                                          "new_password_confirm": "new secret 123"})
    assert right.status_code == 303
    await post_form(client, "/logout")
    await login(client, "alice@example.org", "new secret 123")


async def test_api_token_is_shown_once_stored_hashed_and_works_until_revoked(client, world):
    await login(client, "alice@example.org")
    response = await post_form(client, "/profile/tokens", {"token_name": "spreadsheet"})
    assert response.status_code == 200
    token = response.text.split('data-testid="new-token"')[1].split("<code>")[1].split("</code>")[0]
    assert token.startswith("amap_") and len(token) > 40
    row = await ApiToken.objects().get(ApiToken.user == world.users["alice"])
    assert token not in (row.token_digest, row.prefix) and len(row.token_digest) == 64
    assert token not in (await client.get("/profile")).text

    api = await client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json()["email"] == "alice@example.org"

    revoked = await post_form(client, f"/profile/tokens/{row.id}/revoke")
    assert revoked.status_code == 303
    assert (await client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})).status_code == 401


async def test_a_member_cannot_revoke_someone_elses_token(client, world):
    from amap.accounts.services import create_api_token

    await create_api_token(world.users["bob"], "bob's script")
    bob_token = await ApiToken.objects().get(ApiToken.user == world.users["bob"])
    await login(client, "alice@example.org")
    response = await post_form(client, f"/profile/tokens/{bob_token.id}/revoke")
    assert response.status_code == 404
    assert (await ApiToken.objects().get(ApiToken.id == bob_token.id)).revoked_at is None


async def test_a_tokens_last_use_is_recorded_at_most_once_a_minute(client, world):
    """Each API call would otherwise write, which SQLite lets one request at a time do."""
    from datetime import timedelta

    import time_machine

    from amap.accounts.services import create_api_token
    from amap.lib.db import utcnow
    from amap.principal import LAST_USE_STEP

    token = await create_api_token(world.users["alice"], "agenda")
    bearer = {"authorization": f"Bearer {token}"}

    async def last_use():
        return (await ApiToken.select(ApiToken.last_used_at).where(ApiToken.user == world.users["alice"]).first())[
            "last_used_at"]

    start = utcnow()
    with time_machine.travel(start, tick=False):
        assert (await client.get("/api/v1/me", headers=bearer)).status_code == 200
        first = await last_use()
        assert first == start
    with time_machine.travel(start + LAST_USE_STEP - timedelta(seconds=1), tick=False):
        assert (await client.get("/api/v1/me", headers=bearer)).status_code == 200
        assert await last_use() == first
    later = start + LAST_USE_STEP
    with time_machine.travel(later, tick=False):
        assert (await client.get("/api/v1/me", headers=bearer)).status_code == 200
        assert await last_use() == later
