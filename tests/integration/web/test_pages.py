"""The public front, health and error pages."""

from amap.groups.tables import Group


async def test_home_is_a_directory_when_several_groups_exist(client, world):
    response = await client.get("/")
    assert response.status_code == 200
    assert 'data-testid="group-directory"' in response.text
    assert "AMAP des Tilleuls" in response.text and "AMAP du Canal" in response.text


async def test_home_is_the_group_page_when_the_installation_holds_one_group(client):
    await Group.insert(Group(name="AMAP Solo", slug="solo", description="Une seule AMAP ici."))
    response = await client.get("/")
    assert response.status_code == 200
    assert 'data-testid="group-name">AMAP Solo<' in response.text
    assert "Une seule AMAP ici." in response.text


async def test_group_public_page_shows_place_times_and_farms(client, world):
    response = await client.get("/groups/tilleuls", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "Cour AMAP des Tilleuls" in response.text
    assert "Thursday, 6:30" in response.text
    assert "Ferme des Tilleuls" in response.text
    assert "Ferme du Canal" not in response.text


async def test_unknown_group_gives_a_friendly_404(client, world):
    response = await client.get("/groups/nowhere", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert 'data-testid="error-404"' in response.text
    assert "Page not found" in response.text


async def test_unknown_url_gives_a_friendly_404_in_french_by_default(client):
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


async def test_healthz_reports_the_database(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_pages_carry_security_headers(client):
    response = await client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_language_follows_the_browser_then_the_choice_made(client):
    english = await client.get("/login", headers={"accept-language": "en-GB,en;q=0.9"})
    assert "<h1>Log in</h1>" in english.text
    french = await client.get("/login", headers={"accept-language": "de"})
    assert "<h1>Se connecter</h1>" in french.text
    response = await client.post("/language", data={"language": "en", "next": "/login",
                                                    "_csrf_token": client.cookies["csrftoken"]})
    assert response.status_code == 303
    chosen = await client.get("/login", headers={"accept-language": "fr"})
    assert "<h1>Log in</h1>" in chosen.text


async def test_an_unexpected_error_shows_a_friendly_page_without_details(client, world, monkeypatch):
    from amap.home import controllers
    from tests.integration.conftest import login

    await login(client, "alice@example.org")

    async def broken(*args, **kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(controllers, "my_contracts", broken)
    response = await client.get("/me", headers={"accept-language": "en"})
    assert response.status_code == 500
    assert 'data-testid="error-500"' in response.text
    assert "exploded" not in response.text and "Traceback" not in response.text


async def test_cookies_are_secure_when_the_site_is_served_over_https(running_app):
    import dataclasses

    import httpx

    from amap.app import create_app
    from amap.lib.settings import get_settings

    app = create_app(dataclasses.replace(get_settings(), base_url="https://amap.example.org"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://amap.example.org") as https_client:
        response = await https_client.get("/login")
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    assert cookies and all("Secure" in cookie for cookie in cookies)
