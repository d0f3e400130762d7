"""`/network`: the coordinator's groups and producers, brought in and out with their history kept."""

from amap.network.tables import Network, NetworkCoordinator, NetworkFarm, NetworkGroup
from tests.integration.conftest import login, post_form


async def another_network(world) -> None:
    other = (await Network.insert(Network(name="Réseau Sud", slug="sud")).returning(Network.id))[0]["id"]
    await NetworkCoordinator.insert(NetworkCoordinator(network=other, user=world.users["cyril"]))


async def test_a_coordinator_of_another_network_gets_404_on_this_one(client, world):
    await another_network(world)
    await login(client, "cyril@example.org")
    assert (await client.get("/network?network=sud")).status_code == 200
    assert (await client.get("/network?network=rhone")).status_code == 404
    assert (await client.get("/network/demand?network=rhone")).status_code == 404
    assert (await post_form(client, "/network/rhone/groups/tilleuls/remove", page="/network")).status_code == 404
    assert (await post_form(client, "/network/rhone/farms/ferme-tilleuls/remove")).status_code == 404
    assert await NetworkGroup.count().where(NetworkGroup.left_at.is_not_null()) == 0


async def test_members_and_households_cannot_open_the_network_page(client, world):
    await login(client, "alice@example.org")
    assert (await client.get("/network")).status_code == 403
    assert (await client.get("/network/demand")).status_code == 403


async def test_the_coordinator_adds_a_group_with_its_kind_and_changes_it(client, world):
    await login(client, "nina@example.org")
    response = await post_form(client, "/network/rhone/groups", {"group": "canal", "kind": "collective"},
                               page="/network")
    assert response.status_code == 303
    row = await NetworkGroup.select().where(NetworkGroup.group == world.canal).first()
    assert row["kind"] == "collective" and row["left_at"] is None
    page = await client.get("/network")
    assert "AMAP du Canal" in page.text and "collectif de consommateurs" in page.text
    assert (await post_form(client, "/network/rhone/groups/canal/kind", {"kind": "kitchen"})).status_code == 303
    assert (await NetworkGroup.select().where(NetworkGroup.group == world.canal).first())["kind"] == "kitchen"


async def test_a_bad_kind_is_refused_with_a_message_and_nothing_saved(client, world):
    await login(client, "nina@example.org")
    refused = await post_form(client, "/network/rhone/groups", {"group": "canal", "kind": "bank"}, page="/network")
    assert refused.status_code == 400 and 'href="#kind"' in refused.text
    assert await NetworkGroup.count().where(NetworkGroup.group == world.canal) == 0
    refused = await post_form(client, "/network/rhone/groups/tilleuls/kind", {"kind": ""})
    assert refused.status_code == 400
    assert (await NetworkGroup.select().where(NetworkGroup.group == world.tilleuls).first())["kind"] == "amap"


async def test_removing_keeps_the_history_and_a_group_may_join_again(client, world):
    await login(client, "nina@example.org")
    assert (await post_form(client, "/network/rhone/groups/tilleuls/remove", page="/network")).status_code == 303
    assert (await post_form(client, "/network/rhone/farms/ferme-tilleuls/remove")).status_code == 303
    rows = await NetworkGroup.select().where(NetworkGroup.group == world.tilleuls)
    assert len(rows) == 1 and rows[0]["left_at"] is not None and rows[0]["left_by"] == world.users["nina"]
    assert (await NetworkFarm.select().where(NetworkFarm.farm == world.farm_tilleuls).first())["left_at"] is not None
    page = await client.get("/network")
    assert 'data-testid="former-members"' in page.text and "retiré par Nina" in page.text
    assert "Nina" not in (await client.get("/networks/rhone")).text
    # Removing twice finds nothing to remove; joining again is a new row, the old one stays.
    assert (await post_form(client, "/network/rhone/groups/tilleuls/remove")).status_code == 404
    assert (await post_form(client, "/network/rhone/groups", {"group": "tilleuls"})).status_code == 303
    assert await NetworkGroup.count().where(NetworkGroup.group == world.tilleuls) == 2
    assert await NetworkGroup.count().where((NetworkGroup.group == world.tilleuls)
                                            & NetworkGroup.left_at.is_null()) == 1
