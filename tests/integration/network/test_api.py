"""`/api/v1/networks/...` and `/api/v1/producers/...`: the public directory, for token holders."""

from amap.accounts.services import create_api_token
from amap.farms.tables import Farm
from tests.integration.network import trade


async def bearer(world, who: str = "erin") -> dict:
    return {"authorization": f"Bearer {await create_api_token(world.users[who], 'test')}"}


async def test_a_network_lists_its_groups_and_producers(client, world):
    await Farm.update({Farm.address: "12 chemin des Vignes, 69440 Mornant"}).where(Farm.id == world.farm_tilleuls)
    response = await client.get("/api/v1/networks/rhone", headers=await bearer(world))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Réseau Rhône" and body["slug"] == "rhone"
    assert body["groups"] == [{"name": "AMAP des Tilleuls", "slug": "tilleuls", "city": "Lyon", "kind": "amap"}]
    assert body["producers"] == [{"name": "Ferme des Tilleuls", "slug": "ferme-tilleuls", "production": "vegetables",
                                  "town": "Mornant",
                                  "groups": [{"name": "AMAP des Tilleuls", "slug": "tilleuls", "city": "Lyon"}]}]
    producers = await client.get("/api/v1/networks/rhone/producers", headers=await bearer(world))
    assert producers.status_code == 200 and producers.json() == body["producers"]


async def test_a_producers_profile_holds_its_catalog_and_no_personal_data(client, world):
    parts = [{"category": "producer", "label": "ferme", "cents": 200}, {"category": "tax", "label": "TVA", "cents": 11}]
    await trade.product(world.farm_tilleuls, "Oeufs", "boîte de 6", 211, parts, packaging=2)
    response = await client.get("/api/v1/producers/ferme-tilleuls", headers=await bearer(world))
    assert response.status_code == 200
    body = response.json()
    assert body["networks"] == [{"name": "Réseau Rhône", "slug": "rhone"}]
    assert body["products"] == [{"name": "Oeufs", "description": "", "unit": "boîte de 6", "price_cents": 211,
                                 "packaging": 2, "min_quantity": 1, "price_parts": parts}]
    assert "@" not in response.text and "Dan" not in response.text


async def test_the_directory_api_needs_a_token_and_says_404_for_unknown_slugs(client, world):
    assert (await client.get("/api/v1/networks/rhone")).status_code == 401
    assert (await client.get("/api/v1/producers/ferme-tilleuls")).status_code == 401
    headers = await bearer(world)
    assert (await client.get("/api/v1/networks/nowhere", headers=headers)).status_code == 404
    assert (await client.get("/api/v1/networks/nowhere/producers", headers=headers)).status_code == 404
    assert (await client.get("/api/v1/producers/nowhere", headers=headers)).status_code == 404


async def test_the_openapi_document_describes_the_directory(client, world):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {"/api/v1/networks/{slug}", "/api/v1/networks/{slug}/producers", "/api/v1/producers/{slug}"} <= set(paths)
