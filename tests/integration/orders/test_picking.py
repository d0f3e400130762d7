"""Picking lists, the tour sheet and payments for orders: per stop in tour order, household by
household with organisations flagged, totals exact to the cent per stop and overall."""

from __future__ import annotations

import html
import re

import pytest
import time_machine

from amap.lib.money import format_cents
from amap.orders.picking import picking
from amap.orders.tables import BulkBuyer, OrderPayment, WindowStop
from tests.integration.conftest import login, post_form
from tests.integration.orders.producer_world import AFTER, add_order, add_shop


def euros(cents: int) -> str:
    return format_cents(cents, "fr")


@pytest.fixture
async def orders(world):
    """The Canal is the tour's first stop, the Tilleuls the second. Carol's household is a
    community kitchen; Bob's order was cancelled."""
    shop = await add_shop(world, groups=(world.canal, world.tilleuls))
    await BulkBuyer.insert(BulkBuyer(household=world.households["carol"], kind="kitchen"))
    ids = {
        "alice": await add_order(world, shop, "alice", {"honey": 2, "juice": 3, "lamb": 1}),  # 18,00 + 9,99 + 85,00
        "carol": await add_order(world, shop, "carol", {"juice": 30}),  # 99,90
        "bob": await add_order(world, shop, "bob", {"lamb": 4}, status="cancelled"),
        "erin": await add_order(world, shop, "erin", {"juice": 1, "honey": 1}, group=world.canal,
                                status="locked"),  # 3,33 + 9,00
    }
    return shop, ids


async def test_picking_totals_are_exact_to_the_cent_per_stop_and_overall(world, orders):
    shop, ids = orders
    figures = await picking(shop.window)
    canal, tilleuls = figures["stops"]
    assert [canal["group_name"], tilleuls["group_name"]] == ["AMAP du Canal", "AMAP des Tilleuls"]
    assert [order["household_name"] for order in tilleuls["orders"]] == ["Alice", "Carol"]  # Bob cancelled
    assert (canal["total_cents"], tilleuls["total_cents"], figures["total_cents"]) == (1233, 21289, 22522)
    assert {p["name"]: (p["quantity"], p["total_cents"]) for p in tilleuls["products"]} == {
        "Colis d'agneau": (1, 8500), "Jus de pomme": (33, 10989), "Miel de printemps": (2, 1800)}
    overall = {p["name"]: (p["quantity"], p["total_cents"]) for p in figures["products"]}
    assert overall == {"Colis d'agneau": (1, 8500), "Jus de pomme": (34, 11322), "Miel de printemps": (3, 2700)}
    assert sum(total for _, total in overall.values()) == figures["total_cents"] == sum(
        stop["total_cents"] for stop in figures["stops"])
    assert figures["orders"] == 3


async def test_the_picking_page_lists_each_stop_in_tour_order_with_organisations_flagged(client, world, orders):
    shop, ids = orders
    with time_machine.travel(AFTER, tick=False):
        await login(client, "dan@example.org")
        page = await client.get(f"/farm/windows/{shop.window}/picking")
    assert page.status_code == 200
    stops = page.text.split('data-testid="picking-stop"')[1:]
    assert "AMAP du Canal" in stops[0] and "AMAP des Tilleuls" in stops[1]
    assert "Erin" in stops[0] and "Alice" in stops[1] and "Bob" not in page.text
    carol = page.text.split(f'data-testid="picking-order-{ids["carol"]}"')[1].split("</tr>")[0]
    assert 'data-testid="bulk-buyer"' in carol and "30 × Jus de pomme" in carol
    alice = page.text.split(f'data-testid="picking-order-{ids["alice"]}"')[1].split("</tr>")[0]
    assert 'data-testid="bulk-buyer"' not in alice and euros(11299) in alice
    assert euros(1233) in stops[0].split('data-testid="stop-total"')[1][:60]
    assert euros(21289) in stops[1].split('data-testid="stop-total"')[1][:60]
    assert euros(22522) in page.text.split('data-testid="overall-total"')[1][:60]
    assert 'class="printable"' in page.text and "data-print" in page.text


async def test_the_tour_sheet_lists_the_stops_in_tour_order_with_what_to_unload(client, world, orders):
    shop, _ids = orders
    # The farmer swaps the stops: the Tilleuls first now.
    await WindowStop.update({WindowStop.position: 3}).where(WindowStop.id == shop.stops[world.canal])
    with time_machine.travel(AFTER, tick=False):
        await login(client, "dan@example.org")
        page = await client.get(f"/farm/windows/{shop.window}/tour")
    assert page.status_code == 200
    stops = [html.unescape(stop) for stop in page.text.split('data-testid="tour-stop"')[1:]]
    assert "AMAP des Tilleuls" in stops[0] and "AMAP du Canal" in stops[1]
    assert "18:45" in stops[0] and "1 place du Marché" in stops[0]  # planned arrival, address
    assert "jeudi 13 mai 2027" in stops[0].lower()
    unload = re.findall(r"<td>([^<]+) <small>[^<]*</small></td><td class=\"amount\">(\d+)</td>", stops[0])
    assert unload == [("Colis d'agneau", "1"), ("Jus de pomme", "33"), ("Miel de printemps", "2")]
    load = page.text.split('data-testid="tour-load"')[1]
    assert re.search(r"Jus de pomme <small>[^<]*</small></td><td class=\"amount\">34<", load)


async def test_the_producer_records_payments_and_sees_what_is_still_due(client, world, orders):
    shop, ids = orders
    with time_machine.travel(AFTER, tick=False):
        await login(client, "dan@example.org")
        form = await client.get(f"/farm/windows/{shop.window}/picking?order={ids['alice']}")
        assert 'value="112,99"' in form.text  # prefilled with what the order owes
        response = await post_form(client, f"/farm/windows/{shop.window}/payments", {
            "order": str(ids["alice"]), "amount": "100", "method": "cheque", "received_on": "2027-05-10"})
        assert response.status_code == 303
        response = await post_form(client, f"/farm/windows/{shop.window}/payments", {
            "order": str(ids["alice"]), "amount": "-10,00", "method": "cheque", "received_on": "2027-05-10",
            "note": "chèque mal rempli"})
        assert response.status_code == 303
        page = await client.get(f"/farm/windows/{shop.window}/picking")
    alice = page.text.split(f'data-testid="picking-order-{ids["alice"]}"')[1].split("</tr>")[0]
    assert euros(9000) in alice and euros(2299) in alice  # paid 90,00, 22,99 still due
    assert euros(9000) in page.text.split('data-testid="overall-paid"')[1][:60]
    rows = await OrderPayment.select().where(OrderPayment.order == ids["alice"]).order_by(OrderPayment.id)
    assert [(row["amount_cents"], row["method"], row["recorded_by"]) for row in rows] == [
        (10000, "cheque", world.users["dan"]), (-1000, "cheque", world.users["dan"])]


@pytest.mark.parametrize(("changes", "field"), [
    ({"amount": "douze"}, "amount"), ({"amount": "0"}, "amount"), ({"amount": "-5"}, "note"),
    ({"method": "bitcoin"}, "method"), ({"received_on": "2027-05-11"}, "received_on"),
    ({"order": "cancelled"}, "order"), ({"order": "999999"}, "order"),
])
async def test_a_bad_payment_is_refused_beside_its_field_and_nothing_is_recorded(client, world, orders, changes,
                                                                                 field):
    shop, ids = orders
    data = {"order": str(ids["alice"]), "amount": "10", "method": "cash", "received_on": "2027-05-10"} | changes
    if data["order"] == "cancelled":
        data["order"] = str(ids["bob"])  # a cancelled order is not on the list
    with time_machine.travel(AFTER, tick=False):
        await login(client, "dan@example.org")
        response = await post_form(client, f"/farm/windows/{shop.window}/payments", data)
    assert response.status_code == 400 and f'href="#{field}"' in response.text
    assert not await OrderPayment.exists()


async def test_the_producer_reads_the_picking_list_through_the_api_and_nobody_else_does(client, world, orders):
    from amap.accounts.services import create_api_token

    shop, ids = orders
    dan = {"authorization": f"Bearer {await create_api_token(world.users['dan'], 'test')}"}
    response = await client.get(f"/api/v1/order-windows/{shop.window}/picking", headers=dan)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [stop["group"] for stop in body["stops"]] == ["AMAP du Canal", "AMAP des Tilleuls"]
    assert (body["total_cents"], body["orders"]) == (22522, 3)
    tilleuls = body["stops"][1]
    assert [o["household"] for o in tilleuls["orders"]] == ["Alice", "Carol"]
    assert next(o for o in tilleuls["orders"] if o["household"] == "Carol")["organisation"] == "kitchen"
    assert sum(p["total_cents"] for p in body["products"]) == body["total_cents"]
    for who in ("fanny", "alice", "carol"):  # another farm's farmer, a member, a coordinator
        headers = {"authorization": f"Bearer {await create_api_token(world.users[who], 'test')}"}
        assert (await client.get(f"/api/v1/order-windows/{shop.window}/picking", headers=headers)).status_code == 404
    assert (await client.get(f"/api/v1/order-windows/{shop.window}/picking")).status_code == 401


async def test_an_order_shows_collected_once_the_sign_off_sheet_ticks_the_household(client, world, orders):
    from amap.distributions.sheet import record

    shop, ids = orders
    tilleuls_day = shop.distributions[world.tilleuls]
    await record(tilleuls_day, world.households["alice"], "collected", "tick-1", world.users["carol"])
    figures = await picking(shop.window)
    collected = {o["household_name"]: o["collected"] for stop in figures["stops"] for o in stop["orders"]}
    assert collected == {"Alice": True, "Carol": False, "Erin": False}
    await record(tilleuls_day, world.households["alice"], "undone", "tick-2", world.users["carol"])
    assert not next(o for o in (await picking(shop.window))["stops"][1]["orders"] if o["household_name"] == "Alice")[
        "collected"]
