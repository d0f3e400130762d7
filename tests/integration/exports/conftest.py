"""A season of the Tilleuls with something in every list the committee exports, and the same
kind of things at the Canal, which must never show in the Tilleuls' files.

On 10 May 2027 (the pages' day): Alice (full share, five cheques of 88,40 €) paid one cheque, then
a second one bounced and was corrected; Bob (half share, 260 € due on 5 April) paid nothing. The
vegetable contract's Thursdays are distribution days; the second one was delivered reduced. Each
day needs two people to set up; Alice holds one place of the first one. Alice ordered 2 jars of
honey and a bottle of juice from Dan's spring window, and paid; Bob ordered a lamb box, unpaid.
Erin, at the Canal, signed Fanny's contract.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from amap.distributions.calendar import sync_group
from amap.distributions.tables import Delivery
from amap.groups.tables import Membership
from amap.orders.tables import OrderPayment
from amap.payments import services
from amap.roster.slots import sync_slots, take_place
from amap.roster.tables import RosterRole, Signup, Slot
from tests.integration.orders.producer_world import Shop, add_order, add_shop
from tests.integration.payments.conftest import TODAY, sign
from tests.world import OfferWorld, World, add_offer

ON_THE_DAY = time_machine.travel("2027-05-10 10:00 +02:00", tick=False)


@dataclass
class Season:
    offer: OfferWorld
    alice: int  # subscriptions
    bob: int
    shop: Shop
    alice_order: int
    bob_order: int
    first_slot: int


@pytest.fixture
def on_the_day():
    with ON_THE_DAY:
        yield


@pytest.fixture
async def season(world: World, on_the_day) -> Season:
    offer = await add_offer(world)
    alice = await sign(world, offer, "alice", offer.full_share, offer.plan_five)
    bob = await sign(world, offer, "bob", offer.half_share, offer.plan_one)
    carol = world.users["carol"]
    for amount, note in ((8840, ""), (8840, "@SUM(A1)"), (-8840, "-bounced")):
        await services.record_payment(subscription_id=alice, amount_cents=amount, method="cheque", received_on=TODAY,
                                      recorded_by=carol, cheque_number="1234567", bank="Crédit Agricole", note=note)
    await sync_group(world.tilleuls)
    second = await Delivery.select(Delivery.id).where(Delivery.offer == offer.offer).order_by(
        Delivery.due_on).offset(1).first()
    await Delivery.update({Delivery.outcome: "reduced", Delivery.delivered_percent: 50,
                           Delivery.missing: "salades"}).where(Delivery.id == second["id"])
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=2))
    await sync_slots(world.tilleuls)
    first_slot = (await Slot.select(Slot.id).where(Slot.group == world.tilleuls).order_by(Slot.held_on).first())["id"]
    await take_place(first_slot)
    await Signup.insert(Signup(slot=first_slot, user=world.users["alice"], household=world.households["alice"]))
    await Membership.update({Membership.fee_cents: 1500, Membership.fee_received_on: date(2027, 3, 2)}).where(
        Membership.id == world.memberships["alice"])
    shop = await add_shop(world)
    alice_order = await add_order(world, shop, "alice", {"honey": 2, "juice": 1}, status="locked")
    bob_order = await add_order(world, shop, "bob", {"lamb": 1}, status="locked")
    await OrderPayment.insert(OrderPayment(order=alice_order, amount_cents=2133, method="cash"))
    # The Canal's own season, which the Tilleuls' files must leave out.
    canal = replace(world, tilleuls=world.canal, farm_tilleuls=world.farm_canal)
    canal_offer = await add_offer(canal)
    await sign(world, canal_offer, "erin", canal_offer.full_share, canal_offer.plan_one)
    await sync_group(world.canal)
    canal_shop = await add_shop(canal)
    await add_order(canal, canal_shop, "erin", {"honey": 1})
    return Season(offer=offer, alice=alice, bob=bob, shop=shop, alice_order=alice_order, bob_order=bob_order,
                  first_slot=first_slot)


def read_csv(body: bytes, delimiter: str) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    assert b"\r\n" in body
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline=""), delimiter=delimiter))


def read_xlsx(body: bytes) -> Worksheet:
    return load_workbook(io.BytesIO(body)).active


def rows_of(sheet: Worksheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]
