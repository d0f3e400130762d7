"""The network's figures are added up by the database: they equal, to the cent, the same figures
worked out row by row in Python (the way /network computed them before), on tricky trade and on a
reduced large demo."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from amap.contracts.tables import Amendment, OfferShare, ShareType, Subscription
from amap.demo_large import Scale, load_large_demo
from amap.groups.tables import Membership
from amap.lib import price_parts
from amap.lib.dates import local_today
from amap.network import members
from amap.network.figures import Figures, Month, Sale, euro_share, month_starts, network_figures
from amap.network.tables import Network
from amap.orders.tables import Order, OrderLine
from amap.payments.services import balances, next_month
from tests.integration.network import trade
from tests.world import add_offer


async def figures_row_by_row(network_id: int) -> Figures:
    """The reference: every contract and order line read one by one, summed in Python."""
    group_ids = await members.group_ids(network_id)
    households = await Membership.select(Membership.household).where(
        Membership.group.is_in(group_ids or [-1]) & (Membership.status == "active")).distinct()
    scope = Order.stop.group.is_in(group_ids or [-1]) | (Order.window.network == network_id)
    orders_cents = sum(row["total_cents"] for row in await Order.select(Order.total_cents).where(
        (Order.status != "cancelled") & scope))
    subscriptions = await Subscription.select(
        Subscription.id, Subscription.signed_at, Subscription.created_at,
        Subscription.offer_share.share_type.price_parts.as_alias("price_parts"),
    ).where(Subscription.offer.group.is_in(group_ids or [-1]) & (Subscription.status == "active"))
    owed = await balances([row["id"] for row in subscriptions], date(2000, 1, 1))
    contracts = [(local_today(now=row["signed_at"] or row["created_at"]).replace(day=1),
                  Sale(owed[row["id"]].expected_cents, price_parts.parse(row["price_parts"]), direct=True))
                 for row in subscriptions]
    lines = await OrderLine.select(
        OrderLine.total_cents, OrderLine.order.placed_at.as_alias("placed_at"),
        OrderLine.order.window.network.as_alias("window_network"),
        OrderLine.window_product.price_parts.as_alias("window_parts"),
        OrderLine.window_product.product.price_parts.as_alias("product_parts"),
    ).where((OrderLine.order.status != "cancelled") & (
        OrderLine.order.stop.group.is_in(group_ids or [-1]) | (OrderLine.order.window.network == network_id)))
    orders = [(local_today(now=row["placed_at"]).replace(day=1),
               Sale(row["total_cents"], price_parts.parse(row["window_parts"]) or price_parts.parse(
                   row["product_parts"]), direct=row["window_network"] is None)) for row in lines]
    money: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for index, sales in enumerate((contracts, orders)):
        for month, sale in sales:
            money[month][index] += sale.amount_cents
    months = []
    if money:
        month = min(money)
        while month <= max(money):
            months.append(Month(month, *money.get(month, (0, 0))))
            month = next_month(month)
    return Figures(
        households=len(households), groups=len(group_ids), producers=len(await members.farm_ids(network_id)),
        contracts_cents=sum(sale.amount_cents for _month, sale in contracts), orders_cents=orders_cents,
        euro_share=euro_share([sale for _month, sale in contracts + orders]), months=months)


PARTS = [{"category": "producer", "label": "travail", "cents": 1100},
         {"category": "transport", "label": "livraison", "cents": 300},
         {"category": "network", "label": "réseau", "cents": 300}]


async def tricky_trade(world) -> None:
    """Amounts whose producer part rounds differently, leaves that give back part or more than all,
    a contract with no signature date, sales on both sides of local midnight at a month's end, an
    ended and a waiting contract, orders cancelled, network-wide and the farm's own."""
    offer = await add_offer(world)
    full_type = (await OfferShare.select(OfferShare.share_type).where(OfferShare.id == offer.full_share).first())
    await ShareType.update({ShareType.price_parts: PARTS}).where(ShareType.id == full_type["share_type"])
    h = world.households

    async def sign(who: str, share: int, total: int, signed_at: datetime | None, status: str = "active") -> int:
        return (await Subscription.insert(Subscription(
            offer=offer.offer, offer_version=1, household=h[who], offer_share=share, status=status,
            price_cents=total, deliveries=1, total_cents=total, signed_at=signed_at,
            created_at=datetime(2027, 1, 15, 10, 0, tzinfo=UTC))).returning(Subscription.id))[0]["id"]

    # 22:30 UTC on 31 March is 00:30 on 1 April in Paris (summer time): April's. 21:30 UTC is still March.
    alice = await sign("alice", offer.full_share, 44201, datetime(2027, 3, 31, 22, 30, tzinfo=UTC))
    await sign("bob", offer.full_share, 44201, datetime(2027, 3, 31, 21, 30, tzinfo=UTC))
    carol = await sign("carol", offer.half_share, 26003, None)  # imported: its creation date counts
    await sign("paula", offer.full_share, 1703, datetime(2027, 2, 28, 23, 0, tzinfo=UTC))  # 1 March in Paris
    await sign("erin", offer.full_share, 50000, datetime(2027, 2, 10, tzinfo=UTC), status="ended")
    await sign("cyril", offer.full_share, 0, None, status="waiting")
    await Amendment.insert(
        Amendment(subscription=alice, effective_on=date(2027, 6, 1), status="approved", refund_cents=10001),
        Amendment(subscription=alice, effective_on=date(2027, 7, 1), status="approved", refund_cents=99),
        Amendment(subscription=alice, effective_on=date(2027, 7, 1), status="pending", refund_cents=5000),
        Amendment(subscription=carol, effective_on=date(2027, 5, 1), status="approved", refund_cents=90000))
    farm = world.farm_tilleuls
    network_window = await trade.window(farm, network=world.network)
    composed = await trade.offered(network_window, await trade.product(farm, "Panier", "panier", 333), 333, PARTS)
    by_catalog = await trade.offered(network_window, await trade.product(farm, "Miel", "pot", 700, PARTS), 700)
    plain = await trade.offered(network_window, await trade.product(farm, "Jus", "bouteille", 999), 999)
    at_tilleuls = await trade.stop(network_window, world.tilleuls, None)
    at_canal = await trade.stop(network_window, world.canal, None)  # not a member, but a network-wide window
    await trade.order(network_window, at_tilleuls, h["alice"], [(composed, 7, 333), (by_catalog, 1, 700)],
                      placed_at=datetime(2027, 4, 30, 22, 15, tzinfo=UTC))  # 1 May in Paris
    await trade.order(network_window, at_canal, h["erin"], [(composed, 3, 333), (plain, 2, 999)],
                      placed_at=datetime(2027, 4, 30, 21, 45, tzinfo=UTC))
    await trade.order(network_window, at_tilleuls, h["bob"], [(plain, 5, 999)], status="cancelled")
    own_window = await trade.window(farm)
    eggs = await trade.offered(own_window, await trade.product(farm, "Oeufs", "boîte", 415), 415)
    await trade.order(own_window, await trade.stop(own_window, world.tilleuls, None), h["bob"], [(eggs, 3, 415)],
                      placed_at=datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    canal_window = await trade.window(world.farm_canal)  # the Canal's own trade is not the network's
    jam = await trade.offered(canal_window, await trade.product(world.farm_canal, "Confiture", "pot", 2000), 2000)
    await trade.order(canal_window, await trade.stop(canal_window, world.canal, None), h["erin"], [(jam, 1, 2000)])


async def test_figures_added_up_by_the_database_equal_those_worked_out_row_by_row(world):
    await tricky_trade(world)
    figures = await network_figures(world.network)
    assert figures == await figures_row_by_row(world.network)
    # By hand: Alice owes 442,01 - 101,00 = 341,01 €, Bob 442,01 €, Carol nothing (her leave gives back
    # more than she owes), Paula 17,03 €.
    assert figures.contracts_cents == 34101 + 44201 + 1703
    assert [(m.starts_on, m.contracts_cents, m.orders_cents) for m in figures.months] == [
        (date(2027, 1, 1), 0, 0), (date(2027, 2, 1), 0, 0), (date(2027, 3, 1), 44201 + 1703, 0),
        (date(2027, 4, 1), 34101, 3 * 333 + 2 * 999), (date(2027, 5, 1), 0, 7 * 333 + 700),
        (date(2027, 6, 1), 0, 3 * 415)]


async def test_a_network_without_trade_has_no_months_and_no_share():
    network = (await Network.insert(Network(name="Réseau vide", slug="vide")).returning(Network.id))[0]["id"]
    figures = await network_figures(network)
    assert figures == await figures_row_by_row(network)
    assert (figures.contracts_cents, figures.orders_cents, figures.months) == (0, 0, [])
    assert figures.euro_share.cents_per_euro is None


async def test_the_large_demo_figures_are_the_same_added_up_by_the_database_or_row_by_row():
    await load_large_demo(Scale(groups=3, farms=10, households=200, subscriptions=320, order_lines=300),
                          today=date(2026, 11, 26))
    network = (await Network.select(Network.id).first())["id"]
    figures = await network_figures(network)
    assert figures.contracts_cents > 0 and figures.orders_cents > 0 and len(figures.months) > 1
    assert figures == await figures_row_by_row(network)


def test_months_begin_at_local_midnight_across_clock_changes():
    months, bounds = month_starts(datetime(2027, 2, 28, 23, 0, tzinfo=UTC), datetime(2027, 11, 1, tzinfo=UTC))
    assert months[0] == date(2027, 3, 1) and months[-1] == date(2027, 11, 1)
    assert bounds[0] == datetime(2027, 3, 31, 22, 0, tzinfo=UTC)  # 1 April, summer time
    assert bounds[-1] == datetime(2027, 10, 31, 23, 0, tzinfo=UTC)  # 1 November, winter time
