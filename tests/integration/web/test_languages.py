"""Pages in the four languages: what the browser asks, what the member chose, the group's default."""

from __future__ import annotations

import pytest

from amap.accounts.tables import User
from amap.groups.tables import Group
from tests.integration.conftest import login, post_form


@pytest.mark.parametrize(("accept", "lang", "title"), [
    ("es", "es", "<h1>Iniciar sesión</h1>"),
    ("es-MX,es;q=0.9,en;q=0.5", "es", "<h1>Iniciar sesión</h1>"),
    ("pt-BR,fr-CA;q=0.7", "pt", "<h1>Entrar</h1>"),
    ("de;q=1,fr;q=0.3,pt;q=0.8", "pt", "<h1>Entrar</h1>"),  # the weights decide, not the order
    ("en-GB", "en", "<h1>Log in</h1>"),
    ("de", "fr", "<h1>Se connecter</h1>"),
])
async def test_the_login_page_speaks_the_language_the_browser_asks_for(client, accept, lang, title):
    response = await client.get("/login", headers={"accept-language": accept})
    assert response.status_code == 200
    assert title in response.text and f'<html lang="{lang}"' in response.text


async def test_a_member_who_chose_portuguese_sees_their_home_in_portuguese(client, world):
    await User.update({User.language: "pt"}).where(User.id == world.users["alice"])
    await login(client, "alice@example.org")
    response = await client.get("/me", headers={"accept-language": "en"})  # their choice wins
    assert response.status_code == 200
    assert '<html lang="pt"' in response.text
    assert "Olá, Alice" in response.text
    assert "Meus contratos" in response.text


async def test_the_language_menu_and_the_profile_offer_the_four_languages_by_their_own_names(client, world):
    await login(client, "alice@example.org")
    profile = await client.get("/profile")
    for code, name in (("fr", "Français"), ("en", "English"), ("es", "Español"), ("pt", "Português")):
        assert f'<option value="{code}" lang="{code}"' in profile.text  # the footer's menu
        assert f'value="{code}"' in profile.text and name in profile.text


async def test_a_member_chooses_spanish_on_their_profile_and_reads_spanish(client, world):
    await login(client, "alice@example.org")
    response = await post_form(client, "/profile", {"name": "Alice", "phone": "", "language": "es"}, page="/profile")
    assert response.status_code == 303
    assert (await User.select(User.language).where(User.id == world.users["alice"]).first())["language"] == "es"
    me = await client.get("/me", headers={"accept-language": "fr"})
    assert '<html lang="es"' in me.text and "Mis contratos" in me.text


async def test_a_coordinator_sets_portuguese_as_the_groups_default_language(client, world):
    await login(client, "carol@example.org")
    settings = await client.get("/committee/tilleuls/settings")
    assert '<option value="pt"' in settings.text.split('name="language"', 1)[1]  # the group's own select
    response = await post_form(client, "/committee/tilleuls/settings", {
        "name": "AMAP des Tilleuls", "timezone": "Europe/Paris", "language": "pt", "membership_fee": "12,50",
        "absence_notice_hours": "48"}, page="/committee/tilleuls/settings")
    assert response.status_code == 303
    assert (await Group.select(Group.language).where(Group.id == world.tilleuls).first())["language"] == "pt"


async def test_the_membership_fee_is_shown_with_the_readers_decimal_mark(client, world):
    await Group.update({Group.membership_fee_cents: 1250}).where(Group.id == world.tilleuls)
    await login(client, "carol@example.org")
    english = await client.post("/language", data={"language": "en", "next": "/",
                                                   "_csrf_token": client.cookies["csrftoken"]})
    assert english.status_code == 303
    assert 'value="12.50"' in (await client.get("/committee/tilleuls/settings")).text
    await client.post("/language", data={"language": "es", "next": "/", "_csrf_token": client.cookies["csrftoken"]})
    assert 'value="12,50"' in (await client.get("/committee/tilleuls/settings")).text
