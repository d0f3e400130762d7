"""A page reads its session and the session's user with their roles in one statement (amap.principal)."""

from amap.accounts.tables import User
from amap.principal import _SESSION_PRINCIPAL, load_principal, principal_from
from amap.system.store import DatabaseStore
from amap.system.tables import StoreEntry
from tests.integration.conftest import login
from tests.queries import counted_queries


async def session_row(client) -> dict:
    return await StoreEntry.select().where(StoreEntry.key == f"sessions:{client.cookies['session']}").first()


async def test_the_session_and_its_users_roles_are_one_statement_and_give_the_same_principal(client, world):
    await login(client, "carol@example.org")  # a member and a committee member: several roles and groups
    assert (await session_row(client))["user_id"] == world.users["carol"]
    data, rows = await DatabaseStore("sessions").get_with(client.cookies["session"], _SESSION_PRINCIPAL)
    assert data and principal_from(rows) == await load_principal(world.users["carol"])
    with counted_queries() as counted:
        page = await client.get("/profile/calendar")  # the session with its reader, then the page's one read
    assert page.status_code == 200 and counted[0] == 2


async def test_the_sessions_own_data_names_the_user_whatever_its_user_column_says(client, world):
    await login(client, "alice@example.org")
    key = f"sessions:{client.cookies['session']}"
    await StoreEntry.update({StoreEntry.user_id: world.users["bob"]}).where(StoreEntry.key == key)
    page = await client.get("/me")
    assert page.status_code == 200 and "Alice" in page.text and "Bob" not in page.text
    await StoreEntry.update({StoreEntry.user_id: None}).where(StoreEntry.key == key)  # as sessions were written before
    page = await client.get("/me")
    assert page.status_code == 200 and "Alice" in page.text


async def test_a_closed_account_is_logged_out_at_its_next_page(client, world):
    await login(client, "alice@example.org")
    await User.update({User.is_active: False}).where(User.id == world.users["alice"])
    page = await client.get("/me")
    assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")


async def test_an_expired_session_is_deleted_and_gives_no_user(client, world):
    from datetime import timedelta

    from amap.lib.db import utcnow

    await login(client, "alice@example.org")
    key = f"sessions:{client.cookies['session']}"
    await StoreEntry.update({StoreEntry.expires_at: utcnow() - timedelta(seconds=1)}).where(StoreEntry.key == key)
    page = await client.get("/me")
    assert page.status_code in (302, 303) and await StoreEntry.count().where(StoreEntry.key == key) == 0
