"""The distributions API: the calendar of the token holder's groups, one distribution with the
household's collection, and clear answers to bad ranges."""

from datetime import date

import pytest
import time_machine

from amap.contracts import lifecycle
from amap.distributions import changes
from amap.distributions.tables import Delivery
from tests.integration.contracts.test_api import bearer
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_calendar_pages import distribution_on, season

MID_APRIL = time_machine.travel("2027-04-20 10:00 +02:00", tick=False)


@pytest.fixture
def mid_april():
    with MID_APRIL:
        yield


async def test_the_default_range_is_today_and_the_next_60_days(client, world, mid_april):
    await season(world)
    listed = (await client.get("/api/v1/distributions", headers=await bearer(world, "alice"))).json()
    days = [row["held_on"] for row in listed]
    assert days[0] == "2027-04-22" and days[-1] == "2027-06-17" and len(days) == 9
    first = listed[0]
    assert (first["group"], first["starts_at"], first["place"], first["timezone"]) == (
        "AMAP des Tilleuls", "18:30:00", "Cour AMAP des Tilleuls", "Europe/Paris")
    assert [(d["offer_name"], d["farm"], d["outcome"]) for d in first["deliveries"]] == [
        ("Légumes 2027", "Ferme des Tilleuls", "planned")]


async def test_a_range_lists_deliveries_outcomes_and_changes(client, world, mid_april):
    vegetables = await season(world)
    first = await distribution_on(date(2027, 4, 1))
    await Delivery.update({Delivery.outcome: "reduced", Delivery.delivered_percent: 60,
                           Delivery.missing: "Salades"}).where(Delivery.distribution == first["id"])
    await changes.cancel(await distribution_on(date(2027, 4, 8)), "Cour inondée", world.users["carol"])
    listed = (await client.get("/api/v1/distributions?from=2027-04-01&to=2027-04-08",
                               headers=await bearer(world, "dan"))).json()
    assert [row["held_on"] for row in listed] == ["2027-04-01", "2027-04-08"]
    delivery = listed[0]["deliveries"][0]
    assert (delivery["offer_id"], delivery["outcome"], delivery["delivered_percent"], delivery["missing"]) == (
        vegetables.offer, "reduced", 60, "Salades")
    assert listed[1]["status"] == "cancelled"
    assert [(c["kind"], c["reason"]) for c in listed[1]["changes"]] == [("cancelled", "Cour inondée")]


@pytest.mark.parametrize(("query", "message"), [
    ("from=2027-02-30", "from:"), ("to=tomorrow", "to:"), ("from=2027-05-01&to=2027-04-01", "to:"),
    ("from=2027-01-01&to=2028-03-01", "400 days"),
])
async def test_bad_ranges_are_refused_with_a_clear_message(client, world, query, message):
    response = await client.get(f"/api/v1/distributions?{query}", headers=await bearer(world, "alice"))
    assert response.status_code == 400 and message in response.json()["detail"]


async def test_other_groups_distributions_are_neither_listed_nor_readable(client, world, mid_april):
    await season(world)
    headers = await bearer(world, "erin")
    assert (await client.get("/api/v1/distributions?from=2027-04-01&to=2027-09-30", headers=headers)).json() == []
    first = await distribution_on(date(2027, 4, 1))
    assert (await client.get(f"/api/v1/distributions/{first['id']}", headers=headers)).status_code == 404
    assert (await client.get("/api/v1/distributions/999999", headers=await bearer(world, "alice"))).status_code == 404
    assert (await client.get(f"/api/v1/distributions/{first['id']}")).status_code == 401  # no token


async def test_one_distribution_carries_the_holders_collection_only(client, world, mid_april):
    vegetables = await season(world)
    await lifecycle.sign(request_for(world, vegetables, "alice", quantity=2))
    await lifecycle.sign(request_for(world, vegetables, "bob", share=vegetables.half_share))
    first = await distribution_on(date(2027, 4, 1))
    alice = (await client.get(f"/api/v1/distributions/{first['id']}", headers=await bearer(world, "alice"))).json()
    assert [(c["share"], c["quantity"], c["collects"]) for c in alice["collection"]] == [("Panier complet", 2, True)]
    assert alice["deliveries"][0]["farm"] == "Ferme des Tilleuls"
    bob = (await client.get(f"/api/v1/distributions/{first['id']}", headers=await bearer(world, "bob"))).json()
    assert [(c["share"], c["quantity"]) for c in bob["collection"]] == [("Demi-panier", 1)]
    carol = (await client.get(f"/api/v1/distributions/{first['id']}", headers=await bearer(world, "carol"))).json()
    assert carol["collection"] == []


async def test_the_api_is_described_in_the_openapi_document(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/distributions" in schema["paths"] and "/api/v1/distributions/{distribution_id}" in schema["paths"]
    names = [p["name"] for p in schema["paths"]["/api/v1/distributions"]["get"]["parameters"]]
    assert sorted(names) == ["from", "to"]
    assert not any(path.startswith(("/distributions", "/calendar")) for path in schema["paths"])
