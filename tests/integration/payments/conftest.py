"""A signed season to record payments against: Alice pays in five cheques, Bob in one.

Alice: a full share, 26 x 17 € = 442 €, five installments of 88,40 € due on the 5th of April to
August 2027. Bob: a half share, 26 x 10 € = 260 €, one installment due on 5 April 2027. The
pages run on 10 May 2027, when Alice owes two installments and Bob his only one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import time_machine

from amap.contracts import lifecycle
from amap.contracts.lifecycle import SignRequest
from tests.world import OfferWorld, World, add_offer

SIGNING_DAY = date(2027, 3, 1)
TODAY = date(2027, 5, 10)
PAYMENT_TIME = time_machine.travel("2027-05-10 10:00 +02:00", tick=False)


@dataclass
class Season:
    offer: OfferWorld
    alice: int  # Alice's subscription
    bob: int  # Bob's subscription

    @property
    def url(self) -> str:
        return f"/offers/{self.offer.offer}/payments"


async def sign(world: World, offer: OfferWorld, who: str, share: int, plan: int) -> int:
    subscription = await lifecycle.sign(SignRequest(
        offer_id=offer.offer, household_id=world.households[who], user_id=world.users[who], offer_share_id=share,
        tier="standard", quantity=1, payment_plan_id=plan, today=SIGNING_DAY))
    return subscription["id"]


@pytest.fixture
async def season(world: World) -> Season:
    offer = await add_offer(world)
    return Season(offer=offer, alice=await sign(world, offer, "alice", offer.full_share, offer.plan_five),
                  bob=await sign(world, offer, "bob", offer.half_share, offer.plan_one))


@pytest.fixture
def on_payment_day():
    with PAYMENT_TIME:
        yield


def cheque(subscription: int, amount: str = "88,40", number: str = "1234567", bank: str = "Crédit Agricole",
           **more: str) -> dict:
    return {"subscription": str(subscription), "amount": amount, "method": "cheque", "cheque_number": number,
            "bank": bank, "received_on": TODAY.isoformat(), "note": "", **more}


HTMX = {"hx-request": "true", "hx-target": "payment-form"}
