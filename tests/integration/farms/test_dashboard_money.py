"""The farm dashboard's money month by month is added up by the database: it equals, to the cent,
`payments.services.monthly_balances` (the same figures worked out row by row in Python)."""

from __future__ import annotations

from datetime import date

from amap.contracts import lifecycle
from amap.contracts.tables import Installment, Offer, Subscription
from amap.demo_large import Scale, load_large_demo
from amap.farms.tables import Farm
from amap.home.farm import money_by_month
from amap.payments import services
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.payments.conftest import sign
from tests.world import add_offer


async def pay(world, subscription: int, cents: int, on: date) -> None:
    await services.record_payment(subscription_id=subscription, amount_cents=cents, method="transfer", received_on=on,
                                  recorded_by=world.users["carol"])


async def a_mixed_season(world) -> list[int]:
    """Vegetables: Alice in five cheques leaves on 1 June (part refunded), Bob pays at once and then some;
    Carol's contract ended early; eggs chosen date by date for Alice (a variable contract)."""
    vegetables = await add_offer(world)
    alice = await sign(world, vegetables, "alice", vegetables.full_share, vegetables.plan_five)
    bob = await sign(world, vegetables, "bob", vegetables.half_share, vegetables.plan_one)
    carol = await sign(world, vegetables, "carol", vegetables.full_share, vegetables.plan_five)
    leave = await lifecycle.request_leave(alice, date(2027, 6, 1), "moving", world.users["alice"])
    await lifecycle.decide_leave(leave, True, world.users["carol"], today=date(2027, 5, 20))
    await Subscription.update({Subscription.status: "ended", Subscription.ended_on: date(2027, 5, 6)}).where(
        Subscription.id == carol)
    # An installment on the same day as another: the schedule stops at what is owed whatever their order.
    await Installment.insert(Installment(subscription=alice, number=6, due_on=date(2027, 5, 5), amount_cents=3333))
    for subscription, cents, on in ((alice, 8840, date(2027, 3, 1)), (bob, 26000, date(2027, 4, 10)),
                                    (alice, 8840, date(2027, 5, 3)), (bob, -500, date(2027, 4, 30)),
                                    (carol, 8840, date(2027, 3, 31))):
        await pay(world, subscription, cents, on)
    eggs = await add_offer(world, deliveries=4, publish=False)
    await Offer.update({Offer.nature: "variable", Offer.name: "Œufs 2027"}).where(Offer.id == eggs.offer)
    await lifecycle.publish(eggs.offer, None)
    await lifecycle.sign(request_for(world, eggs, "alice", quantities={date(2027, 4, 8): 3, date(2027, 4, 15): 1}))
    return [vegetables.offer, eggs.offer]


async def test_the_dashboards_months_equal_the_row_by_row_ones(world):
    offers = await a_mixed_season(world)
    for today in (date(2027, 2, 1), date(2027, 5, 10), date(2027, 12, 1)):
        months = await money_by_month(offers, today)
        assert months == await services.monthly_balances(offers, today)
    assert sum(m.received_cents for m in months) == 8840 + 26000 + 8840 - 500 + 8840
    assert await money_by_month([], date(2027, 5, 10)) == []


async def test_the_large_demo_farms_months_are_the_same_added_up_by_the_database_or_row_by_row():
    await load_large_demo(Scale(groups=3, farms=10, households=200, subscriptions=320, order_lines=300),
                          today=date(2026, 11, 26))
    compared = 0
    for farm in await Farm.select(Farm.id):
        offers = [row["id"] for row in await services.recent_offers(farm["id"], date(2026, 11, 26))]
        months = await money_by_month(offers, date(2026, 11, 26))
        assert months == await services.monthly_balances(offers, date(2026, 11, 26))
        compared += bool(months)
    assert compared >= 5
