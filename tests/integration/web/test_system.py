"""The shared store, the housekeeping job, the worker's scheduler and the demo data."""

import asyncio
from datetime import timedelta

from amap.accounts.tables import User
from amap.demo import LOGINS, database_is_empty, load_demo
from amap.groups.tables import Group, Membership
from amap.lib.db import utcnow
from amap.system.store import DatabaseStore, increment
from amap.system.tables import Counter, StoreEntry
from jobs.housekeeping import purge_expired_entries
from jobs.schedule import schedule
from jobs.worker import build_scheduler, run_worker
from tests.integration.conftest import login


async def test_store_keeps_values_until_they_expire_and_namespaces_do_not_mix():
    store = DatabaseStore("sessions")
    await store.set("abc", b"one", expires_in=60)
    await store.with_namespace("other").set("abc", "two")
    assert await store.get("abc") == b"one"
    assert await store.with_namespace("other").get("abc") == b"two"
    assert 0 < await store.expires_in("abc") <= 60
    await store.set("abc", b"replaced", expires_in=60)
    assert await store.get("abc") == b"replaced"
    await store.set("gone", b"x", expires_in=timedelta(seconds=-1))
    assert await store.get("gone") is None and not await store.exists("gone")
    await DatabaseStore("elsewhere").set("abc", b"kept")
    await store.delete_all()  # like Redis: the namespace and the ones below it
    assert await store.get("abc") is None and await store.with_namespace("other").get("abc") is None
    assert await DatabaseStore("elsewhere").get("abc") == b"kept"


async def test_counter_increments_within_its_window():
    window = timedelta(minutes=15)
    assert [await increment("login:test", window) for _ in range(3)] == [1, 2, 3]


async def test_housekeeping_job_purges_expired_rows_and_is_safe_to_run_twice():
    past, future = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    await StoreEntry.insert(StoreEntry(key="old", value=b"x", expires_at=past),
                            StoreEntry(key="live", value=b"x", expires_at=future))
    await Counter.insert(Counter(key="old", count=3, expires_at=past))
    assert await purge_expired_entries(utcnow()) == 2
    assert await purge_expired_entries(utcnow()) == 0
    assert [row["key"] for row in await StoreEntry.select(StoreEntry.key)] == ["live"]


async def test_worker_schedules_the_declared_jobs_and_stops_cleanly():
    scheduler = build_scheduler()
    assert [job.id for job in scheduler.get_jobs()] == [job.name for job in schedule()]
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(stop))
    await asyncio.sleep(0.2)
    assert not task.done()
    stop.set()
    await asyncio.wait_for(task, timeout=5)


async def test_demo_builds_a_living_amap_whose_logins_work(client):
    assert await database_is_empty()
    await load_demo()
    assert not await database_is_empty()
    lilas = await Group.objects().get(Group.slug == "amap-des-lilas")
    households = await Membership.count().where((Membership.group == lilas.id) & (Membership.status == "active"))
    assert 35 <= households <= 40
    assert await User.count() > households  # some households have two adults
    for email in LOGINS:
        await login(client, email, "amap-demo")
        assert (await client.get("/me")).status_code == 200
        await client.post("/logout", data={"_csrf_token": client.cookies["csrftoken"]})


async def test_demo_season_has_signed_contracts_payments_a_waiting_list_and_tiers(client):
    from datetime import date

    from amap.contracts.tables import Offer, Subscription
    from amap.payments.tables import Payment

    await load_demo(today=date(2026, 11, 28))
    assert await Offer.count().where(Offer.status == "open") == 3
    statuses = {(row["status"], row["tier"]) for row in await Subscription.select(Subscription.status,
                                                                                   Subscription.tier)}
    assert {("active", "standard"), ("active", "solidarity"), ("active", "reduced"), ("waiting", "standard")} <= statuses
    assert await Payment.count() > 50
    await login(client, "member@example.org", "amap-demo")
    home = await client.get("/me")
    assert 'data-testid="my-contracts"' in home.text and "Légumes" in home.text
    offers = await client.get("/contracts")
    assert "Pain au levain" in offers.text  # left for the demo member to sign


async def test_demo_has_a_season_of_distributions_announced_ticked_one_reduced_one_cancelled():
    from datetime import date

    from amap.distributions.tables import Absence, Announcement, CollectionEvent, Delivery, Distribution

    await load_demo(today=date(2026, 11, 28))
    lilas = (await Group.select(Group.id).where(Group.slug == "amap-des-lilas").first())["id"]
    assert await Distribution.count().where(Distribution.group == lilas) == 26
    outcomes = {row["outcome"] for row in await Delivery.select(Delivery.outcome)}
    assert outcomes == {"planned", "delivered", "reduced", "cancelled"}
    assert await Announcement.count() > 10 and await CollectionEvent.count() > 50
    assert await Absence.count() == 1


async def test_demo_network_has_two_groups_two_producers_supplying_both_and_its_order_windows():
    from datetime import date

    from amap.farms.tables import FarmSupply
    from amap.network.tables import NetworkGroup
    from amap.orders.tables import BulkBuyer, Order, OrderWindow, WindowProduct

    await load_demo(today=date(2026, 11, 28))
    groups = {row["group"] for row in await NetworkGroup.select(NetworkGroup.group)}
    assert len(groups) == 2
    windows = await OrderWindow.select().order_by(OrderWindow.closes_at)
    assert len(windows) == 2 and windows[0]["closed_at"] is not None and windows[1]["closed_at"] is None
    for window in windows:
        supplied = {row["group"] for row in await FarmSupply.select(FarmSupply.group).where(
            FarmSupply.farm == window["farm"])}
        assert supplied == groups  # the producer supplies both groups
    closed_orders = await Order.select(Order.status).where(Order.window == windows[0]["id"])
    assert closed_orders and {o["status"] for o in closed_orders} == {"locked"}
    assert await Order.count().where((Order.window == windows[1]["id"]) & (Order.status == "open")) > 5
    for product in await WindowProduct.select():  # the stock bookkeeping matches the orders placed
        assert product["stock"] is None or product["reserved"] <= product["stock"]
    assert await BulkBuyer.count() == 1


async def test_the_store_does_not_write_back_a_session_it_just_read_unchanged():
    store = DatabaseStore("sessions")
    await store.set("page", b"logged in", expires_in=3600)
    assert await store.get("page") == b"logged in"
    marked = utcnow() + timedelta(hours=5)
    await StoreEntry.update({StoreEntry.expires_at: marked}).where(StoreEntry.key == "sessions:page")
    await store.set("page", b"logged in", expires_in=3600)  # what the middleware does after each request
    row = await StoreEntry.select(StoreEntry.expires_at).where(StoreEntry.key == "sessions:page").first()
    assert row["expires_at"] == marked  # no write
    await store.set("page", b"with a notice", expires_in=3600)
    assert await store.get("page") == b"with a notice"
    await store.delete_all()
    await store.set("page", b"with a notice", expires_in=3600)  # gone meanwhile: written again
    assert await store.get("page") == b"with a notice"
