"""The JSON API: bearer tokens only, JSON errors, an OpenAPI document."""

from amap.accounts.services import create_api_token
from tests.integration.conftest import login


async def test_api_me_describes_the_token_holder_household_and_roles(client, world):
    token = await create_api_token(world.users["carol"], "test")
    response = await client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "carol@example.org" and body["is_admin"] is False
    assert body["groups"] == [{"id": world.tilleuls, "name": "AMAP des Tilleuls", "slug": "tilleuls",
                               "roles": ["coordinator", "member"]}]


async def test_api_me_lists_both_adults_of_a_household(client, world):
    token = await create_api_token(world.users["arthur"], "test")
    body = (await client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})).json()
    assert body["household_adults"] == ["Alice", "Arthur"]
    assert body["groups"][0]["roles"] == ["member"]


async def test_api_without_or_with_a_bad_token_is_401_json(client, world):
    for headers in ({}, {"authorization": "Bearer amap_not-a-real-token"}, {"authorization": "Basic abc"}):
        response = await client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.json()["status_code"] == 401
        assert response.headers["www-authenticate"] == "Bearer"


async def test_api_ignores_the_browser_session_cookie(client, world):
    await login(client, "alice@example.org")
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_openapi_document_lists_the_api_and_its_bearer_scheme(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/me" in schema["paths"]
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
