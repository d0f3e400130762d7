"""The orders API: open windows and their catalogs, placing and replacing an order, reading the
household's orders; the status codes for each refusal."""

import pytest
import time_machine

from amap.orders.ordering import place_order
from amap.orders.tables import Order, WindowProduct
from tests.integration.contracts.test_api import bearer
from tests.integration.orders.test_ordering import DURING, add_window, reserved

pytestmark = pytest.mark.usefixtures("window_open")


@pytest.fixture
def window_open():
    with time_machine.travel("2027-03-05 10:00 +01:00", tick=False):
        yield


async def test_members_list_the_windows_open_for_their_groups(client, world):
    shop = await add_window(world)
    await add_window(world, published=False)
    listed = (await client.get("/api/v1/order-windows", headers=await bearer(world, "alice"))).json()
    assert [w["id"] for w in listed] == [shop.window]
    assert listed[0]["farm"] == "Ferme des Tilleuls" and listed[0]["is_open"] is True
    assert listed[0]["delivery"]["distribution_id"] == shop.distribution
    assert listed[0]["delivery"]["held_on"] == "2027-03-11"
    assert (await client.get("/api/v1/order-windows", headers=await bearer(world, "erin"))).json() == []


async def test_a_windows_catalog_has_prices_and_stock_left(client, world):
    shop = await add_window(world)
    await place_order(shop.window, world.households["bob"], world.users["bob"], {shop.lamb: 2}, DURING)
    detail = (await client.get(f"/api/v1/order-windows/{shop.window}", headers=await bearer(world, "alice"))).json()
    products = {p["id"]: p for p in detail["products"]}
    assert products[shop.honey]["price_cents"] == 900 and products[shop.honey]["vat_rate_bp"] == 550
    assert products[shop.honey]["price_parts"][0] == {"category": "producer", "label": "le travail de la ferme",
                                                      "cents": 600}
    assert products[shop.lamb]["stock"] == 3 and products[shop.lamb]["stock_left"] == 1
    assert products[shop.juice]["stock_left"] is None and products[shop.juice]["packaging"] == 6


async def test_another_groups_window_is_404(client, world):
    shop = await add_window(world)
    headers = await bearer(world, "erin")
    assert (await client.get(f"/api/v1/order-windows/{shop.window}", headers=headers)).status_code == 404
    response = await client.post("/api/v1/orders", json={"window": shop.window, "lines": [
        {"product": shop.honey, "quantity": 1}]}, headers=headers)
    assert response.status_code == 404 and await Order.count() == 0


async def test_placing_then_replacing_an_order(client, world):
    shop = await add_window(world)
    headers = await bearer(world, "alice")
    response = await client.post("/api/v1/orders", json={"window": shop.window, "lines": [
        {"product": shop.honey, "quantity": 2}, {"product": shop.juice, "quantity": 6}]}, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["total_cents"] == 2 * 900 + 6 * 350 and body["status"] == "open"
    assert {(line["product"], line["quantity"], line["total_cents"]) for line in body["lines"]} == {
        (shop.honey, 2, 1800), (shop.juice, 6, 2100)}
    again = await client.post("/api/v1/orders", json={"window": shop.window, "lines": [
        {"product": shop.lamb, "quantity": 1}]}, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == body["id"] and again.json()["total_cents"] == 8500
    assert (await reserved(shop.honey), await reserved(shop.lamb)) == (0, 1)


async def test_a_short_stock_is_409_and_saves_nothing(client, world):
    shop = await add_window(world)
    await place_order(shop.window, world.households["bob"], world.users["bob"], {shop.lamb: 3}, DURING)
    response = await client.post("/api/v1/orders", json={"window": shop.window, "lines": [
        {"product": shop.honey, "quantity": 1}, {"product": shop.lamb, "quantity": 1}]},
        headers=await bearer(world, "alice"))
    assert response.status_code == 409 and "Colis d'agneau" in response.json()["detail"]
    assert await Order.count() == 1 and await reserved(shop.honey) == 0


@pytest.mark.parametrize("lines", [
    [{"product": "honey", "quantity": -1}],
    [{"product": "juice", "quantity": 5}],
    [{"product": "honey", "quantity": "two"}],
    [{"product": "honey"}],
    [{"product": 999999, "quantity": 1}],
    [{"product": "honey", "quantity": 1}, {"product": "honey", "quantity": 2}],
    [],
])
async def test_bad_orders_get_400_and_save_nothing(client, world, lines):
    shop = await add_window(world)
    lines = [{**line, "product": getattr(shop, line["product"]) if isinstance(line["product"], str) else line["product"]}
             for line in lines]
    response = await client.post("/api/v1/orders", json={"window": shop.window, "lines": lines},
                                 headers=await bearer(world, "alice"))
    assert response.status_code == 400, response.text
    assert await Order.count() == 0 and await WindowProduct.count().where(WindowProduct.reserved != 0) == 0


async def test_a_bad_quantity_is_named_in_errors(client, world):
    shop = await add_window(world)
    response = await client.post("/api/v1/orders", json={"window": shop.window, "lines": [
        {"product": shop.honey, "quantity": 1}, {"product": shop.juice, "quantity": 5}]},
        headers=await bearer(world, "alice"))
    assert response.status_code == 400
    assert [error["key"] for error in response.json()["errors"]] == ["lines[1].quantity"]


async def test_a_closed_window_is_403(client, world):
    shop = await add_window(world)
    headers = await bearer(world, "alice")
    with time_machine.travel("2027-03-10 19:30 +01:00", tick=False):
        response = await client.post("/api/v1/orders", json={"window": shop.window, "lines": [
            {"product": shop.honey, "quantity": 1}]}, headers=headers)
    assert response.status_code == 403 and await Order.count() == 0


async def test_the_household_reads_its_own_orders_only(client, world):
    shop = await add_window(world)
    mine = await place_order(shop.window, world.households["alice"], world.users["alice"], {shop.honey: 2}, DURING)
    theirs = await place_order(shop.window, world.households["bob"], world.users["bob"], {shop.lamb: 1}, DURING)
    headers = await bearer(world, "arthur")  # Alice's household
    listed = (await client.get("/api/v1/orders", headers=headers)).json()
    assert [o["id"] for o in listed] == [mine["id"]] and listed[0]["total_cents"] == 1800
    detail = await client.get(f"/api/v1/orders/{mine['id']}", headers=headers)
    assert detail.status_code == 200 and detail.json()["lines"][0]["name"] == "Miel de printemps"
    assert (await client.get(f"/api/v1/orders/{theirs['id']}", headers=headers)).status_code == 404
    assert (await client.get("/api/v1/orders/999999", headers=headers)).status_code == 404


async def test_the_api_needs_a_token(client, world):
    assert (await client.get("/api/v1/orders")).status_code == 401
    assert (await client.post("/api/v1/orders", json={"window": 1, "lines": []})).status_code == 401


async def test_the_openapi_document_describes_the_orders_api(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {"/api/v1/order-windows", "/api/v1/order-windows/{window_id}", "/api/v1/orders",
            "/api/v1/orders/{order_id}"} <= set(paths)
    assert "409" in paths["/api/v1/orders"]["post"]["summary"]
