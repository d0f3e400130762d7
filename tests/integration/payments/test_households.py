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


async def test_the_balances_are_paged_and_searched_with_the_groups_figures_above(client, world):
    from datetime import date

    from amap.lib.pagination import PAGE_SIZE
    from tests.integration.households import add_household
    from tests.integration.payments.test_recording import plain

    offer = await add_offer(world, capacity=80)
    for number in range(54):
        who = f"member{number:02d}"
        await add_household(world, who, world.tilleuls, name=f"Member {number:02d}")
        await lifecycle.sign(request_for(world, offer, who, plan=offer.plan_one))
    await add_household(world, "heloise", world.tilleuls, name="Héloïse Lefèvre", second_adult="Noël")
    paid = await lifecycle.sign(request_for(world, offer, "heloise", plan=offer.plan_one))
    await record_payment(subscription_id=paid["id"], amount_cents=44200, method="transfer",
                         received_on=date(2027, 4, 2), recorded_by=world.users["carol"])
    await login(client, "carol@example.org")
    first = await client.get("/committee/tilleuls/balances")
    second = await client.get("/committee/tilleuls/balances?page=2")
    assert first.text.count('data-testid="household-row"') == PAGE_SIZE
    assert second.text.count('data-testid="household-row"') == 5
    for page in (first, second):
        figures = plain(page.text.split('data-testid="household-figures"')[1].split("</p>")[0])
        assert "24 310,00 €" in figures  # 55 contracts of 442 €, expected: the group's, not the page's
    found = await client.get("/committee/tilleuls/balances", params={"q": "noel@"})
    assert found.text.count('data-testid="household-row"') == 0
    found = await client.get("/committee/tilleuls/balances", params={"q": "heloise-bis"})
    assert found.text.count('data-testid="household-row"') == 1 and "Foyer Héloïse Lefèvre" in found.text
    behind = await client.get("/committee/tilleuls/balances", params={"q": "lefevre", "overdue": "1"},
                              headers={"hx-request": "true", "hx-target": "household-list"})
    assert behind.text.lstrip().startswith('<div id="household-list">')
    assert behind.text.count('data-testid="household-row"') == 0  # she paid
    assert (await client.get("/committee/tilleuls/balances?page=0")).status_code == 400
    assert (await client.get("/committee/tilleuls/balances?page=3")).status_code == 404
