"""The committee's balances by household, across every contract of the group."""

from amap.contracts import lifecycle
from amap.payments.services import record_payment
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.world import add_offer


async def test_the_committee_sees_each_households_balance_across_its_contracts(client, world):
    vegetables = await add_offer(world)
    eggs = await add_offer(world)
    alice_vegetables = await lifecycle.sign(request_for(world, vegetables, "alice", plan=vegetables.plan_one))
    await lifecycle.sign(request_for(world, eggs, "alice", plan=eggs.plan_one))
    await record_payment(subscription_id=alice_vegetables["id"], amount_cents=44200, method="cheque",
                         received_on=alice_vegetables["signed_at"].date(), recorded_by=world.users["carol"],
                         cheque_number="1", bank="LBP")
    await login(client, "carol@example.org")
    page = await client.get("/committee/tilleuls/balances")
    assert page.status_code == 200
    row = page.text.split('data-testid="household-balances"')[1]
    assert row.count("/subscriptions/") == 2 and "442,00" in row  # one contract paid, one to pay
    assert (await client.get("/committee/canal/balances")).status_code == 404
    await post_form(client, "/logout")
    await login(client, "dan@example.org")
    assert (await client.get("/committee/tilleuls/balances")).status_code == 403
