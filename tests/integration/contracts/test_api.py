"""The contracts API: what each token holder may see and sign."""

import pytest
import time_machine

from amap.accounts.services import create_api_token
from amap.contracts import lifecycle
from amap.contracts.tables import Subscription
from amap.payments.services import record_payment
from tests.integration.contracts.test_lifecycle import request_for
from tests.world import add_offer


async def bearer(world, who: str) -> dict:
    return {"authorization": f"Bearer {await create_api_token(world.users[who], 'test')}"}


async def test_members_list_their_groups_open_contracts_and_read_one(client, world):
    offer = await add_offer(world)
    await add_offer(world, publish=False)
    headers = await bearer(world, "alice")
    listed = (await client.get("/api/v1/contracts", headers=headers)).json()
    assert [c["id"] for c in listed] == [offer.offer]
    detail = (await client.get(f"/api/v1/contracts/{offer.offer}", headers=headers)).json()
    assert len(detail["deliveries"]) == 26 and detail["shares"][0]["prices_cents"]["standard"] == 1700
    assert detail["payment_plans"][1]["installments"] == 5


async def test_the_farmer_also_lists_drafts_of_the_farm_and_other_groups_see_nothing(client, world):
    await add_offer(world)
    await add_offer(world, publish=False)
    assert len((await client.get("/api/v1/contracts", headers=await bearer(world, "dan"))).json()) == 2
    assert (await client.get("/api/v1/contracts", headers=await bearer(world, "erin"))).json() == []


async def test_another_groups_contract_is_404(client, world):
    offer = await add_offer(world)
    response = await client.get(f"/api/v1/contracts/{offer.offer}", headers=await bearer(world, "erin"))
    assert response.status_code == 404


@time_machine.travel("2027-03-01 10:00 +01:00", tick=False)
async def test_signing_through_the_api(client, world):
    offer = await add_offer(world)
    headers = await bearer(world, "alice")
    body = {"offer_share_id": offer.full_share, "payment_plan_id": offer.plan_one, "charter_accepted": True}
    response = await client.post(f"/api/v1/contracts/{offer.offer}/subscriptions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["total_cents"] == 44200 and response.json()["status"] == "active"
    again = await client.post(f"/api/v1/contracts/{offer.offer}/subscriptions", json=body, headers=headers)
    assert again.status_code == 400 and "offer_share" in again.json()["detail"]


@time_machine.travel("2027-03-01 10:00 +01:00", tick=False)
@pytest.mark.parametrize("body", [
    {"offer_share_id": "x", "payment_plan_id": 1, "charter_accepted": True},
    {"payment_plan_id": 1, "charter_accepted": True},
    {"offer_share_id": 1, "payment_plan_id": 1, "charter_accepted": False},
    {"offer_share_id": 1, "payment_plan_id": 1, "charter_accepted": True, "quantity": -2},
    {"offer_share_id": 1, "payment_plan_id": 1, "charter_accepted": True, "tier": "gold"},
])
async def test_bad_subscription_requests_get_400_and_sign_nothing(client, world, body):
    offer = await add_offer(world)
    body = {k: (offer.full_share if k == "offer_share_id" and v == 1 else offer.plan_one if k == "payment_plan_id"
                else v) for k, v in body.items()}
    response = await client.post(f"/api/v1/contracts/{offer.offer}/subscriptions", json=body,
                                 headers=await bearer(world, "alice"))
    assert response.status_code == 400
    assert await Subscription.count() == 0


async def test_subscriptions_are_listed_for_their_household_farm_and_committee_only(client, world):
    offer = await add_offer(world)
    mine = await lifecycle.sign(request_for(world, offer, "alice"))
    await lifecycle.sign(request_for(world, offer, "bob"))
    await record_payment(subscription_id=mine["id"], amount_cents=10000, method="cheque",
                         received_on=mine["signed_at"].date(), recorded_by=world.users["carol"], cheque_number="1")
    alice = (await client.get("/api/v1/subscriptions", headers=await bearer(world, "alice"))).json()
    assert [s["id"] for s in alice] == [mine["id"]] and alice[0]["received_cents"] == 10000
    assert len((await client.get("/api/v1/subscriptions", headers=await bearer(world, "dan"))).json()) == 2
    assert len((await client.get("/api/v1/subscriptions", headers=await bearer(world, "carol"))).json()) == 2
    assert (await client.get("/api/v1/subscriptions", headers=await bearer(world, "fanny"))).json() == []
    detail = (await client.get(f"/api/v1/subscriptions/{mine['id']}", headers=await bearer(world, "alice"))).json()
    assert sum(line["amount_cents"] for line in detail["schedule"]) == detail["total_cents"]
    assert detail["payments"] == [{"received_on": mine["signed_at"].date().isoformat(), "amount_cents": 10000,
                                   "method": "cheque"}]
    for who in ("bob", "fanny", "erin"):
        response = await client.get(f"/api/v1/subscriptions/{mine['id']}", headers=await bearer(world, who))
        assert response.status_code == 404


async def test_a_schema_error_names_the_field(client, world):
    offer = await add_offer(world)
    response = await client.post(f"/api/v1/contracts/{offer.offer}/subscriptions",
                                 json={"offer_share_id": "lots", "payment_plan_id": 1, "charter_accepted": True},
                                 headers=await bearer(world, "alice"))
    assert response.status_code == 400
    assert "offer_share_id" in str(response.json()["errors"])
