"""The committee marks a member household as an organisation buying in quantity."""

from __future__ import annotations

from amap.orders.tables import BulkBuyer
from tests.integration.conftest import login, post_form

PAGE = "/committee/tilleuls/organisations"


async def test_the_committee_marks_a_household_as_a_community_kitchen_and_back(client, world):
    bob = world.households["bob"]
    await login(client, world.email("carol"))
    page = await client.get(PAGE)
    assert page.status_code == 200 and f'data-testid="organisation-{bob}"' in page.text
    response = await post_form(client, f"{PAGE}/{bob}", {"kind": "kitchen", "contact": "80 repas par jour"})
    assert response.status_code == 303
    row = await BulkBuyer.select().where(BulkBuyer.household == bob).first()
    assert (row["kind"], row["contact"], row["active"]) == ("kitchen", "80 repas par jour", True)
    await post_form(client, f"{PAGE}/{bob}", {"kind": "restaurant", "contact": ""})
    assert (await BulkBuyer.select().where(BulkBuyer.household == bob).first())["kind"] == "restaurant"
    await post_form(client, f"{PAGE}/{bob}", {"kind": ""})
    assert not (await BulkBuyer.select().where(BulkBuyer.household == bob).first())["active"]
    assert await BulkBuyer.count() == 1


async def test_bad_kinds_other_groups_and_members_change_nothing(client, world):
    await login(client, world.email("carol"))
    await post_form(client, f"{PAGE}/{world.households['bob']}", {"kind": "bank"})
    erin = world.households["erin"]  # a member of the Canal, not of the Tilleuls
    assert (await post_form(client, f"{PAGE}/{erin}", {"kind": "kitchen"})).status_code == 404
    assert (await client.get("/committee/canal/organisations")).status_code == 404
    client.cookies.clear()
    await login(client, world.email("alice"))
    assert (await client.get(PAGE)).status_code in (403, 404)
    assert (await post_form(client, f"{PAGE}/{world.households['alice']}", {"kind": "kitchen"})).status_code in (403, 404)
    assert await BulkBuyer.count() == 0


async def test_the_members_are_paged_and_searched_and_the_organisations_counted_for_the_whole_group(client, world):
    from tests.integration.households import add_household, add_households

    names = await add_households(world, world.tilleuls, 55)
    await add_household(world, "cantine", world.tilleuls, name="Cantine Solidaire Élan")
    await BulkBuyer.insert(BulkBuyer(household=world.households["cantine"], kind="kitchen", contact=""),
                           BulkBuyer(household=world.households[names[-1]], kind="collective", contact=""))
    await login(client, world.email("carol"))
    client.headers["accept-language"] = "en"
    first, second = await client.get(PAGE), await client.get(f"{PAGE}?page=2")
    assert first.text.count('data-testid="organisation-') - 1 == 50  # the count's testid aside
    assert second.text.count('data-testid="organisation-') - 1 == 59 - 50
    for page in (first, second):
        assert "2 organisations among the group's members" in page.text
    found = await client.get(PAGE, params={"q": "elan"}, headers={"hx-request": "true", "hx-target": "organisation-list"})
    assert found.text.lstrip().startswith('<div id="organisation-list">')
    assert f'data-testid="organisation-{world.households["cantine"]}"' in found.text
    assert found.text.count('data-testid="organisation-') == 1
    assert (await client.get(f"{PAGE}?page=abc")).status_code == 400
    assert (await client.get(f"{PAGE}?page=3")).status_code == 404
