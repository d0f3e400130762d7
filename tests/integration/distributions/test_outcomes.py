"""How a delivery ended: made, reduced or cancelled; a cancellation caught up later or carried as a
shared loss, as the contract says; who may record it; corrections leave an audit line."""

from datetime import date

import pytest
import time_machine

from amap.contracts import lifecycle
from amap.contracts.tables import Offer
from amap.distributions.tables import Delivery, DeliveryOutcome
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_ledger import delivery_of, distribution_on, ledger_of, vegetables

EIGHTH, FIFTEENTH, TWENTY_SECOND = date(2027, 4, 8), date(2027, 4, 15), date(2027, 4, 22)
# Friday 9 April 2027: the day after the second delivery.
DAY_AFTER = time_machine.travel("2027-04-09 10:00 +02:00", tick=False)
LATER = time_machine.travel("2027-04-23 10:00 +02:00", tick=False)


@pytest.fixture
def day_after():
    with DAY_AFTER:
        yield


async def signed_season(world, rule: str = "catch_up"):
    offer = await vegetables(world)
    await Offer.update({Offer.missed_delivery_rule: rule}).where(Offer.id == offer.offer)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    return offer, subscription["id"]


async def post_outcome(client, delivery: dict, **fields) -> object:
    return await post_form(client, f"/deliveries/{delivery['id']}/outcome", fields)


async def test_the_farmer_records_a_reduced_delivery_and_a_correction_keeps_the_history(client, world, day_after):
    offer, _ = await signed_season(world)
    eighth = await delivery_of(world, offer, EIGHTH)
    await login(client, "dan@example.org")
    recorded = await post_outcome(client, eighth, outcome="reduced", missing="Pas de tomates (grêle)",
                                  delivered_percent="60")
    assert recorded.status_code == 303 and recorded.headers["location"].endswith("#ending")
    row = await Delivery.objects().get(Delivery.id == eighth["id"])
    assert (row.outcome, row.delivered_percent, row.missing) == ("reduced", 60, "Pas de tomates (grêle)")
    assert row.recorded_by == world.users["dan"] and row.recorded_at is not None
    corrected = await post_outcome(client, eighth, outcome="delivered")
    assert corrected.status_code == 303
    row = await Delivery.objects().get(Delivery.id == eighth["id"])
    assert (row.outcome, row.delivered_percent, row.missing) == ("delivered", 100, "")
    history = await DeliveryOutcome.select(DeliveryOutcome.outcome, DeliveryOutcome.delivered_percent,
                                           DeliveryOutcome.missing, DeliveryOutcome.recorded_by).where(
        DeliveryOutcome.delivery == eighth["id"]).order_by(DeliveryOutcome.id)
    assert history == [
        {"outcome": "reduced", "delivered_percent": 60, "missing": "Pas de tomates (grêle)",
         "recorded_by": world.users["dan"]},
        {"outcome": "delivered", "delivered_percent": 100, "missing": "", "recorded_by": world.users["dan"]},
    ]
    page = await client.get(f"/deliveries/{eighth['id']}/announcement")
    assert 'data-testid="outcome-status"' in page.text and "Dan" in page.text


@pytest.mark.parametrize(("fields", "errors"), [
    ({}, ["outcome"]),
    ({"outcome": "lost"}, ["outcome"]),
    ({"outcome": "reduced", "delivered_percent": "100"}, ["missing", "delivered_percent"]),
    ({"outcome": "reduced", "missing": "Tomates", "delivered_percent": "beaucoup"}, ["delivered_percent"]),
    ({"outcome": "cancelled"}, ["cause"]),
    ({"outcome": "cancelled", "cause": "Inondé", "catch_up_distribution": "999999"}, ["catch_up_distribution"]),
    ({"outcome": "cancelled", "cause": "Inondé", "catch_up_distribution": "demain"}, ["catch_up_distribution"]),
])
async def test_a_bad_outcome_is_refused_next_to_the_field_and_nothing_changes(client, world, day_after, fields,
                                                                             errors):
    offer, _ = await signed_season(world)
    eighth = await delivery_of(world, offer, EIGHTH)
    await login(client, "dan@example.org")
    response = await post_outcome(client, eighth, **fields)
    assert response.status_code == 400
    for name in errors:
        assert f'href="#{name}"' in response.text
    assert (await Delivery.objects().get(Delivery.id == eighth["id"])).outcome == "planned"


async def test_a_delivery_is_not_recorded_as_made_before_its_day(client, world, day_after):
    offer, _ = await signed_season(world)
    fifteenth = await delivery_of(world, offer, FIFTEENTH)
    await login(client, "dan@example.org")
    assert (await post_outcome(client, fifteenth, outcome="delivered")).status_code == 400
    # Cancelling ahead is allowed: the farmer knows the field is flooded.
    assert (await post_outcome(client, fifteenth, outcome="cancelled", cause="Champ inondé")).status_code == 303


async def test_a_cancelled_delivery_is_caught_up_at_a_later_distribution_and_tracked(client, world, day_after):
    offer, subscription = await signed_season(world)
    eighth = await delivery_of(world, offer, EIGHTH)
    await login(client, "dan@example.org")
    later = await distribution_on(world, TWENTY_SECOND)
    earlier = await distribution_on(world, date(2027, 4, 1))
    refused = await post_outcome(client, eighth, outcome="cancelled", cause="Champ inondé",
                                 catch_up_distribution=str(earlier))  # a catch-up comes later, not before
    assert refused.status_code == 400 and 'href="#catch_up_distribution"' in refused.text
    response = await post_outcome(client, eighth, outcome="cancelled", cause="Champ inondé",
                                  catch_up_distribution=str(later))
    assert response.status_code == 303
    catch_up = await Delivery.objects().get(Delivery.catch_up_for == eighth["id"])
    assert (catch_up.distribution, catch_up.due_on, catch_up.outcome) == (later, EIGHTH, "planned")
    page = await client.get(f"/deliveries/{eighth['id']}/announcement")
    assert f'href="/deliveries/{catch_up.id}/announcement"' in page.text.split('data-testid="catch-ups"')[1]
    assert 'data-testid="catch-up-form"' not in page.text  # one catch-up at a time
    line = (await ledger_of(offer, subscription, today=date(2027, 4, 9))).subscriptions[0].lines[1]
    assert (line.status, line.catch_up_on, line.value_cents) == ("catch_up_planned", TWENTY_SECOND, 0)
    own_page = await client.get(f"/deliveries/{catch_up.id}/announcement")
    assert 'data-testid="catch-up-of"' in own_page.text
    with LATER:
        made = await post_outcome(client, {"id": catch_up.id}, outcome="delivered")
    assert made.status_code == 303
    line = (await ledger_of(offer, subscription, today=date(2027, 4, 23))).subscriptions[0].lines[1]
    assert line.status == "caught_up"
    # The cancelled delivery stays cancelled while its catch-up counts.
    refused = await post_outcome(client, eighth, outcome="delivered")
    assert refused.status_code == 400 and 'href="#outcome"' in refused.text


async def test_a_catch_up_is_planned_later_and_a_cancelled_one_leaves_the_delivery_owed(client, world, day_after):
    offer, subscription = await signed_season(world)
    eighth = await delivery_of(world, offer, EIGHTH)
    await login(client, "carol@example.org")  # the group's committee records outcomes too
    await post_outcome(client, eighth, outcome="cancelled", cause="Malade")
    assert (await ledger_of(offer, subscription, today=date(2027, 4, 9))).subscriptions[0].lines[1].status == (
        "catch_up_owed")
    page = await client.get(f"/deliveries/{eighth['id']}/announcement")
    assert 'data-testid="catch-up-form"' in page.text
    fifteenth = await distribution_on(world, FIFTEENTH)
    planned = await post_form(client, f"/deliveries/{eighth['id']}/catch-up", {"catch_up": str(fifteenth)})
    catch_up = await Delivery.objects().get(Delivery.catch_up_for == eighth["id"])
    assert planned.status_code == 303 and planned.headers["location"] == f"/deliveries/{catch_up.id}/announcement"
    twice = await post_form(client, f"/deliveries/{eighth['id']}/catch-up", {"catch_up": str(fifteenth)})
    assert twice.status_code == 400 and 'href="#catch_up"' in twice.text
    assert await Delivery.count().where(Delivery.catch_up_for == eighth["id"]) == 1
    # The catch-up is cancelled in turn, and a new one is planned from its own page.
    twenty_second = await distribution_on(world, TWENTY_SECOND)
    again = await post_outcome(client, {"id": catch_up.id}, outcome="cancelled", cause="Toujours malade",
                               catch_up_distribution=str(twenty_second))
    assert again.status_code == 303
    live = await Delivery.select(Delivery.id, Delivery.distribution, Delivery.outcome).where(
        Delivery.catch_up_for == eighth["id"]).order_by(Delivery.id)
    assert [(row["distribution"], row["outcome"]) for row in live] == [(fifteenth, "cancelled"),
                                                                        (twenty_second, "planned")]
    line = (await ledger_of(offer, subscription, today=date(2027, 4, 9))).subscriptions[0].lines[1]
    assert (line.status, line.catch_up_on) == ("catch_up_planned", TWENTY_SECOND)


async def test_under_the_shared_loss_rule_a_cancelled_delivery_is_a_loss_for_all(client, world, day_after):
    offer, subscription = await signed_season(world, rule="shared_loss")
    await lifecycle.sign(request_for(world, offer, "bob", share=offer.half_share))
    eighth = await delivery_of(world, offer, EIGHTH)
    await login(client, "dan@example.org")
    page = await client.get(f"/deliveries/{eighth['id']}/announcement")
    assert 'name="catch_up_distribution"' not in page.text
    later = await distribution_on(world, TWENTY_SECOND)
    refused = await post_outcome(client, eighth, outcome="cancelled", cause="Grêle",
                                 catch_up_distribution=str(later))
    assert refused.status_code == 400 and 'href="#catch_up_distribution"' in refused.text
    assert (await post_outcome(client, eighth, outcome="cancelled", cause="Grêle")).status_code == 303
    assert (await post_form(client, f"/deliveries/{eighth['id']}/catch-up", {"catch_up": str(later)})).status_code == 404
    ledger = await ledger_of(offer)
    assert ledger.days[1].status == "shared_loss"
    assert [item.lines[1].loss_cents for item in ledger.subscriptions] == [1700, 1000]  # Alice, Bob
    assert ledger.totals.shared_loss_cents == 2700 and ledger.totals.catch_ups_owed == 0


@pytest.mark.parametrize(("who", "status"), [("dan", 303), ("carol", 303), ("alice", 404), ("fanny", 404),
                                             ("cyril", 404)])
async def test_only_the_farm_and_the_groups_committee_record_how_a_delivery_ended(client, world, day_after, who,
                                                                                 status):
    offer, _ = await signed_season(world)
    eighth = await delivery_of(world, offer, EIGHTH)
    await login(client, f"{who}@example.org")
    assert (await post_outcome(client, eighth, outcome="delivered")).status_code == status


async def test_a_referent_announces_but_does_not_record_outcomes(client, world, day_after):
    from amap.contracts.tables import OfferCoordinator

    offer, _ = await signed_season(world)
    await OfferCoordinator.insert(OfferCoordinator(offer=offer.offer, user=world.users["bob"]))
    eighth = await delivery_of(world, offer, EIGHTH)
    await login(client, "bob@example.org")
    page = await client.get(f"/deliveries/{eighth['id']}/announcement")
    assert page.status_code == 200 and 'data-testid="outcome-form"' not in page.text
    assert (await post_outcome(client, eighth, outcome="delivered")).status_code == 404
