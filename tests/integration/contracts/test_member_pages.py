"""The member's contract pages: offers, signing in two steps, one subscription, leaving."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from amap.contracts import lifecycle
from amap.contracts.tables import Amendment, OfferCoordinator, Subscription
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.queries import counted_queries
from tests.world import add_offer

# Sign-ups are open (they run from 1 February to 30 September 2027).
SIGNUP_TIME = time_machine.travel("2027-03-01 10:00 +01:00", tick=False)


def choices(offer, **more) -> dict:
    return {"offer_share": str(offer.full_share), "tier": "standard", "quantity": "1",
            "payment_plan": str(offer.plan_five), "sharing": "together", **more}


@pytest.fixture
def in_signup_period():
    with SIGNUP_TIME:
        yield


async def test_member_sees_the_open_offers_of_their_group_with_prices_and_places(client, world, in_signup_period):
    offer = await add_offer(world)
    draft = await add_offer(world, publish=False)
    await login(client, "alice@example.org")
    page = await client.get("/contracts")
    assert page.status_code == 200
    assert f'data-testid="offer-{offer.offer}"' in page.text and f'data-testid="offer-{draft.offer}"' not in page.text
    assert "17,00" in page.text and "Panier complet" in page.text
    detail = await client.get(f"/contracts/{offer.offer}")
    assert "Nous partageons les risques" in detail.text and 'data-testid="subscribe"' in detail.text


async def test_drafts_and_other_groups_offers_are_404_for_members(client, world, in_signup_period):
    offer = await add_offer(world)
    draft = await add_offer(world, publish=False)
    await login(client, "alice@example.org")
    assert (await client.get(f"/contracts/{draft.offer}")).status_code == 404
    await post_form(client, "/logout")
    await login(client, "erin@example.org")  # a member of Canal
    assert (await client.get(f"/contracts/{offer.offer}")).status_code == 404
    assert (await client.get(f"/contracts/{offer.offer}/subscribe")).status_code == 404
    assert (await post_form(client, f"/contracts/{offer.offer}/subscribe", choices(offer, step="sign",
                                                                                  charter="accepted"))).status_code == 404
    assert await Subscription.count() == 0


async def test_signing_takes_two_steps_and_needs_the_charter(client, world, in_signup_period):
    offer = await add_offer(world)
    await login(client, "alice@example.org")
    assert (await client.get(f"/contracts/{offer.offer}/subscribe")).status_code == 200
    review = await post_form(client, f"/contracts/{offer.offer}/subscribe", choices(offer, step="review"))
    assert review.status_code == 200
    assert 'data-testid="review-total"' in review.text and "442,00" in review.text  # 26 x 17 €
    assert "88,40" in review.text  # five installments
    assert await Subscription.count() == 0  # nothing signed yet
    no_charter = await post_form(client, f"/contracts/{offer.offer}/subscribe", choices(offer, step="sign"))
    assert no_charter.status_code == 400 and 'href="#charter"' in no_charter.text
    assert await Subscription.count() == 0
    signed = await post_form(client, f"/contracts/{offer.offer}/subscribe",
                             choices(offer, step="sign", charter="accepted"))
    assert signed.status_code == 303
    subscription = await Subscription.objects().get(Subscription.household == world.households["alice"])
    assert signed.headers["location"] == f"/subscriptions/{subscription.id}"
    assert subscription.total_cents == 44200 and subscription.signed_by == world.users["alice"]
    page = await client.get(signed.headers["location"])
    assert 'data-testid="subscription-status"' in page.text and 'data-testid="schedule"' in page.text


async def test_bad_choices_are_refused_next_to_the_field_and_kept(client, world, in_signup_period):
    offer = await add_offer(world)
    await login(client, "alice@example.org")
    response = await post_form(client, f"/contracts/{offer.offer}/subscribe", choices(
        offer, step="review", quantity="eleven", donation="lots", tier="gold", co_email="nobody@example.org"))
    assert response.status_code == 400
    for field in ("quantity", "donation", "tier", "co_email"):
        assert f'href="#{field}"' in response.text
    assert 'value="eleven"' in response.text
    assert await Subscription.count() == 0


async def test_a_full_share_offers_the_waiting_list(client, world, in_signup_period):
    offer = await add_offer(world, half_capacity=1)
    await lifecycle.sign(request_for(world, offer, "bob", share=offer.half_share, today=date(2027, 3, 1)))
    await login(client, "alice@example.org")
    review = await post_form(client, f"/contracts/{offer.offer}/subscribe", choices(
        offer, step="review", offer_share=str(offer.half_share)))
    assert 'data-testid="waiting-warning"' in review.text
    signed = await post_form(client, f"/contracts/{offer.offer}/subscribe", choices(
        offer, step="sign", charter="accepted", offer_share=str(offer.half_share)))
    subscription = await Subscription.objects().get(Subscription.household == world.households["alice"])
    assert signed.status_code == 303 and subscription.status == "waiting"


async def test_sharing_a_contract_with_another_member_household(client, world, in_signup_period):
    offer = await add_offer(world)
    await login(client, "alice@example.org")
    await post_form(client, f"/contracts/{offer.offer}/subscribe", choices(
        offer, step="sign", charter="accepted", co_email="bob@example.org", sharing="alternate"))
    subscription = await Subscription.objects().get(Subscription.household == world.households["alice"])
    assert subscription.co_household == world.households["bob"] and subscription.sharing == "alternate"
    await post_form(client, "/logout")
    await login(client, "bob@example.org")
    assert (await client.get(f"/subscriptions/{subscription.id}")).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("arthur", 200), ("bob", 404), ("carol", 200),
                                             ("dan", 200), ("fanny", 404), ("cyril", 404), ("nina", 404)])
async def test_a_subscription_is_visible_to_its_household_farm_and_committee_only(client, world, who, status):
    offer = await add_offer(world)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    await login(client, f"{who}@example.org")
    assert (await client.get(f"/subscriptions/{subscription['id']}")).status_code == status
    assert (await client.get(f"/subscriptions/{subscription['id']}/print")).status_code == status


async def test_the_subscriptions_page_shows_its_schedule_and_the_payments_received_by_date(client, world):
    from amap.payments.services import record_payment

    offer = await add_offer(world)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    await record_payment(subscription_id=subscription["id"], amount_cents=8840, method="transfer",
                         received_on=date(2027, 5, 3), recorded_by=world.users["carol"])
    await record_payment(subscription_id=subscription["id"], amount_cents=8840, method="cheque",
                         received_on=date(2027, 4, 2), recorded_by=world.users["carol"], cheque_number="1234567")
    await login(client, "alice@example.org")
    page = (await client.get(f"/subscriptions/{subscription['id']}")).text
    schedule = page[page.index('data-testid="schedule"'):page.index('data-testid="payments"')]
    assert [f'<td data-label="#">{n}</td>' in schedule for n in range(1, 6)] == [True] * 5
    assert schedule.index('data-label="#">1<') < schedule.index('data-label="#">5<')
    received = page[page.index('data-testid="payments"'):]
    assert "2 avril 2027" in received and "n° 1234567" in received and "3 mai 2027" in received
    assert received.index("2 avril 2027") < received.index("3 mai 2027")
    assert "176,80" in page[page.index('data-testid="balance"'):]  # received: two payments


async def test_printable_contract_carries_the_signed_charter_and_schedule(client, world):
    offer = await add_offer(world)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    await login(client, "alice@example.org")
    page = await client.get(f"/subscriptions/{subscription['id']}/print")
    assert 'data-testid="printable-contract"' in page.text
    assert "Nous partageons les risques de la récolte." in page.text and "88,40" in page.text


async def test_leaving_is_requested_by_the_household_and_approved_by_the_farmer(client, world, in_signup_period):
    offer = await add_offer(world)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    await login(client, "alice@example.org")
    bad = await post_form(client, f"/subscriptions/{subscription['id']}/leave", {"effective_on": "2030-01-01",
                                                                                "reason": ""})
    assert bad.status_code == 400 and 'href="#effective_on"' in bad.text and 'href="#reason"' in bad.text
    asked = await post_form(client, f"/subscriptions/{subscription['id']}/leave",
                            {"effective_on": "2027-06-01", "reason": "Nous déménageons"})
    assert asked.status_code == 303
    amendment = await Amendment.objects().get(Amendment.subscription == subscription["id"])
    # The member cannot approve their own request.
    assert (await post_form(client, f"/subscriptions/{subscription['id']}/amendments/{amendment.id}",
                            {"decision": "approve"})).status_code == 404
    await post_form(client, "/logout")
    await login(client, "dan@example.org")
    approved = await post_form(client, f"/subscriptions/{subscription['id']}/amendments/{amendment.id}",
                               {"decision": "approve"})
    assert approved.status_code == 303
    ended = await Subscription.objects().get(Subscription.id == subscription["id"])
    assert (ended.status, ended.ended_on) == ("ended", date(2027, 6, 1))


async def test_a_referent_of_the_offer_sees_a_households_contract_and_answers_its_leave_request(
        client, world, in_signup_period):
    offer, other = await add_offer(world), await add_offer(world)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    await lifecycle.request_leave(subscription["id"], date(2027, 6, 1), "Nous déménageons", world.users["alice"])
    url = f"/subscriptions/{subscription['id']}"
    await login(client, "bob@example.org")
    # The référent of another offer, and one who stepped down, are nobody to this contract.
    await OfferCoordinator.insert(OfferCoordinator(offer=other.offer, user=world.users["bob"]))
    await OfferCoordinator.insert(OfferCoordinator(offer=offer.offer, user=world.users["bob"],
                                                   ended_at=datetime(2027, 2, 1, tzinfo=UTC)))
    assert (await client.get(url)).status_code == 404 and (await client.get(f"{url}/print")).status_code == 404
    await OfferCoordinator.insert(OfferCoordinator(offer=offer.offer, user=world.users["bob"]))
    page = await client.get(url)
    assert page.status_code == 200 and "Nous déménageons" in page.text
    assert 'data-testid="approve-leave"' in page.text and f'action="{url}/leave"' not in page.text  # not his household
    assert (await client.get(f"{url}/print")).status_code == 200
    amendment = await Amendment.objects().get(Amendment.subscription == subscription["id"])
    assert (await post_form(client, f"{url}/amendments/{amendment.id}", {"decision": "refuse"})).status_code == 303
    assert (await Amendment.objects().get(Amendment.id == amendment.id)).status == "refused"


async def test_the_contract_page_reads_a_leave_request_only_when_there_is_one(client, world, in_signup_period):
    """Its statements: the session with the principal, the subscription (with its offer, plan and what it
    has), the calendar, the installments, the payments and the ledger's deliveries; the leave requests
    (and per-date quantities, compensations) only when there are some."""
    offer = await add_offer(world)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    await login(client, "alice@example.org")
    url = f"/subscriptions/{subscription['id']}"
    with counted_queries() as plain:
        assert (await client.get(url)).status_code == 200
    await lifecycle.request_leave(subscription["id"], date(2027, 6, 1), "Nous déménageons", world.users["alice"])
    with counted_queries() as leaving:
        page = await client.get(url)
    assert 'data-testid="amendment"' in page.text and "Nous déménageons" in page.text
    with counted_queries() as printed:
        assert (await client.get(f"{url}/print")).status_code == 200
    # printed: its signed version and schedule, no calendar, payments, leave requests or ledger
    assert (plain[0], leaving[0], printed[0]) == (4, 5, 4)


async def test_households_of_last_season_are_invited_to_renew(client, world, in_signup_period):
    from amap.contracts.tables import Offer

    last = await add_offer(world)
    await lifecycle.sign(request_for(world, last, "alice"))
    renewed = await add_offer(world)
    await Offer.update({Offer.renewed_from: last.offer}).where(Offer.id == renewed.offer)
    await login(client, "alice@example.org")
    assert f'data-testid="renew-{renewed.offer}"' in (await client.get("/contracts")).text
    await post_form(client, "/logout")
    await login(client, "bob@example.org")
    assert f'data-testid="renew-{renewed.offer}"' not in (await client.get("/contracts")).text


async def test_the_committee_sees_its_groups_contracts_places_and_solidarity_pool(client, world):
    offer = await add_offer(world)
    await lifecycle.sign(request_for(world, offer, "bob", tier="solidarity"))
    await login(client, "carol@example.org")
    page = await client.get("/committee/tilleuls/contracts")
    assert page.status_code == 200 and 'data-testid="committee-contracts"' in page.text
    assert "1 / 22" in page.text and "104,00" in page.text  # 4 € x 26 deliveries given to the pool
    assert f"/offers/{offer.offer}/manage" in page.text
    assert (await client.get("/committee/canal/contracts")).status_code == 404
    await post_form(client, "/logout")
    await login(client, "alice@example.org")
    assert (await client.get("/committee/tilleuls/contracts")).status_code == 403
