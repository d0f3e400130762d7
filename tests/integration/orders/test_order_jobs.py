"""Closing order windows and what the order jobs send: orders locked once and for all at the
closing time, the picking lists to the farmers, a receipt to each household's adults, the opening
and the last-day messages to members, each stored once however often the jobs run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amap.groups.tables import Group
from amap.lib.i18n import LANGUAGES, using_language
from amap.lib.money import format_cents
from amap.notifications.outbox import Recipient, render
from amap.notifications.samples import sample_context
from amap.orders.tables import Order, OrderPayment, OrderWindow
from amap.orders.windows import close_window
from jobs.orders import close_order_windows, tell_order_windows
from jobs.schedule import find
from tests.integration.orders.producer_world import AFTER, CLOSES, DURING, OPENS, add_order, add_shop

ORDER_KINDS = ("order_window_open", "order_window_closing", "order_receipt", "order_picking")


def euros(cents: int) -> str:
    return format_cents(cents, "fr")


async def statuses(window_id: int) -> dict[int, str]:
    return {row["id"]: row["status"] for row in await Order.select(Order.id, Order.status).where(
        Order.window == window_id)}


async def closed_at(window_id: int):
    return (await OrderWindow.select(OrderWindow.closed_at).where(OrderWindow.id == window_id).first())["closed_at"]


async def test_closing_locks_the_open_orders_once_and_keeps_the_first_closing_time(world):
    shop = await add_shop(world)
    alice = await add_order(world, shop, "alice", {"honey": 1})
    bob = await add_order(world, shop, "bob", {"lamb": 1}, status="cancelled")
    assert await close_window(shop.window, CLOSES - timedelta(seconds=1)) == 0  # not yet
    assert await closed_at(shop.window) is None and (await statuses(shop.window))[alice] == "open"
    assert await close_window(shop.window, AFTER) == 1
    assert await statuses(shop.window) == {alice: "locked", bob: "cancelled"}
    assert await closed_at(shop.window) == AFTER
    assert await close_window(shop.window, AFTER + timedelta(minutes=5)) == 0
    assert await closed_at(shop.window) == AFTER  # the first closing stays


async def test_the_close_job_closes_due_windows_only(world):
    due, later, draft = await add_shop(world), await add_shop(world), await add_shop(world, published=False)
    await OrderWindow.update({OrderWindow.closes_at: CLOSES + timedelta(days=1)}).where(OrderWindow.id == later.window)
    orders = {shop.window: await add_order(world, shop, "alice", {"juice": 2}) for shop in (due, later)}
    await close_order_windows(AFTER)
    assert await closed_at(due.window) == AFTER and (await statuses(due.window))[orders[due.window]] == "locked"
    assert await closed_at(later.window) is None and (await statuses(later.window))[orders[later.window]] == "open"
    assert await closed_at(draft.window) is None  # a draft nobody saw is not closed, and tells nobody


async def test_the_close_job_sends_the_picking_lists_to_farmers_and_receipts_once(world, outbox):
    shop = await add_shop(world, groups=(world.tilleuls,))
    alice = await add_order(world, shop, "alice", {"honey": 2, "juice": 3})  # 18,00 + 9,99
    bob = await add_order(world, shop, "bob", {"lamb": 1})
    await add_order(world, shop, "carol", {"lamb": 2}, status="cancelled")
    await OrderPayment.insert(OrderPayment(order=bob, amount_cents=5000, method="transfer"))
    assert await close_order_windows(DURING) == 0  # still open: nothing closed, nothing told
    queued = await close_order_windows(AFTER)
    [picking] = await outbox.messages(kind="order_picking")
    receipts = await outbox.messages(kind="order_receipt")
    assert queued == 1 + len(receipts)
    assert picking.to == "dan@example.org" and picking.key == f"order_picking:{shop.window}:{world.users['dan']}"
    for body in (picking.text, picking.html):
        assert "Alice" in body and "Bob" in body and "Carol" not in body
        assert euros(11299) in body  # 27,99 + 85,00
        assert f"/farm/windows/{shop.window}/picking" in body
    # Every adult of each household that ordered; Arthur lives with Alice.
    assert sorted(mail.to for mail in receipts) == ["alice@example.org", "arthur@example.org", "bob@example.org"]
    alices = [mail for mail in receipts if mail.to == "alice@example.org"][0]
    assert alices.key == f"order_receipt:{alice}:{world.users['alice']}"
    assert "27,99" in alices.subject and euros(2799) in alices.text and euros(999) in alices.text
    assert "1 place du Marché" in alices.text and "13 mai 2027" in alices.text
    bobs = [mail for mail in receipts if mail.to == "bob@example.org"][0]
    assert euros(5000) in bobs.text and euros(3500) in bobs.text  # already paid, still due
    assert await close_order_windows(AFTER + timedelta(minutes=5)) == 0
    assert len(await outbox.messages()) == 4  # running again sends nothing twice


async def test_a_window_that_closes_empty_still_tells_the_farmer(world, outbox):
    shop = await add_shop(world)
    assert await close_order_windows(AFTER) == 1
    [picking] = await outbox.messages(kind="order_picking")
    assert picking.to == "dan@example.org" and not await outbox.messages(kind="order_receipt")
    assert shop.window


async def test_members_of_the_groups_served_hear_once_that_a_window_is_open(world, outbox):
    await add_shop(world, groups=(world.tilleuls, world.canal))
    assert await tell_order_windows(OPENS - timedelta(minutes=1)) == 0
    assert await tell_order_windows(OPENS) == 6
    mails = await outbox.messages(kind="order_window_open")
    # Active members' adults only: Paula waits for the committee; Dan farms, he is not a member.
    assert sorted(mail.to for mail in mails) == [f"{who}@example.org" for who in
                                                 ("alice", "arthur", "bob", "carol", "cyril", "erin")]
    assert all("Printemps à la ferme" in mail.subject or "Ferme des Tilleuls" in mail.subject for mail in mails)
    assert all("/orders/" in mail.text for mail in mails)
    assert await tell_order_windows(DURING) == 0


async def test_the_day_before_closing_only_households_without_an_order_are_reminded(world, outbox):
    shop = await add_shop(world)
    await add_order(world, shop, "alice", {"honey": 1})
    await add_order(world, shop, "bob", {"lamb": 1}, status="cancelled")  # cancelled: reminded
    await tell_order_windows(CLOSES - timedelta(hours=25))
    assert not await outbox.messages(kind="order_window_closing")
    await tell_order_windows(CLOSES - timedelta(hours=23))
    await tell_order_windows(CLOSES - timedelta(hours=1))
    mails = await outbox.messages(kind="order_window_closing")
    assert sorted(mail.to for mail in mails) == ["bob@example.org", "carol@example.org"]


async def test_a_window_shorter_than_a_day_has_no_last_day_message(world, outbox):
    shop = await add_shop(world)
    await OrderWindow.update({OrderWindow.opens_at: CLOSES - timedelta(hours=12)}).where(
        OrderWindow.id == shop.window)
    await tell_order_windows(CLOSES - timedelta(hours=2))
    assert not await outbox.messages(kind="order_window_closing")
    assert await outbox.messages(kind="order_window_open")


@pytest.mark.parametrize("kind", ORDER_KINDS)
@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_each_order_message_has_an_example_that_renders(world, kind, language):
    group = await Group.select().where(Group.id == world.tilleuls).first()
    context = sample_context(kind, group)
    assert context is not None
    with using_language(language):
        rendered = render(kind, recipient=Recipient(email="a@example.org", name="Alice Martin"), group=group,
                          **context)
    assert rendered.subject and "Alice" in rendered.text and rendered.html.startswith("<!doctype html>")


def test_the_order_jobs_are_scheduled_every_five_minutes():
    for name in ("close-order-windows", "order-window-notices"):
        job = find(name)
        assert job is not None and job.func.startswith("jobs.orders:")
