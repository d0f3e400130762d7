"""The large demo, built at a reduced scale: the counts asked for, and the invariants the app relies on."""

from collections import defaultdict
from datetime import date

import pytest

from amap.accounts.tables import User
from amap.contracts.lifecycle import solidarity_pool
from amap.contracts.tables import Installment, Offer, OfferDelivery, OfferShare, OfferVersion, Subscription
from amap.demo_large import LOGINS, Scale, load_large_demo
from amap.distributions.tables import Delivery, Distribution
from amap.farms.tables import Farm
from amap.groups.tables import Group, Membership
from amap.orders.tables import Order, OrderLine, OrderWindow, WindowProduct, WindowStop
from amap.payments.tables import Payment
from amap.roster.tables import Signup, Slot
from tests.integration.conftest import login

SCALE = Scale(groups=3, farms=10, households=200, subscriptions=320, order_lines=300)
TODAY = date(2026, 11, 26)


@pytest.fixture
async def report():
    return await load_large_demo(SCALE, today=TODAY)


async def active_members() -> dict[int, set[int]]:
    """Group id -> households that are active members of it."""
    members: dict[int, set[int]] = defaultdict(set)
    for row in await Membership.select(Membership.group, Membership.household).where(Membership.status == "active"):
        members[row["group"]].add(row["household"])
    return members


async def test_large_demo_builds_the_groups_farms_households_subscriptions_and_order_lines_asked_for(report):
    assert await Group.count() == 3 and await Farm.count() == 10
    members = await active_members()
    assert sum(len(households) for households in members.values()) == 200
    largest = await Group.select(Group.id).where(Group.slug == "amap-des-lilas").first()
    assert len(members[largest["id"]]) == max(len(households) for households in members.values())
    assert await Subscription.count() == 320 and await OrderLine.count() == 300
    assert await OrderWindow.count() == 2
    for group in members:
        days = await Distribution.select(Distribution.held_on).where(Distribution.group == group)
        assert len(days) == 26
        assert 12 <= sum(1 for day in days if day["held_on"] < TODAY) <= 14  # the season is half gone
    assert report.counts["subscription"] == 320 and report.seconds > 0


async def test_places_taken_are_the_active_subscriptions_quantities_and_within_capacity(report):
    held: dict[int, int] = defaultdict(int)
    for row in await Subscription.select(Subscription.offer_share, Subscription.quantity).where(
            Subscription.status == "active"):
        held[row["offer_share"]] += row["quantity"]
    shares = await OfferShare.select()
    assert shares
    for share in shares:
        assert share["taken"] == held[share["id"]] <= share["capacity"]
    statuses = {row["status"] for row in await Subscription.select(Subscription.status)}
    assert statuses == {"active", "waiting", "ended"}


async def test_reduced_prices_never_use_more_than_the_solidarity_pool_holds(report):
    tiers = {row["tier"] for row in await Subscription.select(Subscription.tier)}
    assert tiers == {"reduced", "standard", "solidarity"}
    for offer in await Offer.select(Offer.id):
        assert (await solidarity_pool(offer["id"]))["balance_cents"] >= 0


async def test_installments_add_up_to_each_total_with_the_remainder_on_the_first(report):
    amounts: dict[int, list[int]] = defaultdict(list)
    for row in await Installment.select().order_by(Installment.number):
        amounts[row["subscription"]].append(row["amount_cents"])
    for sub in await Subscription.select():
        if sub["status"] == "waiting":
            assert sub["id"] not in amounts and sub["total_cents"] == 0
            continue
        lines = amounts[sub["id"]]
        assert sum(lines) == sub["total_cents"] > 0
        assert len(set(lines[1:])) <= 1 and lines[0] >= lines[-1]
    received: dict[int, int] = defaultdict(int)
    for row in await Payment.select(Payment.subscription, Payment.amount_cents):
        received[row["subscription"]] += row["amount_cents"]
    totals = {row["id"]: row["total_cents"] for row in await Subscription.select()}
    assert all(received[sid] <= totals[sid] for sid in received)  # nobody paid more than the season
    due = sum(row["amount_cents"] for row in await Installment.select().where(Installment.due_on <= TODAY))
    assert 0.85 * due <= sum(received.values()) <= due  # most paid what was due so far, some are late


async def test_every_subscriber_is_an_active_member_of_the_offers_group_and_signed_a_published_version(report):
    members = await active_members()
    groups = {row["id"]: row["group"] for row in await Offer.select(Offer.id, Offer.group)}
    versions = {(row["offer"], row["version"]) for row in await OfferVersion.select()}
    assert {row["status"] for row in await Offer.select(Offer.status)} == {"open"}
    for sub in await Subscription.select():
        group = groups[sub["offer"]]
        assert sub["household"] in members[group]
        assert sub["co_household"] is None or sub["co_household"] in members[group]
        assert (sub["offer"], sub["offer_version"]) in versions


async def test_each_contract_date_is_a_delivery_at_its_groups_distribution_of_that_day(report):
    calendar = {(row["offer"], row["delivers_on"]) for row in await OfferDelivery.select()}
    deliveries = await Delivery.select(Delivery.offer, Delivery.due_on, Delivery.distribution.held_on.as_alias("held_on"),
                                       Delivery.distribution.group.as_alias("group"), Delivery.offer.group.as_alias("of"))
    assert {(row["offer"], row["due_on"]) for row in deliveries} == calendar
    assert all(row["held_on"] == row["due_on"] and row["group"] == row["of"] for row in deliveries)


async def test_window_reservations_are_the_sum_of_their_order_lines_and_orders_reach_the_households_group(report):
    ordered: dict[int, int] = defaultdict(int)
    for row in await OrderLine.select(OrderLine.window_product, OrderLine.quantity):
        ordered[row["window_product"]] += row["quantity"]
    for product in await WindowProduct.select():
        assert product["reserved"] == ordered[product["id"]]
        assert product["stock"] is None or product["reserved"] <= product["stock"]
    members = await active_members()
    stops = {row["id"]: row["group"] for row in await WindowStop.select(WindowStop.id, WindowStop.group)}
    lines: dict[int, int] = defaultdict(int)
    for row in await OrderLine.select(OrderLine.order, OrderLine.total_cents):
        lines[row["order"]] += row["total_cents"]
    for order in await Order.select():
        assert order["household"] in members[stops[order["stop"]]]
        assert order["total_cents"] == lines[order["id"]]


async def test_roster_places_taken_are_the_sign_ups_that_hold_one(report):
    holding: dict[int, int] = defaultdict(int)
    for row in await Signup.select(Signup.slot).where(Signup.status.is_in(["signed", "done", "no_show"])):
        holding[row["slot"]] += 1
    slots = await Slot.select()
    assert slots and sum(holding.values()) > 0
    for slot in slots:
        assert slot["taken"] == holding[slot["id"]] <= slot["capacity"]


async def test_the_demo_logins_open_their_pages_on_the_largest_group(report, client):
    lilas = await Group.select(Group.id).where(Group.slug == "amap-des-lilas").first()
    sheet = await Distribution.select(Distribution.id).where(
        (Distribution.group == lilas["id"]) & (Distribution.held_on < TODAY)).order_by(
        Distribution.held_on, ascending=False).first()
    pages = {"member@example.org": "/me", "coordinator@example.org": f"/distributions/{sheet['id']}/sheet",
             "farmer@example.org": "/farm", "network@example.org": "/network", "producer@example.org": "/farm",
             "admin@example.org": "/admin"}
    assert set(pages) == set(LOGINS)
    member = await User.select(User.household).where(User.email == "member@example.org").first()
    held = {row["name"].split(" — ")[0] for row in await Subscription.select(Subscription.offer.name.as_alias("name"))
            .where((Subscription.household == member["household"]) & (Subscription.status == "active"))}
    assert {"Légumes", "Œufs"} <= held and "Pain au levain" not in held  # bread is left to sign
    for email, path in pages.items():
        await login(client, email, "amap-demo")
        assert (await client.get(path)).status_code == 200, (email, path)
        if email == "coordinator@example.org":
            assert (await client.get("/committee")).status_code == 200
        await client.post("/logout", data={"_csrf_token": client.cookies["csrftoken"]})


def test_large_demo_from_the_command_line_refuses_a_database_with_data(tmp_path):
    from tests.integration.test_cli import amap

    created = amap(tmp_path, "createuser", "ana@example.org", "--name", "Ana", "--role", "admin",
                   "--password", "long enough password")
    assert created.returncode == 0, created.stderr
    refused = amap(tmp_path, "demo", "--size", "large")
    assert refused.returncode != 0 and "--force" in refused.stderr
