"""A big contract's ledger: every household counts in the figures, the table shows 50 a page."""

import re

from amap.contracts import lifecycle
from amap.lib.pagination import PAGE_SIZE
from tests.integration.conftest import login
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.households import add_household
from tests.world import add_offer


def households_on(text: str) -> list[str]:
    return re.findall(r'data-testid="offer-ledger-household">\s*<td[^>]*><a href="/subscriptions/\d+#ledger">([^<]+)</a>',
                      text)


async def test_the_households_are_paged_and_searched_while_the_figures_count_them_all(client, world):
    offer = await add_offer(world, capacity=80)
    for number in range(54):
        who = f"member{number:02d}"
        await add_household(world, who, world.tilleuls, name=f"Member {number:02d}")
        await lifecycle.sign(request_for(world, offer, who))
    await add_household(world, "heloise", world.tilleuls, name="Héloïse Lefèvre", second_adult="Noël")
    await lifecycle.sign(request_for(world, offer, "heloise"))
    await login(client, "carol@example.org")
    first = await client.get(f"/offers/{offer.offer}/ledger")
    second = await client.get(f"/offers/{offer.offer}/ledger?page=2")
    assert len(households_on(first.text)) == PAGE_SIZE and len(households_on(second.text)) == 55 - PAGE_SIZE
    assert households_on(second.text)[-1] == "Foyer Member 53"
    # The compensation form still offers every household of the contract.
    assert first.text.count("<option value=") >= 55
    found = await client.get(f"/offers/{offer.offer}/ledger", params={"q": "noel"},
                             headers={"hx-request": "true", "hx-target": "ledger-households"})
    assert found.text.lstrip().startswith('<div id="ledger-households">')
    assert households_on(found.text) == ["Foyer Héloïse Lefèvre"]
    assert (await client.get(f"/offers/{offer.offer}/ledger?page=x")).status_code == 400
    assert (await client.get(f"/offers/{offer.offer}/ledger?page=3")).status_code == 404
