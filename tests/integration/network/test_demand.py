"""Demand aggregated across the network's groups, split back per group, exact to the cent."""

from datetime import date

from amap.network.tables import NetworkGroup
from amap.orders.aggregation import aggregated_demand
from tests.integration.conftest import login
from tests.integration.network import trade

MAY_6, MAY_13 = date(2027, 5, 6), date(2027, 5, 13)


async def two_groups_order(world) -> None:
    """Tilleuls and Canal order carrots (2,50 €) and honey (8,33 €) from the Tilleuls farm's
    network-wide window, delivered at each group's distribution of 6 May."""
    await NetworkGroup.insert(NetworkGroup(network=world.network, group=world.canal, kind="collective"))
    farm = world.farm_tilleuls
    carrots = await trade.product(farm, "Carottes", "sac de 1 kg", 250)
    honey = await trade.product(farm, "Miel", "pot de 500 g", 833)
    window = await trade.window(farm, network=world.network)
    wp_carrots = await trade.offered(window, carrots, 250)
    wp_honey = await trade.offered(window, honey, 833)
    at_tilleuls = await trade.stop(window, world.tilleuls, MAY_6)
    at_canal = await trade.stop(window, world.canal, MAY_6, position=1)
    h = world.households
    await trade.order(window, at_tilleuls, h["alice"], [(wp_carrots, 3, 250), (wp_honey, 1, 833)])
    await trade.order(window, at_tilleuls, h["bob"], [(wp_carrots, 2, 250)], status="locked")
    await trade.order(window, at_tilleuls, h["carol"], [(wp_honey, 10, 833)], status="cancelled")
    await trade.order(window, at_canal, h["erin"], [(wp_carrots, 5, 250), (wp_honey, 2, 833)])
    # A second window of the farm, delivered a week later to Canal only.
    second = await trade.window(farm, network=world.network, title="Miel")
    later = await trade.stop(second, world.canal, MAY_13)
    await trade.order(second, later, h["cyril"], [(await trade.offered(second, honey, 833), 1, 833)])


async def test_demand_adds_up_across_groups_and_splits_back_per_group_exactly(world):
    await two_groups_order(world)
    found = await aggregated_demand(group_ids=[world.tilleuls, world.canal], network_id=world.network)
    assert [(d.farm_name, d.held_on) for d in found] == [("Ferme des Tilleuls", MAY_6), ("Ferme des Tilleuls", MAY_13)]
    may_6 = found[0]
    carrots, honey = may_6.products
    assert (carrots.name, carrots.quantity, carrots.total_cents) == ("Carottes", 10, 2500)
    assert [(g.name, g.quantity, g.total_cents) for g in carrots.groups] == [
        ("AMAP des Tilleuls", 5, 1250), ("AMAP du Canal", 5, 1250)]
    # The cancelled order of 10 jars is left out.
    assert (honey.name, honey.quantity, honey.total_cents) == ("Miel", 3, 2499)
    assert [(g.name, g.quantity, g.total_cents) for g in honey.groups] == [
        ("AMAP des Tilleuls", 1, 833), ("AMAP du Canal", 2, 1666)]
    assert may_6.total_cents == 4999
    assert [(g.name, g.total_cents) for g in may_6.groups] == [("AMAP des Tilleuls", 2083), ("AMAP du Canal", 2916)]
    assert sum(g.total_cents for g in may_6.groups) == may_6.total_cents
    assert [(p.name, p.quantity, p.total_cents) for p in found[1].products] == [("Miel", 1, 833)]


async def test_deliveries_before_the_day_are_left_out_on_request(world):
    await two_groups_order(world)
    found = await aggregated_demand(group_ids=[world.tilleuls, world.canal], network_id=world.network,
                                    from_date=date(2027, 5, 10))
    assert [d.held_on for d in found] == [MAY_13]


async def test_orders_of_a_group_outside_the_network_do_not_count(world):
    farm = world.farm_canal
    jam = await trade.product(farm, "Confiture", "pot", 500)
    window = await trade.window(farm)  # the farm's own window, not network-wide
    wp = await trade.offered(window, jam, 500)
    await trade.order(window, await trade.stop(window, world.canal, MAY_6), world.households["erin"], [(wp, 1, 500)])
    assert await aggregated_demand(group_ids=[world.tilleuls], network_id=world.network) == []


async def test_the_demand_page_shows_totals_per_product_and_group(client, world):
    await two_groups_order(world)
    await login(client, "nina@example.org")
    page = await client.get("/network/demand?network=rhone&past=true")
    assert page.status_code == 200
    text = page.text
    assert text.count('data-testid="demand-delivery"') == 2
    assert "Carottes" in text and "49,99" in text and "29,16" in text and "20,83" in text
    assert (await client.get("/network/demand?network=rhone&past=maybe")).status_code == 400
