"""The balances the database computes for the paged lists are those of `services.balances()`."""

from datetime import date

import pytest

from amap.contracts import lifecycle
from amap.contracts.tables import Amendment, Installment, Subscription
from amap.home.controllers import my_contracts
from amap.payments import listing, services
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.payments.conftest import TODAY
from tests.integration.payments.test_balances import a_season_partly_paid, pay


def shown(balance: services.Balance) -> tuple[int, int, int, int]:
    """What the payments table shows of a balance: expected, received, still to pay, overdue."""
    return balance.expected_cents, balance.received_cents, balance.outstanding_cents, balance.overdue_cents


def shown_by_id(rows: list[dict]) -> dict[int, tuple[int, int, int, int]]:
    """The same figures as the listing's rows carry them."""
    return {row["id"]: (row["expected_cents"], row["received_cents"], row["outstanding_cents"], row["overdue_cents"])
            for row in rows}


@pytest.mark.parametrize("today", [date(2027, 3, 1), date(2027, 4, 5), date(2027, 4, 6), TODAY, date(2027, 7, 10),
                                   date(2028, 1, 1)])
async def test_the_sql_balances_are_those_of_the_python_rule(world, season, today):
    await a_season_partly_paid(world, season)
    await pay(world, season.bob, 50000, date(2027, 4, 20))  # paid in excess
    amendment = await lifecycle.request_leave(season.alice, date(2027, 6, 1), "moving", world.users["alice"])
    await lifecycle.decide_leave(amendment, True, world.users["carol"], today=date(2027, 5, 20))
    condition = listing.offer_subscriptions(season.offer.offer)
    rows = await listing.subscription_rows(condition, today)
    expected = await services.balances([season.alice, season.bob], today)
    assert shown_by_id(rows) == {id_: shown(balance) for id_, balance in expected.items()}
    summary = await listing.summary(condition, today)
    assert summary.totals == services.totals(expected.values())
    assert summary.count == 2 and summary.overdue_count == sum(1 for b in expected.values() if b.overdue_cents)
    assert [row["household_name"] for row in rows] == ["Alice", "Bob"]
    # A page of one row carries the summary of the whole list, as summary() reads it alone.
    page, page_summary = await listing.subscription_page(condition, today, limit=1, offset=1)
    assert [row["household_name"] for row in page] == ["Bob"] and page_summary == summary
    assert await listing.subscription_page(condition, today, limit=1, offset=2) == ([], summary)


async def test_a_page_of_households_carries_the_totals_of_its_contracts(world, season):
    await a_season_partly_paid(world, season)
    condition = listing.group_subscriptions(world.tilleuls)
    households, count, totals = await listing.household_rows(condition, TODAY, limit=1, offset=1)
    assert [h["name"] for h in households] == ["Bob"]
    # Beside the page: how many households are listed, and the totals of all their contracts.
    assert count == 2 and totals == (await listing.summary(condition, TODAY)).totals
    assert await listing.household_rows(condition, TODAY, limit=1, offset=2) == ([], None, None)
    assert households[0]["totals"] == services.totals([(await services.balances([season.bob], TODAY))[season.bob]])
    assert [c["id"] for c in households[0]["contracts"]] == [season.bob]
    assert await listing.household_count(condition, TODAY) == 2
    assert await listing.household_count(condition, TODAY, overdue=True) == 0
    # In June Alice's third cheque is late; Bob paid his only one.
    assert await listing.household_count(condition, date(2027, 6, 10), overdue=True) == 1


@pytest.mark.parametrize("today", [date(2027, 3, 1), TODAY, date(2028, 1, 1)])
async def test_the_sql_balances_match_on_edge_cases(world, season, today):
    """Nothing paid, paid in excess, several payments against several installments and leaves (sums
    that a careless join would multiply), a shared contract, a contract ended early and one waiting."""
    await pay(world, season.bob, 26000 + 999, date(2027, 4, 10))  # paid in excess
    shared = (await lifecycle.sign(request_for(world, season.offer, "carol", share=season.offer.full_share,
                                               co_household_id=world.households["erin"], sharing="together")))["id"]
    for cents, on in ((8840, date(2027, 3, 1)), (5000, date(2027, 4, 2)), (-1000, date(2027, 4, 3))):
        await pay(world, shared, cents, on)  # a correction among them
    for status, refund_cents in (("approved", 3000), ("approved", 2500), ("pending", 7000), ("refused", 9000)):
        await Amendment.insert(Amendment(subscription=shared, effective_on=date(2027, 6, 1), status=status,
                                         refund_cents=refund_cents))
    await Amendment.insert(Amendment(subscription=season.bob, kind="other", effective_on=date(2027, 6, 1),
                                     status="approved", refund_cents=4000))  # not a leave: gives nothing back
    # Ended with more given back than it costs: it owes nothing, and what it paid stays received.
    await Amendment.insert(Amendment(subscription=season.alice, effective_on=date(2027, 4, 1), status="approved",
                                     refund_cents=50000))
    await pay(world, season.alice, 8840, date(2027, 3, 1))
    await Subscription.update({Subscription.status: "ended", Subscription.ended_on: date(2027, 4, 1)}).where(
        Subscription.id == season.alice)
    waiting = (await lifecycle.sign(request_for(world, season.offer, "cyril", share=season.offer.half_share)))["id"]
    ids = [season.alice, season.bob, shared, waiting]

    expected = await services.balances(ids, today)
    rows = await listing.subscription_rows(Subscription.id.is_in(ids), today)
    assert shown_by_id(rows) == {id_: shown(balance) for id_, balance in expected.items()}
    assert expected[season.bob].outstanding_cents == -999 and expected[season.alice].expected_cents == 0
    assert expected[shared].received_cents == 12840 and expected[shared].expected_cents == 44200 - 5500
    summary = await listing.summary(Subscription.id.is_in(ids), today)
    assert summary.totals == services.totals(expected.values()) and summary.count == 4
    shared_row = next(row for row in rows if row["id"] == shared)
    assert (shared_row["household_name"], shared_row["co_household_name"]) == ("Carol", "Erin")
    # The household sharing the contract sees the same balance on /me.
    mine = await my_contracts(world.households["erin"], today)
    assert [(row["id"], row["balance"]) for row in mine] == [(shared, expected[shared])]


async def test_a_subscription_without_installments_or_payments_owes_its_total_and_nothing_is_due(world, season):
    await Installment.delete().where(Installment.subscription == season.bob)
    rows = await listing.subscription_rows(listing.offer_subscriptions(season.offer.offer), TODAY)
    bob = shown_by_id(rows)[season.bob]
    assert bob == shown((await services.balances([season.bob], TODAY))[season.bob]) == (26000, 0, 26000, 0)


async def test_the_latest_payments_are_the_first_of_all_the_offers_payments(world, season):
    for day in range(1, 26):
        await pay(world, season.alice if day % 2 else season.bob, 100 * day, date(2027, 3, day))
    latest = await services.payments_of(season.offer.offer, limit=20)
    everything = await services.payments_of(season.offer.offer)
    assert len(everything) == 25 and latest == everything[:20]
    assert [p["household_name"] for p in latest[:2]] == ["Alice", "Bob"] and latest[0]["amount_cents"] == 2500
