"""Cheques handed over to the farmer in bulk, with a printable slip."""

import re

from amap.payments import services
from amap.payments.tables import Payment, Remittance
from tests.integration.conftest import login, post_form
from tests.integration.payments.conftest import TODAY, cheque


async def cheques_recorded(client, season) -> dict[str, int]:
    """Three cheques and a transfer; returns the cheques' payment ids by number."""
    for number in ("101", "102"):
        await post_form(client, season.url, cheque(season.alice, number=number))
    await post_form(client, season.url, cheque(season.bob, amount="260", number="201", bank="La Poste"))
    await post_form(client, season.url, {"subscription": str(season.alice), "amount": "10", "method": "transfer",
                                         "received_on": TODAY.isoformat()})
    rows = await Payment.select(Payment.id, Payment.cheque_number).where(Payment.method == "cheque")
    return {row["cheque_number"]: row["id"] for row in rows}


async def test_handing_over_selected_cheques_makes_one_remittance_and_leaves_the_others(client, world, season,
                                                                                      on_payment_day):
    await login(client, "carol@example.org")
    cheques = await cheques_recorded(client, season)
    page = await client.get(season.url)
    assert 'data-testid="hand-over-link"' in page.text and "3 chèques" in page.text
    page = await client.get(f"/offers/{season.offer.offer}/remittances")
    assert 'data-testid="remittance-button"' in page.text
    assert all(f'name="payment" value="{pid}" checked' in page.text for pid in cheques.values())
    response = await post_form(client, f"/offers/{season.offer.offer}/remittances", {
        "payment": [str(cheques["101"]), str(cheques["201"])], "handed_over_on": TODAY.isoformat()})
    assert response.status_code == 303
    remittance = await Remittance.objects().get(Remittance.offer == season.offer.offer)
    assert response.headers["location"] == f"/remittances/{remittance.id}"
    assert (remittance.farm, remittance.handed_over_on, remittance.created_by) == (
        world.farm_tilleuls, TODAY, world.users["carol"])
    moved = await Payment.select(Payment.cheque_number).where(Payment.remittance == remittance.id)
    assert sorted(row["cheque_number"] for row in moved) == ["101", "201"]
    # The next list holds only the cheque still with the committee.
    left = await services.unremitted_cheques(season.offer.offer)
    assert [row["cheque_number"] for row in left] == ["102"]
    page = await client.get(f"/offers/{season.offer.offer}/remittances")
    assert f'name="payment" value="{cheques["101"]}"' not in page.text
    assert f'name="payment" value="{cheques["102"]}"' in page.text
    assert 'data-testid="remittance-list"' in page.text


async def test_the_slip_lists_each_cheque_and_the_total(client, world, season, on_payment_day):
    await login(client, "dan@example.org")
    cheques = await cheques_recorded(client, season)
    response = await post_form(client, f"/offers/{season.offer.offer}/remittances",
                               {"payment": str(cheques["201"]), "handed_over_on": TODAY.isoformat()})
    slip = await client.get(response.headers["location"])
    assert slip.status_code == 200 and 'data-testid="remittance-slip"' in slip.text
    text = slip.text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Ferme des Tilleuls" in text and "201" in text and "La Poste" in text
    assert re.search(r'data-testid="remittance-total"><strong>260,00 €', text)
    assert "data-print" in text  # the print button, wired by static/app.js


async def test_a_remittance_needs_cheques_and_a_date_not_in_the_future(client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    cheques = await cheques_recorded(client, season)
    url = f"/offers/{season.offer.offer}/remittances"
    response = await post_form(client, url, {"handed_over_on": TODAY.isoformat()})
    assert response.status_code == 400 and 'href="#payment"' in response.text
    response = await post_form(client, url, {"payment": str(cheques["101"]), "handed_over_on": "2027-05-11"})
    assert response.status_code == 400 and 'href="#handed_over_on"' in response.text
    assert await Remittance.count() == 0


async def test_a_cheque_cannot_be_handed_over_twice_nor_a_transfer_nor_another_offers_cheque(client, world, season,
                                                                                           on_payment_day):
    from tests.integration.payments.conftest import sign
    from tests.world import add_offer

    await login(client, "carol@example.org")
    cheques = await cheques_recorded(client, season)
    url = f"/offers/{season.offer.offer}/remittances"
    assert (await post_form(client, url, {"payment": str(cheques["101"]),
                                          "handed_over_on": TODAY.isoformat()})).status_code == 303
    again = await post_form(client, url, {"payment": str(cheques["101"]), "handed_over_on": TODAY.isoformat()})
    assert again.status_code == 400 and 'href="#payment"' in again.text
    transfer = await Payment.select(Payment.id).where(Payment.method == "transfer").first()
    other = await add_offer(world)
    elsewhere = await sign(world, other, "carol", other.full_share, other.plan_one)
    foreign = await services.record_payment(subscription_id=elsewhere, amount_cents=100, method="cheque",
                                            received_on=TODAY, recorded_by=world.users["carol"], cheque_number="9",
                                            bank="B")
    for payment in (transfer["id"], foreign):
        response = await post_form(client, url, {"payment": str(payment), "handed_over_on": TODAY.isoformat()})
        assert response.status_code == 400
    assert await Remittance.count() == 1  # the refused ones left no empty remittance behind


async def test_a_pile_of_cheques_lists_the_oldest_fifty_and_hands_over_all_of_them_at_once(client, world, season,
                                                                                         on_payment_day):
    from datetime import timedelta

    for number in range(55):
        await services.record_payment(subscription_id=season.alice, amount_cents=1000, method="cheque",
                                      received_on=TODAY - timedelta(days=number), recorded_by=world.users["carol"],
                                      cheque_number=str(1000 + number), bank="LBP")
    await login(client, "carol@example.org")
    summary = await client.get(season.url, headers={"accept-language": "en"})
    assert "55 cheques with the committee, €550.00 in all." in summary.text
    page = await client.get(f"/offers/{season.offer.offer}/remittances", headers={"accept-language": "en"})
    listed = re.findall(r'name="payment" value="(\d+)" checked', page.text)
    assert len(listed) == 50 and "55 cheques with the committee, €550.00 in all." in page.text
    assert 'data-testid="remit-all-button"' in page.text
    oldest = await services.unremitted_cheques(season.offer.offer, limit=50)
    assert sorted(listed) == sorted(str(row["id"]) for row in oldest)
    response = await post_form(client, f"/offers/{season.offer.offer}/remittances", {
        "scope": "all", "payment": listed[0], "handed_over_on": TODAY.isoformat()})
    assert response.status_code == 303
    assert await services.unremitted_summary(season.offer.offer) == {"count": 0, "total_cents": 0}
    assert await Payment.count().where(Payment.remittance.is_not_null()) == 55


async def test_the_cheques_held_read_with_the_latest_payments_are_those_still_with_the_committee(client, world,
                                                                                                   season,
                                                                                                   on_payment_day):
    assert await services.latest_payments(season.offer.offer, limit=20) == ([], {"count": 0, "total_cents": 0})
    await login(client, "carol@example.org")
    cheques = await cheques_recorded(client, season)  # 101 and 102 from Alice (88.40 each), 201 from Bob, a transfer
    await post_form(client, f"/offers/{season.offer.offer}/remittances",
                    {"payment": str(cheques["201"]), "handed_over_on": TODAY.isoformat()})
    await post_form(client, season.url, cheque(season.alice, amount="-5", number="103", note="correction"))
    latest, held = await services.latest_payments(season.offer.offer, limit=3)
    assert latest == (await services.payments_of(season.offer.offer))[:3]
    assert held == await services.unremitted_summary(season.offer.offer) == {"count": 2, "total_cents": 2 * 8840}
