"""Who may open which page: guards per role, navigation per role, objects of others hidden."""

import pytest

from amap.farms.tables import Farm
from amap.groups.tables import Group
from tests.integration.conftest import login, post_form

PAGES = ["/me", "/profile", "/profile/household", "/committee", "/farm", "/network", "/admin"]
EXPECTED = {
    #        me   profile household committee farm network admin
    "alice": [200, 200, 200, 403, 403, 403, 403],
    "carol": [200, 200, 200, 200, 403, 403, 403],
    "dan":   [200, 200, 200, 403, 200, 403, 403],
    "nina":  [200, 200, 200, 403, 403, 200, 403],
    "ada":   [200, 200, 200, 200, 200, 200, 200],
    None:    [303, 303, 303, 303, 303, 303, 303],
}
NAV = {
    "alice": {"nav-me", "nav-contracts", "nav-distributions", "nav-roster", "nav-orders", "nav-profile", "nav-logout"},
    "carol": {"nav-me", "nav-contracts", "nav-distributions", "nav-roster", "nav-orders", "nav-profile", "nav-logout",
              "nav-committee", "nav-messages"},
    "dan": {"nav-me", "nav-distributions", "nav-profile", "nav-logout", "nav-farm"},
    "nina": {"nav-me", "nav-profile", "nav-logout", "nav-network"},
    "ada": {"nav-me", "nav-profile", "nav-logout", "nav-committee", "nav-farm", "nav-network", "nav-admin"},
    None: {"nav-login"},
}
ALL_NAV = set().union(*NAV.values())


@pytest.mark.parametrize("who", list(EXPECTED))
async def test_each_role_gets_exactly_the_expected_status_per_page(client, world, who):
    if who:
        await login(client, f"{who}@example.org")
    statuses = [(await client.get(path)).status_code for path in PAGES]
    assert statuses == EXPECTED[who]


@pytest.mark.parametrize("who", list(NAV))
async def test_navigation_shows_the_links_of_the_role(client, world, who):
    if who:
        await login(client, f"{who}@example.org")
    page = await client.get("/profile" if who else "/login")
    shown = {testid for testid in ALL_NAV if f'data-testid="{testid}"' in page.text}
    assert shown == NAV[who]


async def test_farmer_sees_their_farm_and_gets_404_for_another(client, world):
    await login(client, "dan@example.org")
    page = await client.get("/farm")
    assert "Ferme des Tilleuls" in page.text and "AMAP des Tilleuls" in page.text
    assert (await client.get("/farm?farm=ferme-canal")).status_code == 404
    response = await post_form(client, "/farm/ferme-canal", {"name": "Taken over"})
    assert response.status_code == 404
    assert (await Farm.objects().get(Farm.id == world.farm_canal)).name == "Ferme du Canal"


async def test_farmer_edits_the_farm_profile_and_bad_input_is_refused(client, world):
    await login(client, "dan@example.org")
    response = await post_form(client, "/farm/ferme-tilleuls", {"name": "Ferme des Tilleuls",
                                                               "production": "légumes, petits fruits",
                                                               "practices": "bio"})
    assert response.status_code == 303
    assert (await Farm.objects().get(Farm.id == world.farm_tilleuls)).production == "légumes, petits fruits"
    refused = await post_form(client, "/farm/ferme-tilleuls", {"name": "", "description": "x" * 5001})
    assert refused.status_code == 400
    assert 'href="#name"' in refused.text and 'href="#description"' in refused.text


async def test_network_coordinator_sees_the_networks_groups_and_producers(client, world):
    await login(client, "nina@example.org")
    page = await client.get("/network")
    assert "Réseau Rhône" in page.text and "AMAP des Tilleuls" in page.text and "Ferme des Tilleuls" in page.text
    members_table = page.text.split('id="add-group"')[0]
    assert "AMAP du Canal" not in members_table  # offered to join, not listed as a member
    assert (await client.get("/network?network=elsewhere")).status_code == 404


async def test_admin_creates_a_group_a_farm_and_grants_a_role(client, world):
    await login(client, "ada@example.org")
    assert (await post_form(client, "/admin/groups", {"name": "AMAP Neuve", "slug": "amap-neuve"})).status_code == 303
    response = await post_form(client, "/admin/farms", {"name": "Ferme Neuve", "slug": "ferme-neuve",
                                                        "group": "amap-neuve"})
    assert response.status_code == 303
    response = await post_form(client, "/admin/roles", {"email": "bob@example.org", "role": "coordinator",
                                                        "target": "amap-neuve"})
    assert response.status_code == 303
    await post_form(client, "/logout")
    await login(client, "bob@example.org")
    assert "AMAP Neuve" in (await client.get("/committee?group=amap-neuve")).text


async def test_admin_forms_refuse_duplicates_and_unknown_targets(client, world):
    await login(client, "ada@example.org")
    taken = await post_form(client, "/admin/groups", {"name": "Copie", "slug": "tilleuls"})
    # One page, several forms with a "slug" field: each form's ids carry its own prefix, and the link finds its field.
    assert taken.status_code == 400 and 'href="#group-slug"' in taken.text and 'id="group-slug"' in taken.text
    bad_slug = await post_form(client, "/admin/groups", {"name": "Copie", "slug": "Not A Slug!"})
    assert bad_slug.status_code == 400
    unknown = await post_form(client, "/admin/roles", {"email": "bob@example.org", "role": "farmer", "target": "nope"})
    assert unknown.status_code == 400 and 'href="#target"' in unknown.text
    nobody = await post_form(client, "/admin/roles", {"email": "ghost@example.org", "role": "admin"})
    assert nobody.status_code == 400
    assert await Group.count() == 2


async def test_non_admin_cannot_post_to_admin_forms(client, world):
    await login(client, "carol@example.org")
    response = await post_form(client, "/admin/roles", {"email": "carol@example.org", "role": "admin"})
    assert response.status_code == 403


async def test_admin_creates_a_network_and_its_coordinator_brings_groups_and_farms_in(client, world):
    from amap.network.tables import NetworkFarm, NetworkGroup

    await login(client, "ada@example.org")
    assert (await post_form(client, "/admin/networks", {"name": "Réseau Sud", "slug": "sud"})).status_code == 303
    assert (await post_form(client, "/admin/networks", {"name": "Bis", "slug": "sud"})).status_code == 400
    await post_form(client, "/admin/roles", {"email": "cyril@example.org", "role": "network", "target": "sud"})
    await post_form(client, "/logout")
    await login(client, "cyril@example.org")
    assert (await post_form(client, "/network/sud/groups", {"group": "canal"})).status_code == 303
    assert (await post_form(client, "/network/sud/farms", {"farm": "ferme-canal"})).status_code == 303
    page = await client.get("/network")
    assert "Réseau Sud" in page.text and "AMAP du Canal" in page.text and "Ferme du Canal" in page.text
    # Not into a network he does not coordinate, and not with made-up slugs.
    assert (await post_form(client, "/network/rhone/groups", {"group": "canal"})).status_code == 404
    assert (await post_form(client, "/network/sud/groups", {"group": "nowhere"})).status_code == 404
    assert await NetworkGroup.count().where(NetworkGroup.group == world.canal) == 1
    assert await NetworkFarm.count().where(NetworkFarm.farm == world.farm_canal) == 1
