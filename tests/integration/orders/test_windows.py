"""Order windows on /farm/windows: making one with its products and the groups it serves, the
checks on dates and distributions, publishing, what may change once members order, cancelling,
the window's figures, and who may see it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from amap.farms.tables import FarmSupply
from amap.orders import reads
from amap.orders.tables import Order, OrderWindow, WindowProduct, WindowStop
from tests.integration.conftest import login, post_form
from tests.integration.orders.producer_world import (
    BEFORE,
    CLOSES,
    DELIVERY,
    DURING,
    HONEY_PARTS,
    add_distribution,
    add_order,
    add_product,
    add_products,
    add_shop,
)

FORM = {"title": "Agneau de printemps", "description": "Colis de 5 kg", "opens_at": "2027-05-01T08:00",
        "closes_at": "2027-05-10T20:00"}


@pytest.fixture
def before():
    with time_machine.travel(BEFORE, tick=False):
        yield


async def window_form(world, products: dict[str, int], distribution: int, **changes) -> dict:
    data = {**FORM, f"product_{products['honey']}": "on", f"price_{products['honey']}": "",
            f"stock_{products['honey']}": "20", f"product_{products['lamb']}": "on",
            f"price_{products['lamb']}": "80,00", f"stock_{products['lamb']}": "",
            f"group_{world.tilleuls}": "on", f"distribution_{world.tilleuls}": str(distribution),
            f"position_{world.tilleuls}": "1", f"arrives_{world.tilleuls}": "17:45"}
    return {key: value for key, value in (data | changes).items() if value is not None}


async def create(client, data: dict):
    return await post_form(client, "/farm/windows/new?farm=ferme-tilleuls", data, page="/farm")


async def test_farmer_makes_a_draft_window_in_paris_time_with_products_and_a_stop(client, world, before):
    products = await add_products(world.farm_tilleuls)
    distribution = await add_distribution(world.tilleuls)
    await login(client, "dan@example.org")
    form = await client.get("/farm/windows/new")
    assert form.status_code == 200 and 'value="9,00"' in form.text  # the catalog price, to keep or change
    response = await create(client, await window_form(world, products, distribution))
    assert response.status_code == 303, response.text
    window = await OrderWindow.select().first()
    assert response.headers["location"] == f"/farm/windows/{window['id']}"
    assert window["opens_at"] == datetime(2027, 5, 1, 6, 0, tzinfo=UTC)  # 8:00 in Paris, summer time
    assert window["closes_at"] == datetime(2027, 5, 10, 18, 0, tzinfo=UTC)
    assert (window["farm"], window["published_at"], window["created_by"]) == (
        world.farm_tilleuls, None, world.users["dan"])
    offered = {row["product"]: row for row in await WindowProduct.select().where(
        WindowProduct.window == window["id"]).output(load_json=True)}
    honey, lamb = offered[products["honey"]], offered[products["lamb"]]
    assert (honey["price_cents"], honey["stock"], honey["price_parts"]) == (900, 20, HONEY_PARTS)
    # Another price than the catalog's: its composition would be wrong, so none is copied.
    assert (lamb["price_cents"], lamb["stock"], lamb["price_parts"]) == (8000, None, [])
    assert products["juice"] not in offered
    stop = await WindowStop.select().where(WindowStop.window == window["id"]).first()
    assert (stop["group"], stop["distribution"], stop["position"], stop["arrives_at"]) == (
        world.tilleuls, distribution, 1, "17:45")
    page = await client.get(f"/farm/windows/{window['id']}")
    assert page.status_code == 200 and 'data-testid="window-state"' in page.text


@pytest.mark.parametrize(("changes", "field"), [
    ({"closes_at": "2027-04-30T20:00"}, "closes_at"),  # before it opens
    ({"closes_at": "2027-05-01T08:00"}, "closes_at"),  # the same instant
    ({"opens_at": "2027-04-01T08:00", "closes_at": "2027-04-19T20:00"}, "closes_at"),  # already over
    ({"opens_at": "le 1er mai"}, "opens_at"),
    ({"closes_at": ""}, "closes_at"),
    ({"opens_at": "2127-05-01T08:00"}, "opens_at"),
    ({"title": ""}, "title"),
])
async def test_window_dates_are_checked(client, world, before, changes, field):
    products = await add_products(world.farm_tilleuls)
    distribution = await add_distribution(world.tilleuls)
    await login(client, "dan@example.org")
    response = await create(client, await window_form(world, products, distribution, **changes))
    assert response.status_code == 400 and f'href="#{field}"' in response.text
    assert not await OrderWindow.exists() and not await WindowProduct.exists()


async def test_a_distribution_of_a_group_the_farm_does_not_supply_is_refused(client, world, before):
    products = await add_products(world.farm_tilleuls)
    ours, theirs = await add_distribution(world.tilleuls), await add_distribution(world.canal)
    await login(client, "dan@example.org")
    # The Canal ticked as a group served: the farm does not supply it.
    data = await window_form(world, products, ours, **{f"group_{world.canal}": "on",
                                                        f"distribution_{world.canal}": str(theirs)})
    response = await create(client, data)
    assert response.status_code == 400 and 'href="#groups"' in response.text
    # The Canal's distribution slipped under the Tilleuls' stop.
    response = await create(client, await window_form(world, products, theirs))
    assert response.status_code == 400 and f'href="#distribution_{world.tilleuls}"' in response.text
    assert not await OrderWindow.exists()


@pytest.mark.parametrize(("day", "starts"), [
    (DELIVERY.replace(day=6), time(18, 30)),  # a week before the window closes
    (DELIVERY.replace(month=4, day=15), time(18, 30)),  # already past
    (DELIVERY.replace(day=10), time(18, 30)),  # the closing day, before the closing time
])
async def test_a_distribution_before_the_closing_time_is_refused(client, world, before, day, starts):
    products = await add_products(world.farm_tilleuls)
    too_early = await add_distribution(world.tilleuls, day, starts)
    await login(client, "dan@example.org")
    response = await create(client, await window_form(world, products, too_early))
    assert response.status_code == 400 and f'href="#distribution_{world.tilleuls}"' in response.text
    assert not await OrderWindow.exists()


async def test_a_cancelled_distribution_is_refused(client, world, before):
    from amap.distributions.tables import Distribution

    products = await add_products(world.farm_tilleuls)
    distribution = await add_distribution(world.tilleuls)
    await Distribution.update({Distribution.status: "cancelled"}).where(Distribution.id == distribution)
    await login(client, "dan@example.org")
    assert (await create(client, await window_form(world, products, distribution))).status_code == 400


async def test_products_and_groups_are_checked(client, world, before):
    products = await add_products(world.farm_tilleuls)
    theirs = await add_product(world.farm_canal, "Fromage", "pièce", 600)
    distribution = await add_distribution(world.tilleuls)
    await login(client, "dan@example.org")
    cases = [
        ({f"product_{theirs}": "on"}, "products"),  # another farm's product
        ({f"product_{products['honey']}": None, f"product_{products['lamb']}": None}, "products"),  # none
        ({f"price_{products['honey']}": "neuf"}, f"price_{products['honey']}"),
        ({f"stock_{products['honey']}": "-1"}, f"stock_{products['honey']}"),
        ({f"group_{world.tilleuls}": None}, "groups"),  # no group served
        ({f"distribution_{world.tilleuls}": ""}, f"distribution_{world.tilleuls}"),
        ({f"arrives_{world.tilleuls}": "vers 6 h"}, f"arrives_{world.tilleuls}"),
        ({f"position_{world.tilleuls}": "0"}, f"position_{world.tilleuls}"),
    ]
    for changes, field in cases:
        response = await create(client, await window_form(world, products, distribution, **changes))
        assert response.status_code == 400 and f'href="#{field}"' in response.text, (changes, response.text)
    assert not await OrderWindow.exists()


async def test_a_draft_is_published_then_edited_until_it_opens(client, world, before):
    shop = await add_shop(world, published=False)
    await login(client, "dan@example.org")
    assert (await post_form(client, f"/farm/windows/{shop.window}/publish", page="/farm")).status_code == 303
    window = await OrderWindow.select().where(OrderWindow.id == shop.window).first()
    assert window["published_at"] == BEFORE
    page = await client.get(f"/farm/windows/{shop.window}/edit")
    assert page.status_code == 200 and 'name="title"' in page.text  # not open yet: everything may change
    data = await window_form(world, shop.products, shop.distributions[world.tilleuls], title="Printemps (bis)",
                             **{f"product_{shop.products['juice']}": "on", f"stock_{shop.products['lamb']}": "5"})
    assert (await post_form(client, f"/farm/windows/{shop.window}/edit", data)).status_code == 303
    window = await OrderWindow.select().where(OrderWindow.id == shop.window).first()
    assert window["title"] == "Printemps (bis)"
    offered = {row["product"]: row for row in await WindowProduct.select().where(WindowProduct.window == shop.window)}
    assert set(offered) == set(shop.products.values())  # honey and lamb kept, juice added
    assert (offered[shop.products["lamb"]]["price_cents"], offered[shop.products["lamb"]]["stock"]) == (8000, 5)


async def test_publishing_a_window_without_products_or_past_its_closing_is_refused(client, world):
    shop = await add_shop(world, published=False)
    await WindowProduct.delete().where(WindowProduct.window == shop.window)
    with time_machine.travel(BEFORE, tick=False):
        await login(client, "dan@example.org")
        response = await post_form(client, f"/farm/windows/{shop.window}/publish", page="/farm")
    assert response.status_code == 400 and 'data-testid="publish-problems"' in response.text
    assert (await OrderWindow.select().where(OrderWindow.id == shop.window).first())["published_at"] is None


async def test_once_members_order_only_the_stock_changes_never_below_what_is_reserved(client, world):
    shop = await add_shop(world)
    await add_order(world, shop, "alice", {"honey": 4})
    await add_order(world, shop, "bob", {"honey": 3, "lamb": 1})
    with time_machine.travel(DURING, tick=False):
        await login(client, "dan@example.org")
        page = await client.get(f"/farm/windows/{shop.window}/edit")
        assert page.status_code == 200 and 'name="title"' not in page.text and 'data-testid="window-stocks"' in page.text
        honey = f"stock_{shop.products['honey']}"
        response = await post_form(client, f"/farm/windows/{shop.window}/edit", {honey: "6"})
        assert response.status_code == 400 and f'href="#{honey}"' in response.text
        # The whole form, from a page opened before the window opened, saves nothing.
        response = await post_form(client, f"/farm/windows/{shop.window}/edit", {honey: "50", "title": "Autre"})
        assert response.headers["location"] == f"/farm/windows/{shop.window}/edit"
        response = await post_form(client, f"/farm/windows/{shop.window}/edit", {
            honey: "7", f"stock_{shop.products['lamb']}": "", f"price_{shop.products['honey']}": "1,00"})
        assert response.status_code == 303
    rows = {row["id"]: row for row in await WindowProduct.select().where(WindowProduct.window == shop.window)}
    assert (rows[shop.items["honey"]]["stock"], rows[shop.items["honey"]]["price_cents"]) == (7, 900)
    assert rows[shop.items["lamb"]]["stock"] is None
    assert (await OrderWindow.select().where(OrderWindow.id == shop.window).first())["title"] == "Printemps à la ferme"


async def test_a_window_is_cancelled_only_before_anyone_orders(client, world):
    shop, other = await add_shop(world), await add_shop(world)
    await add_order(world, other, "alice", {"juice": 2}, status="cancelled")
    await login(client, "dan@example.org")
    assert (await post_form(client, f"/farm/windows/{other.window}/cancel", page="/farm")).status_code == 303
    assert await OrderWindow.exists().where(OrderWindow.id == other.window)  # an order, even cancelled, stays
    response = await post_form(client, f"/farm/windows/{shop.window}/cancel")
    assert response.status_code == 303 and response.headers["location"] == "/farm/windows?farm=ferme-tilleuls"
    assert not await OrderWindow.exists().where(OrderWindow.id == shop.window)
    assert not await WindowProduct.exists().where(WindowProduct.window == shop.window)


async def test_the_window_page_counts_orders_per_group_and_per_product(client, world):
    shop = await add_shop(world, groups=(world.tilleuls, world.canal))
    await add_order(world, shop, "alice", {"honey": 2, "juice": 3})  # 18,00 + 9,99
    await add_order(world, shop, "bob", {"lamb": 1})  # 85,00
    await add_order(world, shop, "erin", {"juice": 1}, group=world.canal)  # 3,33
    await add_order(world, shop, "carol", {"lamb": 2}, status="cancelled")
    with time_machine.travel(DURING, tick=False):
        await login(client, "dan@example.org")
        page = await client.get(f"/farm/windows/{shop.window}")
        listing = await client.get("/farm/windows")
        dashboard = await client.get("/farm")
    assert page.status_code == 200
    assert "116,32" in page.text.split('data-testid="window-total"')[1][:80]  # 27,99 + 85,00 + 3,33
    groups = page.text.split('data-testid="window-groups"')[1].split("</table>")[0]
    assert "112,99" in groups and "3,33" in groups
    products = page.text.split('data-testid="window-products"')[1].split("</table>")[0]
    assert "13,32" in products  # four bottles of juice at 3,33
    assert "116,32" in listing.text and "Printemps à la ferme" in listing.text
    assert f'href="/farm/windows/{shop.window}"' in dashboard.text
    assert 'href="/farm/catalog?farm=ferme-tilleuls"' in dashboard.text
    assert 'href="/farm/windows?farm=ferme-tilleuls"' in dashboard.text


async def test_a_farmer_sees_only_their_own_farms_windows(client, world):
    shop = await add_shop(world)
    await FarmSupply.insert(FarmSupply(farm=world.farm_canal, group=world.tilleuls))
    await login(client, "fanny@example.org")
    for path in ("", "/edit", "/picking", "/tour"):
        assert (await client.get(f"/farm/windows/{shop.window}{path}")).status_code == 404, path
    for path in ("/edit", "/publish", "/cancel", "/payments"):
        assert (await post_form(client, f"/farm/windows/{shop.window}{path}", {"title": "x"})).status_code == 404
    assert (await client.get("/farm/windows?farm=ferme-tilleuls")).status_code == 404
    assert "Printemps à la ferme" not in (await client.get("/farm/windows")).text
    assert await OrderWindow.exists().where(OrderWindow.id == shop.window)


async def test_members_cannot_open_the_producers_window_pages(client, world):
    shop = await add_shop(world)
    await login(client, "alice@example.org")
    assert (await client.get("/farm/windows")).status_code == 403
    assert (await client.get(f"/farm/windows/{shop.window}/picking")).status_code == 403


async def test_a_window_offered_to_the_whole_network_serves_each_of_its_groups(client, world, before):
    from amap.network.tables import Network, NetworkGroup

    await NetworkGroup.insert(NetworkGroup(network=world.network, group=world.canal))  # not supplied by Dan's farm
    products = await add_products(world.farm_tilleuls)
    ours, theirs = await add_distribution(world.tilleuls), await add_distribution(world.canal)
    await login(client, "dan@example.org")
    assert 'data-testid="window-network"' in (await client.get("/farm/windows/new")).text
    only_ours = await window_form(world, products, ours, network=str(world.network))
    response = await create(client, only_ours)
    assert response.status_code == 400 and 'href="#groups"' in response.text  # the Canal is missing
    elsewhere = (await Network.insert(Network(name="Ailleurs", slug="ailleurs")).returning(Network.id))[0]["id"]
    both = await window_form(world, products, ours, network=str(world.network), **{
        f"group_{world.canal}": "on", f"distribution_{world.canal}": str(theirs), f"position_{world.canal}": "2"})
    response = await create(client, {**both, "network": str(elsewhere)})
    assert response.status_code == 400 and 'href="#network"' in response.text
    assert not await OrderWindow.exists()
    response = await create(client, both)
    assert response.status_code == 303, response.text
    window = await OrderWindow.select().first()
    assert window["network"] == world.network
    assert {row["group"] for row in await WindowStop.select(WindowStop.group)} == {world.tilleuls, world.canal}


async def test_a_households_orders_and_the_open_windows_read_together_are_what_each_read_gives(world):
    """/me and /orders read both in one statement (reads.orders_and_open_windows)."""
    groups = (world.tilleuls, world.canal)
    spring = await add_shop(world, groups=groups)  # two stops, the canal's first on the tour
    await WindowStop.update({WindowStop.position: 3}).where(WindowStop.id == spring.stops[world.tilleuls])
    summer = await add_shop(world, groups=groups)
    await OrderWindow.update({OrderWindow.closes_at: CLOSES + timedelta(days=1)}).where(OrderWindow.id == summer.window)
    await add_shop(world, published=False)
    past = await add_shop(world)
    await OrderWindow.update({OrderWindow.closes_at: DURING - timedelta(days=1)}).where(OrderWindow.id == past.window)
    await add_order(world, spring, "alice", {"honey": 1})
    await add_order(world, summer, "alice", {"juice": 2}, status="cancelled")
    await add_order(world, past, "alice", {"lamb": 1}, status="locked")
    await add_order(world, spring, "bob", {"honey": 1})
    household = world.households["alice"]
    orders, windows = await reads.orders_and_open_windows(household, groups, DURING, DELIVERY)
    assert orders == await reads.household_orders(household, DURING, DELIVERY)
    assert windows == await reads.open_windows(groups, DURING)
    assert [o["state"] for o in orders] == ["cancelled", "open", "to_collect"]
    assert [(w["window"], w["id"]) for w in windows] == [(spring.window, spring.stops[world.canal]),
                                                         (summer.window, summer.stops[world.tilleuls])]
    assert await reads.orders_and_open_windows(None, groups, DURING, DELIVERY) == ([], [])
    assert await Order.count() == 4
