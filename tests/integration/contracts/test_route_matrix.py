"""Every contract and payment page, for every role: exactly the expected status."""

import pytest

from amap.contracts import lifecycle
from tests.integration.conftest import login
from tests.integration.contracts.test_lifecycle import request_for
from tests.world import add_offer

ROUTES = [
    "/contracts", "/contracts/{offer}", "/contracts/{offer}/subscribe", "/subscriptions/{sub}",
    "/subscriptions/{sub}/print", "/offers/{offer}/manage", "/offers/{offer}/payments",
    "/offers/{offer}/exports/subscriptions.csv", "/offers/{offer}/exports/payments.csv",
    "/committee/tilleuls/contracts", "/committee/tilleuls/balances", "/farm/offers/new?farm=ferme-tilleuls",
    "/farm/share-types/new?farm=ferme-tilleuls",
]
EXPECTED = {
    #           list off  subs  sub  prnt mng  pay  csv1 csv2 ccon cbal newo newst
    "alice":  [200, 200, 200, 200, 200, 404, 404, 404, 404, 403, 403, 404, 403],
    "bob":    [200, 200, 200, 404, 404, 404, 404, 404, 404, 403, 403, 404, 403],
    "carol":  [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403],
    "dan":    [200, 200, 404, 200, 200, 200, 200, 200, 200, 403, 403, 200, 200],
    "fanny":  [200, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403, 404, 404],
    "erin":   [200, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403, 404, 403],
    "cyril":  [200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403],
    None:     [303] * 13,
}


@pytest.mark.parametrize("who", list(EXPECTED))
async def test_each_role_gets_exactly_the_expected_status_on_every_contract_page(client, world, who):
    offer = await add_offer(world)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    if who:
        await login(client, f"{who}@example.org")
    statuses = []
    for route in ROUTES:
        response = await client.get(route.format(offer=offer.offer, sub=subscription["id"]))
        statuses.append(response.status_code)
    assert statuses == EXPECTED[who]
