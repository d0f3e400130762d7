"""Recording what members paid the farm: the fast htmx form, its refusals, excess and corrections."""

import re
from datetime import date

import pytest

from amap.contracts import lifecycle
from amap.payments import services
from amap.payments.tables import Payment
from tests.integration.conftest import login, post_form
from tests.integration.payments.conftest import HTMX, TODAY, cheque


def plain(text: str) -> str:
    """Amounts as formatted in French, with their narrow spaces made ordinary."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def row_of(html: str, subscription: int) -> str:
    match = re.search(rf'<tr id="subscription-{subscription}".*?</tr>', html, re.S)
    assert match, html
    return plain(match.group(0))


async def test_recording_a_cheque_updates_received_and_still_to_pay(client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    response = await post_form(client, season.url, cheque(season.alice), headers=HTMX)
    assert response.status_code == 200 and "<html" not in response.text
    row = row_of(response.text, season.alice)
    assert 'hx-swap-oob="true"' in row
    assert re.search(r'data-testid="received">88,40 €', row)
    assert re.search(r'data-testid="outstanding">353,60 €', row)
    # The form comes back empty, the focus on its first field, the date and method kept for the next cheque.
    form = re.search(r'<form id="payment-form".*?</form>', response.text, re.S).group(0)
    assert re.search(r'<select id="subscription" name="subscription"[^>]* autofocus>', form)
    assert 'value="88,40"' not in form and f'value="{TODAY.isoformat()}"' in form
    status = re.search(r'<p id="payment-status"[^>]*hx-swap-oob="innerHTML">([^<]+)</p>', response.text)
    assert "88,40" in plain(status.group(1))  # announced by the live region
    payment = await Payment.objects().get(Payment.subscription == season.alice)
    assert (payment.amount_cents, payment.method, payment.cheque_number, payment.bank, payment.received_on,
            payment.recorded_by) == (8840, "cheque", "1234567", "Crédit Agricole", TODAY, world.users["carol"])
    balance = (await services.balances([season.alice], TODAY))[season.alice]
    assert (balance.received_cents, balance.outstanding_cents, balance.overdue_cents) == (8840, 35360, 8840)


async def test_without_javascript_a_payment_redirects_with_a_message(client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    response = await post_form(client, season.url, {"subscription": str(season.bob), "amount": "260",
                                                    "method": "transfer", "received_on": "2027-04-02"})
    assert response.status_code == 303 and response.headers["location"] == season.url
    page = await client.get(season.url)
    assert 'data-testid="flash"' in page.text and "260,00" in plain(page.text)
    assert re.search(r'data-testid="outstanding">0,00 €', row_of(page.text, season.bob))
    payment = await Payment.objects().get(Payment.subscription == season.bob)
    assert (payment.method, payment.cheque_number, payment.received_on) == ("transfer", "", date(2027, 4, 2))


@pytest.mark.parametrize("missing", ["cheque_number", "bank"])
async def test_a_cheque_without_its_number_or_bank_is_refused_and_nothing_is_written(client, world, season,
                                                                                       on_payment_day, missing):
    await login(client, "carol@example.org")
    response = await post_form(client, season.url, cheque(season.alice, **{missing: ""}), headers=HTMX)
    assert response.status_code == 200  # htmx 2 swaps only 2xx answers
    assert f'href="#{missing}"' in response.text and f'id="{missing}-error"' in response.text
    assert 'value="88,40"' in response.text  # what was typed is kept
    response = await post_form(client, season.url, cheque(season.alice, **{missing: ""}))
    assert response.status_code == 400 and f'href="#{missing}"' in response.text
    assert await Payment.count() == 0


@pytest.mark.parametrize("amount", ["", "abc", "0", "0,00", "12,505", "1e3", "12 euros", "200000"])
async def test_a_garbage_or_zero_amount_is_refused(client, world, season, on_payment_day, amount):
    await login(client, "carol@example.org")
    response = await post_form(client, season.url, cheque(season.alice, amount=amount))
    assert response.status_code == 400 and 'href="#amount"' in response.text
    assert await Payment.count() == 0


async def test_a_date_in_the_future_is_refused(client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    response = await post_form(client, season.url, cheque(season.alice, received_on="2027-05-11"))
    assert response.status_code == 400 and 'href="#received_on"' in response.text
    response = await post_form(client, season.url, cheque(season.alice, received_on="11/05/2027"))
    assert response.status_code == 400 and 'href="#received_on"' in response.text
    assert await Payment.count() == 0


async def test_a_subscription_of_another_offer_or_on_the_waiting_list_cannot_be_chosen(client, world, season,
                                                                                      on_payment_day):
    from tests.integration.payments.conftest import sign
    from tests.world import add_offer

    other = await add_offer(world)
    elsewhere = await sign(world, other, "carol", other.full_share, other.plan_one)
    await sign(world, season.offer, "paula", season.offer.half_share, season.offer.plan_one)  # 2 half places
    waiting = await sign(world, season.offer, "carol", season.offer.half_share, season.offer.plan_one)
    await login(client, "carol@example.org")
    for subscription in (elsewhere, waiting, 999999):
        response = await post_form(client, season.url, cheque(subscription))
        assert response.status_code == 400 and 'href="#subscription"' in response.text
    assert await Payment.count() == 0


async def test_the_same_cheque_cannot_be_recorded_twice(client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    assert (await post_form(client, season.url, cheque(season.alice))).status_code == 303
    response = await post_form(client, season.url, cheque(season.alice))
    assert response.status_code == 400 and 'href="#cheque_number"' in response.text
    assert (await post_form(client, season.url, cheque(season.alice, number="1234568"))).status_code == 303
    assert await Payment.count() == 2


async def test_an_excess_payment_shows_a_negative_balance_paid_in_excess(client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    await post_form(client, season.url, cheque(season.bob, amount="200", number="1"))
    response = await post_form(client, season.url, cheque(season.bob, amount="100", number="2"), headers=HTMX)
    row = row_of(response.text, season.bob)
    assert re.search(r'data-testid="outstanding">-40,00 € <small class="excess">', row)  # "paid in excess"
    assert (await services.balances([season.bob], TODAY))[season.bob].outstanding_cents == -4000


async def test_a_correction_is_a_new_negative_row_and_needs_a_note(client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    await post_form(client, season.url, cheque(season.alice, amount="88,40", number="77"))
    refused = await post_form(client, season.url, cheque(season.alice, amount="-88,40", number="77"))
    assert refused.status_code == 400 and 'href="#note"' in refused.text
    response = await post_form(client, season.url, cheque(season.alice, amount="-88,40", number="77",
                                                          note="cheque returned unpaid by the bank"))
    assert response.status_code == 303
    rows = await Payment.select(Payment.amount_cents, Payment.note).where(
        Payment.subscription == season.alice).order_by(Payment.id)
    assert [r["amount_cents"] for r in rows] == [8840, -8840]  # the first row is kept as it was
    assert rows[1]["note"] == "cheque returned unpaid by the bank"
    page = await client.get(season.url)
    assert re.search(r'data-testid="received">0,00 €', row_of(page.text, season.alice))
    assert 'data-testid="payment-history"' in page.text and "cheque returned unpaid" in page.text


async def test_the_record_link_of_a_row_preselects_its_household_and_focuses_the_amount(client, world, season,
                                                                                     on_payment_day):
    await login(client, "carol@example.org")
    response = await client.get(f"{season.url}?subscription={season.bob}", headers=HTMX)
    assert response.text.lstrip().startswith('<form id="payment-form"')
    assert f'<option value="{season.bob}" selected>' in response.text
    assert re.search(r'<input id="amount"[^>]* autofocus>', response.text)


async def test_the_search_keeps_the_households_whose_name_matches(client, world, season, on_payment_day):
    from amap.accounts.tables import Household

    await Household.update({Household.name: "Foyer Héloïse"}).where(Household.id == world.households["alice"])
    await login(client, "carol@example.org")
    page = await client.get(f"{season.url}?q=heloise")
    assert f'id="subscription-{season.alice}"' in page.text and f'id="subscription-{season.bob}"' not in page.text
    table = await client.get(f"{season.url}?q=bob", headers={"hx-request": "true", "hx-target": "subscription-table"})
    assert table.text.lstrip().startswith('<div id="subscription-table"')
    assert f'id="subscription-{season.bob}"' in table.text and f'id="subscription-{season.alice}"' not in table.text


async def test_a_payment_for_a_subscription_the_page_does_not_list_is_refused(client, world, season, on_payment_day):
    from tests.integration.contracts.test_lifecycle import request_for
    from tests.world import add_offer

    other = await add_offer(world)
    elsewhere = (await lifecycle.sign(request_for(world, other, "carol")))["id"]  # another offer's
    await login(client, "carol@example.org")
    for value in (str(elsewhere), "0", "-1", "abc", "²", "99999999999", ""):
        response = await post_form(client, season.url, {**cheque(season.alice), "subscription": value}, headers=HTMX)
        assert 'href="#subscription"' in response.text, value
    assert await Payment.count() == 0
