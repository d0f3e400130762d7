"""Who reads the history (the group's committee only), and what bad addresses get: never a 500."""

import pytest

from amap.audit import log as audit
from amap.lib.pagination import PAGE_SIZE
from tests.integration.conftest import login


async def test_the_committee_page_links_to_the_history(client, world):
    await login(client, "carol@example.org")
    page = await client.get("/committee?group=tilleuls")
    assert 'href="/committee/tilleuls/history"' in page.text


async def test_the_history_lists_the_groups_changes_newest_first_with_who_did_them(client, world):
    await login(client, "carol@example.org")
    page = await client.get("/committee/tilleuls/history")
    assert page.status_code == 200
    # The world: five households joined, then Carol was appointed to the committee.
    assert page.text.index("Carol joins the committee as treasurer.") < page.text.index("Joined the group.")
    assert "Cyril" not in page.text  # the Canal's committee is not the Tilleuls' business


@pytest.mark.parametrize("who", ["alice", "dan", "nina"])
async def test_members_farmers_and_the_network_are_refused(client, world, who):
    await login(client, f"{who}@example.org")
    assert (await client.get("/committee/tilleuls/history")).status_code == 403
    url = f"/committee/tilleuls/history/membership/{world.memberships['alice']}"
    assert (await client.get(url)).status_code == 403


async def test_another_groups_committee_gets_404_on_an_objects_history(client, world):
    await login(client, "cyril@example.org")
    tilleuls_membership = world.memberships["alice"]
    assert (await client.get(f"/committee/tilleuls/history/membership/{tilleuls_membership}")).status_code == 404
    # Through its own group's address, another group's object does not exist either.
    assert (await client.get(f"/committee/canal/history/membership/{tilleuls_membership}")).status_code == 404
    assert (await client.get(f"/committee/canal/history/membership/{world.memberships['erin']}")).status_code == 200


@pytest.mark.parametrize("path", [
    "/committee/tilleuls/history/nothing/1",
    "/committee/tilleuls/history/membership/0",
    "/committee/tilleuls/history/membership/-3",
    "/committee/tilleuls/history/membership/999999",
    "/committee/tilleuls/history/membership/2147483648",
    "/committee/tilleuls/history/membership/99999999999999999999999",
    "/committee/tilleuls/history/membership/abc",
    "/committee/tilleuls/history?page=2",
    "/committee/tilleuls/history?page=999999999",
    "/committee/nowhere/history",
])
async def test_unknown_objects_and_pages_are_404(client, world, path):
    await login(client, "carol@example.org")
    assert (await client.get(path)).status_code == 404


@pytest.mark.parametrize("query", ["page=-1", "page=0", "page=abc", "page=1.5", "page=", "kind=bogus",
                                   "page=99999999999999999999"])
async def test_a_bad_page_number_or_kind_is_400(client, world, query):
    await login(client, "carol@example.org")
    assert (await client.get(f"/committee/tilleuls/history?{query}")).status_code == 400


async def test_the_history_is_paged_fifty_lines_at_a_time_and_filtered_by_kind(client, world):
    for number in range(PAGE_SIZE + 3):
        await audit.record(group=world.tilleuls, kind="distribution", subject_id=1000 + number, action="cancelled",
                           actor=world.users["carol"], details={"reason": f"raison {number}"})
    await login(client, "carol@example.org")
    first = await client.get("/committee/tilleuls/history?kind=distribution")
    assert first.text.count('data-testid="audit-line"') == PAGE_SIZE
    assert "raison 52" in first.text and "raison 2<" not in first.text
    assert 'href="/committee/tilleuls/history?kind=distribution&amp;page=2"' in first.text
    second = await client.get("/committee/tilleuls/history?kind=distribution&page=2")
    assert second.text.count('data-testid="audit-line"') == 3 and "raison 0" in second.text
    everything = await client.get("/committee/tilleuls/history?kind=membership")
    assert "raison " not in everything.text and "Joined the group." in everything.text


async def test_htmx_asks_for_the_history_alone(client, world):
    await login(client, "carol@example.org")
    response = await client.get("/committee/tilleuls/history?kind=membership",
                                headers={"hx-request": "true", "hx-target": "audit-list"})
    assert response.text.lstrip().startswith('<div id="audit-list">') and "<html" not in response.text
    assert "Joined the group." in response.text
