"""The committee's list of member households: 50 a page, searched by name or e-mail, counted whole."""

import re

import pytest

from amap.lib.pagination import PAGE_SIZE
from tests.integration.conftest import login
from tests.integration.households import add_household, add_households


@pytest.fixture(autouse=True)
def in_english(client):
    client.headers["accept-language"] = "en"


def households_on(text: str) -> list[str]:
    return re.findall(r'<td data-label="Household">([^<]+)</td>', text)


async def test_the_second_page_shows_the_next_households_and_the_counts_stay_the_whole_groups(client, world):
    await add_households(world, world.tilleuls, 60)  # with Alice's, Bob's, Carol's and Paula's: 64
    await login(client, "carol@example.org")
    first = await client.get("/committee?group=tilleuls")
    second = await client.get("/committee?group=tilleuls&page=2")
    assert first.status_code == second.status_code == 200
    on_first, on_second = households_on(first.text), households_on(second.text)
    assert len(on_first) == PAGE_SIZE and len(on_second) == 64 - PAGE_SIZE
    assert on_first[0] == "Paula"  # waiting for an answer: first
    assert on_second[-1] == "Foyer Member60" and not set(on_first) & set(on_second)
    for page in (first, second):
        assert "63 active households" in page.text and "1 waiting for acceptance" in page.text
    assert "Page 1 of 2" in first.text and 'href="/committee?group=tilleuls&amp;page=2"' in first.text
    assert 'href="/committee?group=tilleuls"' in second.text and "Page 2 of 2" in second.text


async def test_the_search_finds_a_household_by_an_adults_e_mail_or_an_accented_name(client, world):
    await add_households(world, world.tilleuls, 5)
    await add_household(world, "heloise", world.tilleuls, name="Héloïse Lefèvre", second_adult="Noël Lefèvre")
    await add_household(world, "erwan", world.canal, name="Héloïse Canal")  # another group's: never listed
    await login(client, "carol@example.org")
    for q in ("heloise", "HÉLOÏSE", "lefevre", "noel", "heloise-bis@example", "Foyer Héloïse"):
        response = await client.get("/committee", params={"group": "tilleuls", "q": q})
        assert households_on(response.text) == ["Foyer Héloïse Lefèvre"], q
    by_mail = await client.get("/committee", params={"group": "tilleuls", "q": "member03@example.org"})
    assert households_on(by_mail.text) == ["Foyer Member03"]
    nothing = await client.get("/committee", params={"group": "tilleuls", "q": "zzz"})
    assert households_on(nothing.text) == [] and "No household matches this search." in nothing.text
    assert "9 active households" in nothing.text  # the counts above the list are the group's


async def test_the_search_is_kept_in_the_page_links(client, world):
    for number in range(55):
        await add_household(world, f"martin{number:02d}", world.tilleuls, name=f"Martin {number:02d}")
    await login(client, "carol@example.org")
    first = await client.get("/committee", params={"group": "tilleuls", "q": "martin"})
    assert len(households_on(first.text)) == PAGE_SIZE
    assert 'href="/committee?group=tilleuls&amp;q=martin&amp;page=2"' in first.text
    second = await client.get("/committee", params={"group": "tilleuls", "q": "martin", "page": "2"})
    assert households_on(second.text) == [f"Foyer Martin {n}" for n in range(50, 55)]


async def test_htmx_asks_for_the_list_alone(client, world):
    await login(client, "carol@example.org")
    response = await client.get("/committee", params={"group": "tilleuls", "q": "alice"},
                                headers={"hx-request": "true", "hx-target": "member-list"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="member-list">') and "<html" not in response.text
    assert households_on(response.text) == ["Alice"]
    # The counts refresh themselves with the whole page (hx-select), not the list.
    counts = await client.get("/committee?group=tilleuls", headers={"hx-request": "true", "hx-target": "member-counts"})
    assert "<html" in counts.text and 'id="member-counts"' in counts.text


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page=1.5", "page=", "page=%201",
                                   "page=12345678901234567890", f"q={'x' * 10_000}", "q=a%00b"])
async def test_a_bad_page_number_or_search_is_400(client, world, query):
    await login(client, "carol@example.org")
    response = await client.get(f"/committee?group=tilleuls&{query}")
    assert response.status_code == 400
    # The error page says what was wrong.
    assert any(words in response.text for words in ("The page number is", "A search is", "The search holds"))


async def test_a_page_beyond_the_last_is_not_found(client, world):
    await login(client, "carol@example.org")
    assert (await client.get("/committee?group=tilleuls&page=2")).status_code == 404
    assert (await client.get("/committee?group=tilleuls&page=1")).status_code == 200
