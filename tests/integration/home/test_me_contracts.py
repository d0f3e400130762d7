"""`/me` lists the household's contracts with their balances, read in one query: the same balances
as `payments.services.balances`, for its own contracts, those it shares and those it waits for."""

from __future__ import annotations

from datetime import date

from amap.contracts import lifecycle
from amap.contracts.tables import Amendment, Subscription
from amap.home.controllers import my_contracts
from amap.payments import services
from tests.integration.conftest import login
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.payments.conftest import sign
from tests.world import add_offer

TODAY = date(2027, 5, 10)


async def test_me_shows_each_contract_with_the_balance_payments_computes(client, world):
    offer = await add_offer(world, half_capacity=1)
    alice = await sign(world, offer, "alice", offer.full_share, offer.plan_five)
    bob = await sign(world, offer, "bob", offer.half_share, offer.plan_one)  # the last half share
    shared = await lifecycle.sign(request_for(world, offer, "carol", share=offer.full_share,
                                              co_household_id=world.households["alice"], sharing="together"))
    waiting = await lifecycle.sign(request_for(world, offer, "alice", share=offer.half_share))
    assert waiting["status"] == "waiting"
    await services.record_payment(subscription_id=alice, amount_cents=8840, method="cheque",
                                  received_on=date(2027, 3, 1), recorded_by=world.users["carol"])
    # What a leave gives back is taken off what is owed (the contract stays listed until it ends).
    await Amendment.insert(Amendment(subscription=alice, effective_on=date(2027, 6, 1), status="approved",
                                     refund_cents=10001))

    rows = await my_contracts(world.households["alice"], TODAY)
    assert sorted(row["id"] for row in rows) == sorted([alice, shared["id"], waiting["id"]])
    expected = await services.balances([row["id"] for row in rows], TODAY)
    assert {row["id"]: row["balance"] for row in rows} == expected
    assert expected[alice].expected_cents == 44200 - 10001 and expected[alice].overdue_cents > 0
    assert expected[waiting["id"]].expected_cents == 0
    assert {row["farm_name"] for row in rows} == {"Ferme des Tilleuls"}
    assert [row["id"] for row in await my_contracts(world.households["bob"], TODAY)] == [bob]
    assert await my_contracts(None, TODAY) == []

    await Subscription.update({Subscription.status: "ended"}).where(Subscription.id == shared["id"])
    assert shared["id"] not in {row["id"] for row in await my_contracts(world.households["alice"], TODAY)}
    await login(client, "alice@example.org")
    assert (await client.get("/me")).status_code == 200
