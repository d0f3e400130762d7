"""The producer's catalog on /farm/catalog: products priced in euros with their fair-price
composition, checked field by field, edited, archived rather than deleted once offered, and
visible to the farm's own farmers only."""

from __future__ import annotations

import re

import pytest

from amap.orders.tables import Product
from tests.integration.conftest import login, post_form
from tests.integration.orders.producer_world import add_product, add_shop

HONEY = {"name": "Miel de châtaignier", "description": "Récolté en juillet", "unit": "pot de 500 g",
         "price": "9,50", "vat": "5,5", "packaging": "1", "min_quantity": "",
         "price_parts": "producer; travail de la ferme; 7,50\ntransport; tournée; 1,20\ngroup; local; 0,80"}


async def add(client, **changes):
    return await post_form(client, "/farm/catalog?farm=ferme-tilleuls", {**HONEY, **changes}, page="/farm")


def listed(html: str, testid: str) -> str:
    match = re.search(rf'<(ul|table)[^>]*data-testid="{testid}".*?</\1>', html, re.S)
    assert match, testid
    return match.group(0)


async def test_farmer_adds_a_product_with_its_price_vat_packaging_and_composition(client, world):
    await login(client, "dan@example.org")
    response = await add(client, packaging="6", min_quantity="12")
    assert response.status_code == 303 and response.headers["location"] == "/farm/catalog?farm=ferme-tilleuls"
    product = await Product.select().where(Product.name == "Miel de châtaignier").output(load_json=True).first()
    assert (product["farm"], product["unit"], product["price_cents"], product["vat_rate_bp"]) == (
        world.farm_tilleuls, "pot de 500 g", 950, 550)
    assert (product["packaging"], product["min_quantity"], product["archived_at"]) == (6, 12, None)
    assert [part["cents"] for part in product["price_parts"]] == [750, 120, 80]
    assert [part["category"] for part in product["price_parts"]] == ["producer", "transport", "group"]
    page = await client.get("/farm/catalog")
    assert page.status_code == 200 and "Miel de châtaignier" in listed(page.text, "catalog")


async def test_the_smallest_order_defaults_to_one_case_and_no_composition_is_allowed(client, world):
    await login(client, "dan@example.org")
    assert (await add(client, packaging="6", price_parts="", vat="")).status_code == 303
    product = await Product.select().output(load_json=True).first()
    assert (product["min_quantity"], product["vat_rate_bp"], product["price_parts"]) == (6, None, [])


async def test_a_composition_that_does_not_add_up_to_the_price_is_refused(client, world):
    await login(client, "dan@example.org")
    response = await add(client, price="10,00")
    assert response.status_code == 400 and 'href="#price_parts"' in response.text
    assert "9,50" in response.text and "10,00" in response.text  # the sum and the price, side by side
    assert "travail de la ferme; 7,50" in response.text  # what was typed is kept
    assert not await Product.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("price", "douze"), ("price", "-3"), ("price", "0"), ("price", "12,345"), ("price", ""),
    ("vat", "beaucoup"), ("vat", "120"), ("vat", "-5"), ("packaging", "0"), ("packaging", "six"),
    ("min_quantity", "0"), ("min_quantity", "8"), ("name", ""), ("unit", ""),
    ("price_parts", "travail; 9,50"),
])
async def test_a_garbled_number_or_a_missing_field_is_refused_beside_the_field(client, world, field, value):
    await login(client, "dan@example.org")
    changes = {field: value, "price_parts": ""} if field != "price_parts" else {field: value}
    if field == "min_quantity":
        changes["packaging"] = "6"  # 8 is not a multiple of a case of 6
    response = await add(client, **changes)
    assert response.status_code == 400 and f'href="#{field}"' in response.text
    assert f'id="{field}-error"' in response.text
    assert not await Product.exists()


async def test_farmer_edits_a_product_and_the_form_shows_what_is_saved(client, world):
    product = await add_product(world.farm_tilleuls, "Jus de pomme", "bouteille d'1 l", 350, vat_rate_bp=550,
                                price_parts=[{"category": "producer", "label": "pommes", "cents": 350}])
    await login(client, "dan@example.org")
    page = await client.get(f"/farm/catalog/{product}")
    assert page.status_code == 200 and 'value="3,50"' in page.text and 'value="5,5"' in page.text
    assert "producer; pommes; 3,50" in page.text
    response = await post_form(client, f"/farm/catalog/{product}", {
        "name": "Jus de pomme trouble", "unit": "bouteille d'1 l", "price": "3,80", "vat": "",
        "packaging": "6", "min_quantity": "6", "price_parts": ""})
    assert response.status_code == 303
    row = await Product.select().where(Product.id == product).first()
    assert (row["name"], row["price_cents"], row["vat_rate_bp"], row["packaging"]) == (
        "Jus de pomme trouble", 380, None, 6)


async def test_archiving_takes_a_product_out_of_the_catalog_and_restoring_puts_it_back(client, world):
    product = await add_product(world.farm_tilleuls, "Jus de pomme", "bouteille d'1 l", 350)
    await login(client, "dan@example.org")
    assert (await post_form(client, f"/farm/catalog/{product}/archive")).status_code == 303
    page = await client.get("/farm/catalog")
    assert "Jus de pomme" in listed(page.text, "archived-products") and 'data-testid="catalog"' not in page.text
    assert "Jus de pomme" not in (await client.get("/farm/windows/new")).text
    assert (await post_form(client, f"/farm/catalog/{product}/restore")).status_code == 303
    assert "Jus de pomme" in listed((await client.get("/farm/catalog")).text, "catalog")


async def test_a_product_offered_in_a_window_is_never_deleted_only_archived(client, world):
    shop = await add_shop(world)
    spare = await add_product(world.farm_tilleuls, "Confiture", "pot", 450)
    await login(client, "dan@example.org")
    assert (await post_form(client, f"/farm/catalog/{shop.products['honey']}/delete")).status_code == 303
    assert await Product.exists().where(Product.id == shop.products["honey"])
    assert (await post_form(client, f"/farm/catalog/{spare}/delete")).status_code == 303
    assert not await Product.exists().where(Product.id == spare)  # never offered: nothing to keep


async def test_another_farms_product_does_not_exist_for_a_farmer(client, world):
    theirs = await add_product(world.farm_canal, "Fromage", "pièce", 600)
    await login(client, "dan@example.org")
    assert (await client.get(f"/farm/catalog/{theirs}")).status_code == 404
    for action in ("", "/archive", "/restore", "/delete"):
        response = await post_form(client, f"/farm/catalog/{theirs}{action}", {**HONEY, "price_parts": ""})
        assert response.status_code == 404, action
    assert (await post_form(client, "/farm/catalog?farm=ferme-canal", HONEY)).status_code == 404
    row = await Product.select().where(Product.id == theirs).first()
    assert (row["name"], row["archived_at"]) == ("Fromage", None)
    assert await Product.count() == 1


async def test_members_and_coordinators_cannot_open_the_catalog(client, world):
    for who in ("alice", "carol"):
        await login(client, f"{who}@example.org")
        assert (await client.get("/farm/catalog")).status_code == 403
        assert (await add(client)).status_code == 403
