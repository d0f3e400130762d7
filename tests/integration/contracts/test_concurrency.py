"""Capacity holds when many members sign at the same moment, each in its own transaction."""

import asyncio
from datetime import date

import pytest

from amap.accounts.services import create_user
from amap.accounts.tables import User
from amap.contracts import lifecycle
from amap.contracts.lifecycle import SignRequest
from amap.contracts.tables import OfferShare, Subscription
from tests.world import add_offer, build_world


@pytest.mark.committed
async def test_thirty_members_signing_at_once_for_five_places_give_five_contracts_and_a_waiting_list():
    world = await build_world()
    offer = await add_offer(world, capacity=5)
    households = []
    for number in range(30):
        user_id = await create_user(f"rush{number}@example.org", f"Rush {number}", None, password_hash="x")
        households.append((user_id, (await User.select(User.household).where(User.id == user_id).first())["household"]))

    async def sign(user_id: int, household_id: int) -> str:
        subscription = await lifecycle.sign(SignRequest(
            offer_id=offer.offer, household_id=household_id, user_id=user_id, offer_share_id=offer.full_share,
            tier="standard", quantity=1, payment_plan_id=offer.plan_one, today=date(2027, 3, 1)))
        return subscription["status"]

    statuses = await asyncio.gather(*(sign(user_id, household_id) for user_id, household_id in households))
    assert sorted(statuses).count("active") == 5 and statuses.count("waiting") == 25
    assert await Subscription.count().where(Subscription.status == "active") == 5
    assert (await OfferShare.objects().get(OfferShare.id == offer.full_share)).taken == 5
