"""Logging in and out, CSRF, session fixation and the login rate limit."""

from amap.accounts.tables import User
from tests.integration.conftest import login, post_form
from tests.world import PASSWORD


async def test_member_logs_in_and_lands_on_their_home(client, world):
    response = await login(client, "alice@example.org", PASSWORD)
    assert response.headers["location"] == "/me"
    home = await client.get("/me")
    assert home.status_code == 200
    assert 'data-testid="me-greeting"' in home.text and "Alice" in home.text
    assert (await User.select(User.last_login_at).where(User.id == world.users["alice"]).first())["last_login_at"]


async def test_login_goes_back_to_the_page_asked_for_but_never_off_site(client, world):
    response = await post_form(client, "/login", {"email": "alice@example.org", "password": PASSWORD,
                                                  "next": "/profile"})
    assert response.headers["location"] == "/profile"
    await post_form(client, "/logout")
    response = await post_form(client, "/login", {"email": "alice@example.org", "password": PASSWORD,
                                                  "next": "//evil.example/steal"})
    assert response.headers["location"] == "/me"


async def test_email_is_matched_without_regard_to_case(client, world):
    await login(client, "Alice@Example.ORG", PASSWORD)


async def test_wrong_password_is_refused_next_to_the_field_and_keeps_the_email(client, world):
    response = await post_form(client, "/login", {"email": "alice@example.org", "password": "nope"},
                               headers={"accept-language": "en"})
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in response.text
    assert 'value="alice@example.org"' in response.text
    assert ' required aria-invalid="true"' in response.text  # separate attributes, not glued together
    assert (await client.get("/me")).status_code == 303


async def test_unknown_account_gets_the_same_answer_as_a_wrong_password(client, world):
    wrong = await post_form(client, "/login", {"email": "alice@example.org", "password": "nope"})
    unknown = await post_form(client, "/login", {"email": "nobody@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.text.replace("alice", "X") == unknown.text.replace("nobody", "X")


async def test_empty_login_form_names_both_fields(client, world):
    response = await post_form(client, "/login", {"email": "", "password": ""}, headers={"accept-language": "en"})
    assert response.status_code == 400
    assert 'href="#email"' in response.text and 'href="#password"' in response.text


async def test_form_post_without_csrf_token_is_refused(client, world):
    await client.get("/login")
    response = await client.post("/login", data={"email": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 403
    assert (await client.get("/me")).status_code == 303


async def test_form_post_with_a_forged_csrf_token_is_refused(client, world):
    await client.get("/login")
    response = await client.post("/login", data={"email": "alice@example.org", "password": PASSWORD,
                                                 "_csrf_token": "0" * 128})
    assert response.status_code == 403


async def test_session_cookie_is_httponly_and_lax(client, world):
    response = await login(client, "alice@example.org", PASSWORD)
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


async def test_login_issues_a_new_session_id_and_the_planted_one_is_worthless(client, world):
    await client.get("/login")
    await post_form(client, "/language", {"language": "en", "next": "/login"})  # creates a session
    planted = client.cookies["session"]
    await login(client, "alice@example.org", PASSWORD)
    fresh = client.cookies["session"]
    assert fresh != planted and len(fresh) == 64
    client.cookies.set("session", planted)
    assert (await client.get("/me")).status_code == 303  # the old id is not logged in


async def test_logout_ends_the_session(client, world):
    await login(client, "alice@example.org", PASSWORD)
    old = client.cookies["session"]
    response = await post_form(client, "/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert (await client.get("/me")).status_code == 303
    client.cookies.set("session", old)
    assert (await client.get("/me")).status_code == 303


async def test_pages_for_members_send_visitors_to_login_with_a_way_back(client, world):
    response = await client.get("/profile")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/profile"


async def test_repeated_failures_on_one_account_give_429_even_with_the_right_password(client, world):
    for _ in range(5):
        assert (await post_form(client, "/login", {"email": "bob@example.org", "password": "bad"})).status_code == 400
    blocked = await post_form(client, "/login", {"email": "bob@example.org", "password": PASSWORD},
                              headers={"accept-language": "en"})
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text
    # Another account from the same address is not blocked yet.
    assert (await post_form(client, "/login", {"email": "alice@example.org", "password": PASSWORD})).status_code == 303


async def test_repeated_failures_from_one_address_give_429_across_accounts(client, world):
    for number in range(20):
        response = await post_form(client, "/login", {"email": f"guess{number}@example.org", "password": "bad"})
        assert response.status_code == 400
    blocked = await post_form(client, "/login", {"email": "alice@example.org", "password": PASSWORD})
    assert blocked.status_code == 429


async def test_visitors_and_health_checks_leave_no_session_behind(client, world):
    from amap.system.tables import StoreEntry

    before = await StoreEntry.count()
    for path in ("/", "/login", "/healthz", "/groups/tilleuls", "/static/app.css"):
        response = await client.get(path)
        assert not any(v.startswith("session=") and not v.startswith("session=null")
                       for k, v in response.headers.multi_items() if k == "set-cookie")
    assert await StoreEntry.count() == before
    await login(client, "alice@example.org", PASSWORD)
    assert await StoreEntry.count() == before + 1
    await post_form(client, "/logout")
    await client.get("/login")  # the flash message is shown, then the session is empty again
    assert await StoreEntry.count() == before


def session_cookie(response) -> str | None:
    return next((v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("session=")), None)


async def test_the_session_cookie_is_sent_again_only_when_the_session_changed_or_its_expiry_moved(client, world):
    from datetime import timedelta

    import time_machine

    from amap.lib.db import utcnow
    from amap.system.store import RENEWAL_STEP

    await login(client, "alice@example.org", PASSWORD)
    first = await client.get("/me")  # what logging in wrote is read back as it is
    assert first.status_code == 200 and session_cookie(first) is None
    assert session_cookie(await client.get("/me")) is None
    changed = await post_form(client, "/language", {"language": "en", "next": "/me"})
    assert "Max-Age=" in session_cookie(changed)
    assert session_cookie(await client.get("/me")) is None
    with time_machine.travel(utcnow() + RENEWAL_STEP + timedelta(minutes=1), tick=False):
        later = await client.get("/me")  # the stored expiry moved: the browser's cookie slides with it
        assert later.status_code == 200 and "Max-Age=" in session_cookie(later)
        assert session_cookie(await client.get("/me")) is None
