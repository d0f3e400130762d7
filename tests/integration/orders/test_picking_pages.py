"""Picking lists of a big window: the figures added up by the database, the orders 50 a page,
one stop or all, searched by household."""

from __future__ import annotations

import re

import pytest
import time_machine

from amap.lib.pagination import PAGE_SIZE
from amap.orders.figures import _orders_of, order_page, orders_where, stops_of_page, window_figures
from amap.orders.picking import picking
from amap.orders.tables import BulkBuyer, Order, OrderPayment
from tests.integration.conftest import login, post_form
from tests.integration.households import add_household
from tests.integration.orders.producer_world import AFTER, add_order, add_shop
from tests.integration.orders.test_picking import orders  # noqa: F401 - the fixture
from tests.queries import counted_queries


def listed(text: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="picking-order-(\d+)"', text)]


async def test_the_database_adds_up_what_picking_adds_up(world, orders):  # noqa: F811
    shop, ids = orders
    await OrderPayment.insert(OrderPayment(order=ids["alice"], amount_cents=5000, method="cash", received_on=AFTER),
                              OrderPayment(order=ids["bob"], amount_cents=100, method="cash", received_on=AFTER))
    expected, found = await picking(shop.window), (await window_figures([shop.window]))[shop.window]
    assert [(s["id"], len(s["orders"]), s["total_cents"], s["paid_cents"], s["products"]) for s in expected["stops"]] \
        == [(s["id"], s["orders"], s["total_cents"], s["paid_cents"],
             [{k: p[k] for k in ("id", "name", "unit", "quantity", "total_cents")} for p in s["products"]])
            for s in found["stops"]]
    assert [{k: p[k] for k in ("id", "quantity", "total_cents", "stock", "reserved")} for p in expected["products"]] \
        == [{k: p[k] for k in ("id", "quantity", "total_cents", "stock", "reserved")} for p in found["products"]]
    assert (found["orders"], found["total_cents"], found["paid_cents"]) == (
        expected["orders"], expected["total_cents"], expected["paid_cents"])


@pytest.fixture
async def big_window(world):
    """60 orders at the Tilleuls' stop (Alice's, Bob's and 58 more households') and Erin's at the Canal's."""
    shop = await add_shop(world, groups=(world.canal, world.tilleuls), stocks={"honey": None, "lamb": None})
    await add_order(world, shop, "erin", {"honey": 1}, group=world.canal)
    await add_household(world, "heloise", world.tilleuls, name="Héloïse Lefèvre", second_adult="Noël")
    await add_order(world, shop, "heloise", {"juice": 2})
    for number in range(57):
        who = f"member{number:02d}"
        await add_household(world, who, world.tilleuls, name=f"Member {number:02d}")
        await add_order(world, shop, who, {"honey": 1})
    for who in ("alice", "bob"):
        await add_order(world, shop, who, {"lamb": 1})
    return shop


async def test_the_orders_are_paged_in_tour_order_and_the_stop_totals_are_the_whole_stops(client, world, big_window):
    shop = big_window
    with time_machine.travel(AFTER, tick=False):
        await login(client, "dan@example.org")
        first = await client.get(f"/farm/windows/{shop.window}/picking")
        second = await client.get(f"/farm/windows/{shop.window}/picking?page=2")
    assert len(listed(first.text)) == PAGE_SIZE and len(listed(second.text)) == 61 - PAGE_SIZE
    assert not set(listed(first.text)) & set(listed(second.text))
    assert first.text.index("AMAP du Canal") < first.text.index("AMAP des Tilleuls")  # the tour's order
    assert second.text.count('data-testid="picking-stop"') == 1  # only the Tilleuls' orders are left
    for page in (first, second):  # 57 x 9,00 + 2 x 85,00 + 2 x 3,33, the whole stop's on either page
        assert "689,66" in page.text.split('data-testid="stop-total"')[-1][:80]
        assert "698,66" in page.text.split('data-testid="overall-total"')[1][:80]  # and Erin's 9,00


async def test_one_stop_or_a_search_narrows_the_list_and_htmx_gets_it_alone(client, world, big_window):
    shop = big_window
    with time_machine.travel(AFTER, tick=False):
        await login(client, "dan@example.org")
        canal = await client.get(f"/farm/windows/{shop.window}/picking?stop={shop.stops[world.canal]}")
        found = await client.get(f"/farm/windows/{shop.window}/picking", params={"q": "HELOISE"},
                                 headers={"hx-request": "true", "hx-target": "picking-orders-list"})
        by_mail = await client.get(f"/farm/windows/{shop.window}/picking", params={"q": "member07@example.org"})
        other = await client.get(f"/farm/windows/{shop.window}/picking?stop=999999")
        bad = [await client.get(f"/farm/windows/{shop.window}/picking?{query}")
               for query in ("page=0", "page=x", "page=3", "stop=abc", "q=%00", "order=99999999999999")]
    assert len(listed(canal.text)) == 1 and "Erin" in canal.text
    assert found.text.lstrip().startswith('<div id="picking-orders-list">') and "<html" not in found.text
    assert len(listed(found.text)) == 1 and "Héloïse" in found.text
    assert len(listed(by_mail.text)) == 1 and "Member 07" in by_mail.text
    assert other.status_code == 404
    assert [response.status_code for response in bad] == [400, 400, 404, 400, 400, 200]


async def test_the_payment_form_offers_the_orders_listed_and_the_one_followed(client, world, big_window):
    shop = big_window
    with time_machine.travel(AFTER, tick=False):
        await login(client, "dan@example.org")
        second = await client.get(f"/farm/windows/{shop.window}/picking?page=2")
        last = listed(second.text)[-1]
        first = await client.get(f"/farm/windows/{shop.window}/picking?order={last}")
        paid = await post_form(client, f"/farm/windows/{shop.window}/payments", {
            "order": str(last), "amount": "85", "method": "cash", "received_on": "2027-05-10"})
        refused = await post_form(client, f"/farm/windows/{shop.window}/payments", {
            "order": "99999999999", "amount": "85", "method": "cash", "received_on": "2027-05-10"})
    assert f'<option value="{last}" selected' in first.text and 'value="9,00"' in first.text
    assert first.text.count("<option value=") < 70  # the page's orders, not the window's 61 plus every method
    assert paid.status_code == 303
    assert refused.status_code == 400 and 'href="#order"' in refused.text


async def test_a_later_page_flags_its_organisations_collections_and_payments_in_a_fixed_number_of_queries(
        client, world, big_window):
    from amap.distributions.sheet import record

    shop = big_window
    order_of = {row["household"]: row["id"] for row in await Order.select(Order.id, Order.household).where(
        Order.window == shop.window)}
    kitchen, closed, ticked, unticked = (world.households[f"member{n}"] for n in ("55", "56", "54", "53"))
    await BulkBuyer.insert(BulkBuyer(household=kitchen, kind="kitchen"),
                           BulkBuyer(household=closed, kind="restaurant", active=False))
    day = shop.distributions[world.tilleuls]
    await record(day, ticked, "collected", "tick-1", world.users["carol"])
    await record(day, unticked, "collected", "tick-2", world.users["carol"])
    await record(day, unticked, "undone", "tick-3", world.users["carol"])  # the latest event counts
    await OrderPayment.insert(OrderPayment(order=order_of[kitchen], amount_cents=500, method="cash", received_on=AFTER),
                              OrderPayment(order=order_of[kitchen], amount_cents=400, method="cheque",
                                           received_on=AFTER))
    with time_machine.travel(AFTER, tick=False):
        await login(client, "dan@example.org")
        with counted_queries() as first_queries:
            first = await client.get(f"/farm/windows/{shop.window}/picking")
        with counted_queries() as second_queries:
            second = await client.get(f"/farm/windows/{shop.window}/picking?page=2")
    # The orders and their lines in one query; their payments read only when the page has some (page 2).
    assert (first_queries[0], second_queries[0]) == (7, 8)
    row = {household: re.search(rf'data-testid="picking-order-{order_of[household]}".*?</tr>', second.text, re.S)
           for household in (kitchen, closed, ticked, unticked)}
    assert all(row.values()) and listed(second.text)[0] not in listed(first.text)
    assert 'data-testid="bulk-buyer"' in row[kitchen].group(0) and "bulk-buyer" not in row[closed].group(0)
    assert 'data-testid="collected"' in row[ticked].group(0) and "collected" not in row[unticked].group(0)
    due = re.search(r'data-testid="due">(.*?)</td>', row[kitchen].group(0), re.S).group(1)
    assert due.startswith('<span class="badge badge-active">payé</span>')  # 9,00 paid in two
    listed_payments = re.search(r'data-testid="order-payments">(.*?)</ul>', second.text, re.S).group(1)
    assert listed_payments.count("Member 55 · 10 mai 2027") == 2  # both payments, under the form
    assert 'data-testid="order-payments"' not in first.text  # none for the first page's orders


async def test_a_page_read_from_the_stops_it_covers_is_the_page_of_the_whole_window(world, big_window):
    shop = big_window
    stops = (await window_figures([shop.window]))[shop.window]["stops"]
    assert [s["orders"] for s in stops] == [1, 60]
    everything = [o["id"] for o in await _orders_of(orders_where(shop.window), 100, 0)]
    for limit in (1, 7, 50):
        for offset in range(0, 61, limit):
            page = await order_page(shop.window, stops=stops, limit=limit, offset=offset)
            assert [o["id"] for o in page] == everything[offset:offset + limit], (limit, offset)
    tilleuls = shop.stops[world.tilleuls]
    at_stop = await order_page(shop.window, stops=stops, stop=tilleuls, limit=50, offset=50)
    assert [o["id"] for o in at_stop] == everything[51:]


def test_the_stops_a_page_covers_and_where_it_starts_in_the_first():
    stops = [{"id": 1, "orders": 3}, {"id": 2, "orders": 0}, {"id": 3, "orders": 5}, {"id": 4, "orders": 2}]
    assert stops_of_page(stops, 2, 0) == ([1], 0)
    assert stops_of_page(stops, 2, 2) == ([1, 3], 2)  # the empty stop between them reads nothing
    assert stops_of_page(stops, 5, 3) == ([3], 0)
    assert stops_of_page(stops, 5, 5) == ([3, 4], 2)
    assert stops_of_page(stops, 50, 0) == ([1, 3, 4], 0)
    assert stops_of_page(stops, 5, 10) == ([], 10)
