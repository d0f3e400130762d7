"""The directory's public pages: a network and a producer, with public data only."""

from amap.accounts.tables import User
from amap.farms.tables import Farm
from amap.network.tables import NetworkGroup
from tests.integration.network import trade

PARTS = [{"category": "producer", "label": "travail à la ferme", "cents": 300},
         {"category": "transport", "label": "tournée", "cents": 50}]


async def a_published_farm(world) -> None:
    await Farm.update({Farm.address: "Le Bourg, 12 chemin des Vignes, 69440 Mornant",
                       Farm.description: "Maraîchage sur sol vivant.", Farm.practices: "Agriculture biologique."}).where(
        Farm.id == world.farm_tilleuls)
    await User.update({User.name: "Daniel Fermier-Privé"}).where(User.id == world.users["dan"])
    await trade.product(world.farm_tilleuls, "Carottes", "sac de 1 kg", 350, PARTS)
    await trade.product(world.farm_tilleuls, "Vieux produit", "pièce", 100, archived_at=trade.OPENS)


async def test_anyone_reads_a_networks_page_with_its_groups_and_producers(client, world):
    await a_published_farm(world)
    await NetworkGroup.update({NetworkGroup.kind: "kitchen"}).where(NetworkGroup.group == world.tilleuls)
    page = await client.get("/networks/rhone")
    assert page.status_code == 200
    assert "Réseau Rhône" in page.text and "AMAP des Tilleuls" in page.text and "cuisine solidaire" in page.text
    assert 'href="/producers/ferme-tilleuls"' in page.text and "Mornant" in page.text
    assert "AMAP du Canal" not in page.text and "Ferme du Canal" not in page.text  # not members
    for private in ("chemin des Vignes", "nina@example.org", "Nina", "Daniel Fermier-Privé", "dan@example.org"):
        assert private not in page.text


async def test_anyone_reads_a_producers_profile_catalog_groups_and_networks(client, world):
    await a_published_farm(world)
    page = await client.get("/producers/ferme-tilleuls")
    assert page.status_code == 200
    text = page.text
    assert "Ferme des Tilleuls" in text and "Maraîchage sur sol vivant." in text and "Agriculture biologique." in text
    assert "Mornant" in text and "chemin des Vignes" not in text
    assert "Carottes" in text and "sac de 1 kg" in text and "3,50" in text
    assert "travail à la ferme" in text and "tournée" in text  # the fair-price composition beside the price
    assert "Vieux produit" not in text  # archived
    assert 'href="/groups/tilleuls"' in text and 'href="/networks/rhone"' in text
    assert "Daniel Fermier-Privé" not in text and "dan@example.org" not in text and "contact@" not in text


async def test_unknown_network_and_producer_are_404(client, world):
    assert (await client.get("/networks/nowhere")).status_code == 404
    assert (await client.get("/producers/nowhere")).status_code == 404


async def test_the_front_directory_links_networks_and_producers(client, world):
    page = await client.get("/")
    assert 'href="/networks/rhone"' in page.text
    assert 'href="/producers/ferme-tilleuls"' in page.text and 'href="/producers/ferme-canal"' in page.text


async def test_a_group_that_left_the_network_is_no_longer_listed(client, world):
    await NetworkGroup.update({NetworkGroup.left_at: trade.OPENS}).where(NetworkGroup.group == world.tilleuls)
    page = await client.get("/networks/rhone")
    assert "AMAP des Tilleuls" not in page.text.split('id="producers-title"')[0]
