"""One delivery tour per date across a producer's windows: stops merged per group, quantities summed."""

from __future__ import annotations

import time_machine

from amap.orders.tables import WindowStop
from amap.orders.tours import day_tour, delivery_dates
from tests.integration.conftest import login
from tests.integration.orders.producer_world import AFTER, DELIVERY, add_order, add_shop


async def test_two_windows_delivered_the_same_day_make_one_tour(client, world):
    first = await add_shop(world)  # the Tilleuls only
    second = await add_shop(world, groups=(world.canal, world.tilleuls))  # Canal at 17:45, Tilleuls at 18:45
    await WindowStop.update({WindowStop.arrives_at: "19:00"}).where(WindowStop.id == first.stops[world.tilleuls])
    await add_order(world, first, "alice", {"honey": 2, "lamb": 1})
    await add_order(world, second, "bob", {"honey": 1})
    await add_order(world, second, "erin", {"juice": 6}, group=world.canal)
    tour = await day_tour(world.farm_tilleuls, DELIVERY)
    assert tour["windows"] == 2
    assert [stop["group_name"] for stop in tour["stops"]] == ["AMAP du Canal", "AMAP des Tilleuls"]
    tilleuls = tour["stops"][1]
    assert tilleuls["orders"] == 2 and tilleuls["arrives_at"] == "18:45"  # the earlier of its two arrivals
    assert {p["name"]: p["quantity"] for p in tilleuls["products"]} == {"Miel de printemps": 3, "Colis d'agneau": 1}
    assert {p["name"]: p["quantity"] for p in tour["products"]} == {
        "Miel de printemps": 3, "Colis d'agneau": 1, "Jus de pomme": 6}
    assert await delivery_dates(world.farm_tilleuls, DELIVERY) == [DELIVERY]

    with time_machine.travel(AFTER, tick=False):
        await login(client, "dan@example.org")
        listing = await client.get("/farm/windows")
        assert f"/farm/tours/{DELIVERY.isoformat()}" in listing.text
        sheet = await client.get(f"/farm/tours/{DELIVERY.isoformat()}")
        assert sheet.status_code == 200 and sheet.text.count('data-testid="tour-stop"') == 2
        assert (await client.get("/farm/tours/2027-01-01")).status_code == 404  # nothing delivered that day
        assert (await client.get("/farm/tours/not-a-date")).status_code in (400, 404)


async def test_another_farmer_cannot_read_the_tour(client, world):
    shop = await add_shop(world)
    await add_order(world, shop, "alice", {"honey": 1})
    await login(client, "fanny@example.org")
    assert (await client.get(f"/farm/tours/{DELIVERY.isoformat()}?farm=ferme-tilleuls")).status_code == 404
