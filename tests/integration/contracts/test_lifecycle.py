"""Signing, capacity, waiting list, solidarity pool, leaving: the rules behind the pages."""

from datetime import date

import pytest

from amap.contracts import lifecycle
from amap.contracts.lifecycle import SigningError, SignRequest
from amap.contracts.tables import Amendment, Installment, Offer, OfferShare, OfferVersion, Subscription
from tests.world import add_offer

SIGNING_DAY = date(2027, 3, 1)


def request_for(world, offer, who="alice", *, share=None, tier="standard", quantity=1, plan=None,
                today=SIGNING_DAY, donation=0, **more) -> SignRequest:
    return SignRequest(offer_id=offer.offer, household_id=world.households[who], user_id=world.users[who],
                       offer_share_id=share or offer.full_share, tier=tier, quantity=quantity,
                       payment_plan_id=plan or offer.plan_five, today=today, donation_cents=donation, **more)


async def test_signing_records_the_version_total_and_a_schedule_adding_up_to_it(world):
    offer = await add_offer(world)
    sub = await lifecycle.sign(request_for(world, offer, quantity=2, donation=500))
    assert sub["status"] == "active" and sub["offer_version"] == 1
    assert sub["deliveries"] == 26 and sub["total_cents"] == 2 * 26 * 1700 + 500
    installments = await Installment.select().where(Installment.subscription == sub["id"]).order_by(Installment.number)
    assert [i["due_on"] for i in installments] == [date(2027, m, 5) for m in range(4, 9)]
    assert sum(i["amount_cents"] for i in installments) == sub["total_cents"]
    assert (await OfferShare.objects().get(OfferShare.id == offer.full_share)).taken == 2


async def test_joining_after_the_season_started_is_prorated(world):
    offer = await add_offer(world)
    sub = await lifecycle.sign(request_for(world, offer, today=date(2027, 7, 2), plan=offer.plan_one))
    assert sub["first_delivery_on"] == date(2027, 7, 8)
    assert sub["deliveries"] == 26 - 14 and sub["total_cents"] == 12 * 1700
    due = await Installment.select(Installment.due_on).where(Installment.subscription == sub["id"])
    assert due == [{"due_on": date(2027, 7, 2)}]  # the plan's first date had passed


async def test_a_full_share_puts_the_household_on_the_waiting_list_and_a_freed_place_goes_to_it(world):
    offer = await add_offer(world, half_capacity=1)
    first = await lifecycle.sign(request_for(world, offer, "alice", share=offer.half_share))
    second = await lifecycle.sign(request_for(world, offer, "bob", share=offer.half_share))
    assert (first["status"], second["status"]) == ("active", "waiting")
    assert second["total_cents"] == 0
    assert not await Installment.exists().where(Installment.subscription == second["id"])

    amendment = await lifecycle.request_leave(first["id"], date(2027, 6, 1), "moving to Lille", world.users["alice"])
    await lifecycle.decide_leave(amendment, True, world.users["carol"], today=date(2027, 5, 20))
    ended = await Subscription.objects().get(Subscription.id == first["id"])
    assert (ended.status, ended.ended_on) == ("ended", date(2027, 6, 1))  # kept, not deleted
    decided = await Amendment.objects().get(Amendment.id == amendment)
    assert decided.decided_by == world.users["carol"] and decided.refund_cents == 1000 * 17  # June 3 to Sept 23
    promoted = await Subscription.objects().get(Subscription.id == second["id"])
    assert promoted.status == "active" and promoted.first_delivery_on == date(2027, 5, 20)
    assert promoted.total_cents == 1000 * promoted.deliveries
    assert (await OfferShare.objects().get(OfferShare.id == offer.half_share)).taken == 1


async def test_a_household_cannot_hold_the_same_share_twice(world):
    offer = await add_offer(world)
    await lifecycle.sign(request_for(world, offer))
    with pytest.raises(SigningError) as refused:
        await lifecycle.sign(request_for(world, offer, "arthur"))  # same household as Alice
    assert refused.value.field == "offer_share"


@pytest.mark.parametrize(("change", "field"), [
    ({"tier": "platinum"}, "tier"), ({"quantity": 0}, "quantity"), ({"quantity": 11}, "quantity"),
    ({"donation": -1}, "donation"), ({"today": date(2027, 1, 1)}, "offer"), ({"today": date(2027, 10, 1)}, "offer"),
])
async def test_bad_requests_are_refused_with_the_field_and_change_nothing(world, change, field):
    offer = await add_offer(world)
    with pytest.raises(SigningError) as refused:
        await lifecycle.sign(request_for(world, offer, **change))
    assert refused.value.field == field
    assert await Subscription.count() == 0
    assert (await OfferShare.objects().get(OfferShare.id == offer.full_share)).taken == 0


async def test_another_offers_share_or_plan_is_refused(world):
    offer = await add_offer(world)
    other = await add_offer(world)
    with pytest.raises(SigningError) as refused:
        await lifecycle.sign(request_for(world, offer, share=other.full_share))
    assert refused.value.field == "offer_share"
    with pytest.raises(SigningError) as refused:
        await lifecycle.sign(request_for(world, offer, plan=other.plan_one))
    assert refused.value.field == "payment_plan"


async def test_reduced_shares_only_while_the_solidarity_pool_covers_them(world):
    offer = await add_offer(world)
    with pytest.raises(SigningError) as refused:
        await lifecycle.sign(request_for(world, offer, "alice", tier="reduced"))
    assert refused.value.field == "tier"
    await lifecycle.sign(request_for(world, offer, "bob", tier="solidarity"))  # +4 € x 26 in the pool
    await lifecycle.sign(request_for(world, offer, "alice", tier="reduced"))  # uses exactly 4 € x 26
    assert await lifecycle.solidarity_pool(offer.offer) == {"collected_cents": 10400, "used_cents": 10400,
                                                            "balance_cents": 0}
    with pytest.raises(SigningError):
        await lifecycle.sign(request_for(world, offer, "carol", tier="reduced"))


async def test_publishing_again_makes_a_new_version_and_earlier_signatures_keep_theirs(world):
    offer = await add_offer(world)
    first = await lifecycle.sign(request_for(world, offer, "alice"))
    await Offer.update({Offer.charter: "Nouvelle charte"}).where(Offer.id == offer.offer)
    assert await lifecycle.publish(offer.offer, world.users["dan"]) == 2
    second = await lifecycle.sign(request_for(world, offer, "bob"))
    assert (first["offer_version"], second["offer_version"]) == (1, 2)
    versions = {v["version"]: v["snapshot"] for v in await OfferVersion.select().where(OfferVersion.offer == offer.offer).output(load_json=True)}
    assert versions[1]["charter"].startswith("Nous partageons") and versions[2]["charter"] == "Nouvelle charte"
    assert versions[1]["shares"][0]["prices"]["standard"] == 1700


async def test_a_draft_offer_cannot_be_signed(world):
    offer = await add_offer(world, publish=False)
    with pytest.raises(SigningError):
        await lifecycle.sign(request_for(world, offer))


async def test_a_variable_contract_is_priced_on_the_quantities_chosen_and_checks_minimums(world):
    offer = await add_offer(world, deliveries=4)
    await Offer.update({Offer.nature: "variable", Offer.min_quantity_per_delivery: 0,
                        Offer.min_quantity_per_season: 3}).where(Offer.id == offer.offer)
    await lifecycle.publish(offer.offer, None)
    days = [date(2027, 4, 1), date(2027, 4, 8), date(2027, 4, 15), date(2027, 4, 22)]
    with pytest.raises(SigningError) as refused:
        await lifecycle.sign(request_for(world, offer, quantities={days[0]: 1, days[1]: 1}))
    assert refused.value.field == "quantities"  # 2 < 3 over the season
    with pytest.raises(SigningError):
        await lifecycle.sign(request_for(world, offer, quantities={date(2027, 5, 1): 3}))  # not a delivery
    sub = await lifecycle.sign(request_for(world, offer, quantities={days[0]: 2, days[2]: 1, days[3]: 0}))
    assert sub["total_cents"] == 3 * 1700
    from amap.contracts.tables import SubscriptionQuantity
    rows = await SubscriptionQuantity.select(SubscriptionQuantity.delivers_on, SubscriptionQuantity.quantity).where(
        SubscriptionQuantity.subscription == sub["id"]).order_by(SubscriptionQuantity.delivers_on)
    assert rows == [{"delivers_on": days[0], "quantity": 2}, {"delivers_on": days[2], "quantity": 1}]


async def test_two_households_can_share_one_contract(world):
    offer = await add_offer(world)
    sub = await lifecycle.sign(request_for(world, offer, "alice", co_household_id=world.households["bob"],
                                           sharing="alternate"))
    assert (sub["co_household"], sub["sharing"]) == (world.households["bob"], "alternate")
    with pytest.raises(SigningError) as refused:
        await lifecycle.sign(request_for(world, offer, "carol", co_household_id=world.households["carol"]))
    assert refused.value.field == "co_email"


async def test_edits_to_an_open_offer_reach_members_only_once_published_again(world):
    from amap.contracts.tables import OfferPrice

    offer = await add_offer(world)
    await OfferPrice.update({OfferPrice.price_cents: 9999}).where(
        (OfferPrice.offer_share == offer.full_share) & (OfferPrice.tier == "standard"))
    first = await lifecycle.sign(request_for(world, offer, "alice"))
    assert (first["price_cents"], first["offer_version"]) == (1700, 1)  # the published price, not the edit
    await lifecycle.publish(offer.offer, world.users["dan"])
    second = await lifecycle.sign(request_for(world, offer, "bob"))
    assert (second["price_cents"], second["offer_version"]) == (9999, 2)
