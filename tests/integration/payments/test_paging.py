"""The payments page of a big contract: 50 subscriptions a page, searched, the figures for the whole offer."""

import re
from datetime import date

import pytest

from amap.lib.pagination import PAGE_SIZE
from amap.payments import services
from tests.integration.conftest import login, post_form
from tests.integration.households import add_household
from tests.integration.payments.conftest import HTMX, cheque, sign
from tests.integration.payments.test_recording import plain
from tests.queries import counted_queries
from tests.world import add_offer


def listed(text: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="subscription-(\d+)"', text)]


@pytest.fixture
async def big_season(world, on_payment_day):
    """60 households on a contract (Alice, Bob and 58 more), each owing one cheque of 442 € since 5 April."""
    offer = await add_offer(world, capacity=80)
    subscriptions = {who: await sign(world, offer, who, offer.full_share, offer.plan_one) for who in ("alice", "bob")}
    for number in range(58):
        who = f"member{number:02d}"
        await add_household(world, who, world.tilleuls, name=f"Member {number:02d}")
        subscriptions[who] = await sign(world, offer, who, offer.full_share, offer.plan_one)
    await add_household(world, "heloise", world.tilleuls, name="Héloïse Lefèvre", second_adult="Noël")
    subscriptions["heloise"] = await sign(world, offer, "heloise", offer.full_share, offer.plan_one)
    await services.record_payment(subscription_id=subscriptions["member10"], amount_cents=44200, method="transfer",
                                  received_on=date(2027, 4, 2), recorded_by=world.users["carol"])
    return offer, subscriptions


async def test_the_second_page_shows_the_next_subscriptions_and_the_figures_stay_the_offers(client, world,
                                                                                           big_season):
    offer, subscriptions = big_season
    await login(client, "carol@example.org")
    first = await client.get(f"/offers/{offer.offer}/payments")
    second = await client.get(f"/offers/{offer.offer}/payments?page=2")
    on_first, on_second = listed(first.text), listed(second.text)
    assert len(on_first) == PAGE_SIZE and len(on_second) == 61 - PAGE_SIZE
    assert on_first[0] == subscriptions["alice"] and not set(on_first) & set(on_second)
    assert set(on_first) | set(on_second) == set(subscriptions.values())
    for page in (first, second):
        figures = plain(re.search(r'data-testid="payment-figures".*?</p>', page.text, re.S).group(0))
        assert "26 962,00 €" in figures and "442,00 €" in figures  # 61 x 442 € expected, one paid
        totals = plain(re.search(r'data-testid="payment-totals".*?</tfoot>', page.text, re.S).group(0))
        assert "26 962,00 €" in totals  # the whole list's total, not the page's
        assert "(60)" in page.text  # households overdue, in the whole offer
    # The payment form offers the households of the rows on screen, and leads to the search for others.
    assert offered(first.text) == on_first and offered(second.text) == on_second
    assert re.search(r'<a href="#q" data-testid="find-household">Chercher un foyer</a>', first.text)


def offered(text: str) -> list[int]:
    """The subscriptions the payment form offers, in its order."""
    select = re.search(r'<select id="subscription".*?</select>', text, re.S).group(0)
    return [int(n) for n in re.findall(r'<option value="(\d+)"', select)]


async def test_a_household_of_another_page_is_reached_by_its_record_link_or_a_search(client, world, big_season):
    offer, subscriptions = big_season
    url = f"/offers/{offer.offer}/payments"
    await login(client, "carol@example.org")
    target = subscriptions["member55"]  # on the second page
    assert target not in offered((await client.get(url)).text)
    # Without JavaScript the link opens the first page with that household chosen in the form.
    linked = await client.get(f"{url}?subscription={target}")
    assert offered(linked.text)[0] == target and f'<option value="{target}" selected>' in linked.text
    # With htmx the link sends the search and page on screen: the form offers that page's rows.
    form = await client.get(f"{url}?subscription={target}&page=2", headers=HTMX)
    assert offered(form.text) == listed((await client.get(f"{url}?page=2")).text)
    assert f'<option value="{target}" selected>' in form.text
    # A search typed (or a page turned) with htmx swaps the table and the form's households with it.
    table = await client.get(url, params={"q": "member55"},
                             headers={"hx-request": "true", "hx-target": "subscription-table"})
    assert listed(table.text) == [target] and offered(table.text) == [target]
    assert '<select id="subscription" hx-swap-oob="innerHTML">' in table.text
    assert 'hx-swap-oob' not in (await client.get(url, params={"q": "member55"})).text.split("payment-history")[0]


@pytest.mark.parametrize("htmx", [True, False])
async def test_a_payment_is_recorded_for_any_household_of_the_offer_not_only_those_on_screen(client, world,
                                                                                           big_season, htmx):
    offer, subscriptions = big_season
    await login(client, "carol@example.org")
    target = subscriptions["member55"]
    response = await post_form(client, f"/offers/{offer.offer}/payments", cheque(target, amount="442"),
                               headers=HTMX if htmx else None)
    assert response.status_code == (200 if htmx else 303)
    assert (await services.balances([target], date(2027, 5, 10)))[target].received_cents == 44200
    if htmx:  # the form comes back offering the first page's rows, as on screen
        assert "Member 55" in plain(response.text) and target not in offered(response.text)


async def test_a_refused_payment_keeps_the_household_chosen_even_off_screen(client, world, big_season):
    offer, subscriptions = big_season
    await login(client, "carol@example.org")
    target = subscriptions["member55"]
    for headers in (HTMX, None):
        response = await post_form(client, f"/offers/{offer.offer}/payments", cheque(target, amount="abc"),
                                   headers=headers)
        assert 'href="#amount"' in response.text and f'<option value="{target}" selected>' in response.text
        assert offered(response.text)[0] == target


async def test_the_search_finds_a_subscription_by_an_adults_e_mail_or_an_accented_name(client, world, big_season):
    offer, subscriptions = big_season
    await login(client, "carol@example.org")
    for q in ("heloise", "LEFÈVRE", "heloise-bis@example.org", "noel"):
        page = await client.get(f"/offers/{offer.offer}/payments", params={"q": q})
        assert listed(page.text) == [subscriptions["heloise"]], q
    overdue = await client.get(f"/offers/{offer.offer}/payments", params={"q": "member1", "overdue": "1"})
    assert len(listed(overdue.text)) == 9  # member10…member19, member10 paid
    many = await client.get(f"/offers/{offer.offer}/payments", params={"q": "member", "overdue": "1"})
    assert f'href="/offers/{offer.offer}/payments?q=member&amp;overdue=1&amp;page=2"' in many.text


async def test_htmx_pages_through_the_table_alone(client, world, big_season):
    offer, subscriptions = big_season
    await login(client, "carol@example.org")
    table = await client.get(f"/offers/{offer.offer}/payments?page=2",
                             headers={"hx-request": "true", "hx-target": "subscription-table"})
    assert table.text.lstrip().startswith('<div id="subscription-table">') and "<html" not in table.text
    assert len(listed(table.text)) == 11 and 'name="page" value="2"' in table.text


async def test_a_payment_on_the_second_page_keeps_that_page_on_screen(client, world, big_season):
    offer, subscriptions = big_season
    await login(client, "carol@example.org")
    second = listed((await client.get(f"/offers/{offer.offer}/payments?page=2")).text)
    target = second[3]
    response = await post_form(client, f"/offers/{offer.offer}/payments",
                               {**cheque(target, amount="442"), "page": "2"}, headers=HTMX)
    assert response.status_code == 200 and f'<tr id="subscription-{target}"' in response.text
    bad = await post_form(client, f"/offers/{offer.offer}/payments", {**cheque(target), "page": "abc"}, headers=HTMX)
    assert bad.status_code == 400


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page=1.5", "page=", "page=99999999999",
                                   f"q={'x' * 10_000}", "q=%00"])
async def test_a_bad_page_number_or_search_is_400(client, world, season, on_payment_day, query):
    await login(client, "carol@example.org")
    assert (await client.get(f"{season.url}?{query}")).status_code == 400


async def test_a_page_beyond_the_last_is_not_found(client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    assert (await client.get(f"{season.url}?page=2")).status_code == 404


async def test_each_page_of_the_list_reads_the_database_four_times_and_a_page_turned_with_htmx_three(client, world,
                                                                                                    big_season):
    """The session with its reader, the offer, one page of balances with the list's totals, and the latest
    payments with the cheques still held (whatever the number of subscriptions or payments); the table
    alone, as htmx asks for it, shows neither the cheques nor the history."""
    offer, subscriptions = big_season
    await services.record_payment(subscription_id=subscriptions["alice"], amount_cents=44200, method="cheque",
                                  cheque_number="1", bank="LBP", received_on=date(2027, 4, 2), recorded_by=None)
    await login(client, "carol@example.org")
    for page in (1, 2):
        with counted_queries() as counted:
            response = await client.get(f"/offers/{offer.offer}/payments", params={"page": page})
        assert response.status_code == 200 and counted[0] == 4
    with counted_queries() as counted:
        response = await client.get(f"/offers/{offer.offer}/payments", params={"page": 2},
                                    headers={"hx-request": "true", "hx-target": "subscription-table"})
    assert counted[0] == 3 and listed(response.text) and "payment-history" not in response.text
