"""What is overdue, and the farm's money month by month against the season's deliveries."""

import html
import json
import re
from datetime import date

from amap.contracts import lifecycle
from amap.contracts.tables import Amendment, Installment, Subscription
from amap.payments import services
from amap.payments.tables import Payment
from tests.integration.conftest import login
from tests.integration.payments.conftest import TODAY


async def pay(world, subscription: int, cents: int, on: date, method: str = "transfer") -> None:
    await services.record_payment(subscription_id=subscription, amount_cents=cents, method=method, received_on=on,
                                  recorded_by=world.users["carol"])


async def a_season_partly_paid(world, season) -> None:
    await pay(world, season.alice, 8840, date(2027, 3, 1))  # first cheque handed over at signing
    await pay(world, season.bob, 26000, date(2027, 4, 10))
    await pay(world, season.alice, 8840, date(2027, 5, 3))


async def test_overdue_is_what_the_schedule_asked_for_by_today_less_what_was_received(world, season):
    await pay(world, season.alice, 8840, date(2027, 3, 1))
    found = await services.balances([season.alice, season.bob], TODAY)
    assert (found[season.alice].due_cents, found[season.alice].overdue_cents) == (17680, 8840)
    assert (found[season.bob].due_cents, found[season.bob].overdue_cents) == (26000, 26000)
    before_first_due = await services.balances([season.alice], date(2027, 4, 4))
    assert before_first_due[season.alice].overdue_cents == 0
    on_the_due_date = await services.balances([season.bob], date(2027, 4, 5))
    assert on_the_due_date[season.bob].overdue_cents == 0  # a cheque due today is not late yet
    the_day_after = await services.balances([season.bob], date(2027, 4, 6))
    assert the_day_after[season.bob].overdue_cents == 26000


async def test_the_overdue_list_shows_only_households_behind_with_the_amount(client, world, season, on_payment_day):
    await pay(world, season.alice, 8840, date(2027, 3, 1))
    await pay(world, season.bob, 26000, date(2027, 4, 10))
    await login(client, "carol@example.org")
    page = await client.get(f"{season.url}?overdue=1")
    assert f'id="subscription-{season.alice}"' in page.text and f'id="subscription-{season.bob}"' not in page.text
    row = re.search(rf'<tr id="subscription-{season.alice}".*?</tr>', page.text, re.S).group(0)
    assert re.search(r'data-testid="overdue"><span class="badge badge-pending">88,40\s€', row.replace("\xa0", " "))
    assert re.search(r'name="overdue" type="checkbox" value="1" checked>[^<]*\(1\)</label>', page.text)


async def test_monthly_balances_on_a_fixed_season(world, season):
    await a_season_partly_paid(world, season)
    months = await services.monthly_balances([season.offer.offer], TODAY)
    assert [m.starts_on for m in months] == [date(2027, month, 1) for month in range(3, 10)]
    assert [m.expected_cents for m in months] == [0, 34840, 8840, 8840, 8840, 8840, 0]
    assert [m.received_cents for m in months] == [8840, 26000, 8840, 0, 0, 0, 0]
    assert [m.received_to_date_cents for m in months] == [8840, 34840, 43680, None, None, None, None]
    # 2,700 € a Thursday (a full share and a half share): 5, 4, 4, 5, 4 and 4 Thursdays from April.
    assert [m.delivered_cents for m in months] == [0, 13500, 10800, 10800, 13500, 10800, 10800]
    assert months[-1].delivered_to_date_cents == 26 * 2700
    assert sum(m.expected_cents for m in months) == 44200 + 26000


async def test_a_household_that_left_owes_the_total_less_its_refund_and_its_schedule_stops_there(world, season):
    amendment = await lifecycle.request_leave(season.alice, date(2027, 6, 1), "moving", world.users["alice"])
    await lifecycle.decide_leave(amendment, True, world.users["carol"], today=date(2027, 5, 20))
    balance = (await services.balances([season.alice], date(2027, 7, 10)))[season.alice]
    assert balance.expected_cents == 44200 - 17 * 1700  # 17 Thursdays from 1 June not received
    assert balance.due_cents == balance.expected_cents == 15300
    months = await services.monthly_balances([season.offer.offer], date(2027, 7, 10))
    alice_and_bob = {m.starts_on.month: m for m in months}
    assert alice_and_bob[5].expected_cents == 15300 - 8840 and alice_and_bob[6].expected_cents == 0
    assert alice_and_bob[5].delivered_cents == 4 * 2700 and alice_and_bob[6].delivered_cents == 4 * 1000


async def test_the_farm_dashboard_shows_the_balances_table_and_the_chart_data(client, world, season, on_payment_day):
    await a_season_partly_paid(world, season)
    await login(client, "dan@example.org")
    page = await client.get("/farm")
    assert page.status_code == 200
    assert f'href="/offers/{season.offer.offer}/payments"' in page.text
    chart = re.search(r'data-testid="farm-chart"[^>]*data-money-chart="([^"]*)"', page.text)
    data = json.loads(html.unescape(chart.group(1)))
    received, delivered = data["lines"]
    assert data["x"][0] == "2027-03-01" and data["unit"] == "month" and received[:4] == [8840, 34840, 43680, None]
    assert delivered[-1] == 70200
    assert 'data-testid="farm-months"' in page.text  # the same figures as a table
    assert '<script src="/static/js/money-chart.' in page.text
    other = await client.get("/me")
    assert "/static/js/money-chart." not in other.text  # only the pages with a chart load it


async def test_a_subscription_s_balance_from_its_own_rows_is_the_one_balances_reads(world, season):
    """Its page reads the installments, payments and amendments it shows and sums them (balance_of)."""
    await a_season_partly_paid(world, season)
    amendment = await lifecycle.request_leave(season.alice, date(2027, 6, 1), "moving", world.users["alice"])
    await lifecycle.decide_leave(amendment, True, world.users["carol"], today=date(2027, 5, 20))
    for subscription in (season.alice, season.bob):
        row = await Subscription.select().where(Subscription.id == subscription).first()
        installments = await Installment.select().where(Installment.subscription == subscription)
        payments = await Payment.select().where(Payment.subscription == subscription)
        amendments = await Amendment.select().where(Amendment.subscription == subscription)
        for today in (date(2027, 4, 4), date(2027, 4, 5), date(2027, 4, 6), TODAY, date(2027, 7, 10)):
            expected = (await services.balances([subscription], today))[subscription]
            assert services.balance_of(row, installments, payments, amendments, today) == expected
