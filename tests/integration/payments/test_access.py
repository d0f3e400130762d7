"""Only the people who manage an offer open its payment pages; everyone else gets 404."""

import pytest

from amap.contracts.tables import OfferCoordinator
from amap.payments import services
from amap.payments.tables import Payment, Remittance
from tests.integration.conftest import login, post_form
from tests.integration.payments.conftest import TODAY, cheque


async def remittance_of(world, season) -> int:
    await services.record_payment(subscription_id=season.alice, amount_cents=8840, method="cheque",
                                  received_on=TODAY, recorded_by=world.users["carol"], cheque_number="1", bank="B")
    offer = {"id": season.offer.offer, "farm": world.farm_tilleuls}
    payment = await Payment.select(Payment.id).first()
    return await services.remit(offer=offer, payment_ids=[payment["id"]], handed_over_on=TODAY,
                                by_user=world.users["carol"])


@pytest.mark.parametrize("who", ["alice", "bob", "fanny", "cyril", "erin", "nina"])
async def test_members_even_subscribers_and_other_farms_and_groups_get_404(client, world, season, on_payment_day,
                                                                          who):
    remittance = await remittance_of(world, season)
    await login(client, f"{who}@example.org")
    for path in (season.url, f"{season.url}?overdue=1", f"/offers/{season.offer.offer}/exports/subscriptions.csv",
                 f"/offers/{season.offer.offer}/exports/payments.csv", f"/remittances/{remittance}"):
        assert (await client.get(path)).status_code == 404, path
    response = await post_form(client, season.url, cheque(season.alice, number="2"), page="/me")
    assert response.status_code == 404
    response = await post_form(client, f"/offers/{season.offer.offer}/remittances",
                               {"payment": "1", "handed_over_on": TODAY.isoformat()}, page="/me")
    assert response.status_code == 404
    assert await Payment.count() == 1 and await Remittance.count() == 1


@pytest.mark.parametrize("who", ["carol", "dan", "ada"])
async def test_the_groups_committee_the_farms_farmer_and_the_admin_may(client, world, season, on_payment_day, who):
    await login(client, f"{who}@example.org")
    page = await client.get(season.url)
    assert page.status_code == 200 and 'data-testid="payments-table"' in page.text
    assert (await post_form(client, season.url, cheque(season.alice))).status_code == 303


async def test_a_referent_of_the_offer_may(client, world, season, on_payment_day):
    await OfferCoordinator.insert(OfferCoordinator(offer=season.offer.offer, user=world.users["bob"]))
    await login(client, "bob@example.org")
    assert (await client.get(season.url)).status_code == 200


async def test_visitors_are_sent_to_the_login_page(client, world, season):
    response = await client.get(season.url)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


async def test_an_unknown_offer_or_remittance_is_404(client, world, season, on_payment_day):
    await login(client, "ada@example.org")
    assert (await client.get("/offers/999999/payments")).status_code == 404
    assert (await client.get("/remittances/999999")).status_code == 404
