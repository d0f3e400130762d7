"""The balances the database computes for the paged lists are those of `services.balances()`."""

from datetime import date

import pytest

from amap.contracts import lifecycle
from amap.payments import listing, services
from tests.integration.payments.conftest import TODAY
from tests.integration.payments.test_balances import a_season_partly_paid, pay


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
    assert {row["id"]: row["balance"] for row in rows} == expected
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
