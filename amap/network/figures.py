"""The network's figures: households, groups, producers, money secured by contracts, one-off order
volume, the share of each euro that reaches producers, and the money month by month.

The network's trade is its member groups' (today's members): their contracts, the orders
delivered to them, and every order of a window offered to the whole network.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from amap.contracts.tables import Subscription
from amap.groups.tables import Membership
from amap.lib import price_parts
from amap.lib.dates import local_today
from amap.network import members
from amap.orders.tables import Order, OrderLine
from amap.payments.services import balances, month_of, next_month


@dataclass(frozen=True)
class Sale:
    """Money paid for something, with what is known of where it goes."""

    amount_cents: int
    parts: list[dict]  # its price's composition; empty when none was given
    direct: bool  # paid to the farm itself, with no intermediary (an AMAP contract, a farm's own window)


@dataclass(frozen=True)
class EuroShare:
    total_cents: int
    producer_cents: int
    unknown_cents: int  # through an intermediary, no composition given: not counted as reaching producers

    @property
    def cents_per_euro(self) -> int | None:
        """Of each euro, how many cents reach producers (rounded half up); None before any sale."""
        if not self.total_cents:
            return None
        return (200 * self.producer_cents + self.total_cents) // (2 * self.total_cents)


def euro_share(sales: list[Sale]) -> EuroShare:
    """The rule stated on /network: a composition counts its producer parts, in proportion to the
    money actually paid; without one, the whole price reaches the producer only for a direct sale."""
    total = producer = unknown = 0
    for sale in sales:
        total += sale.amount_cents
        by_parts = price_parts.producer_part_of(sale.amount_cents, sale.parts)
        if by_parts is not None:
            producer += by_parts
        elif sale.direct:
            producer += sale.amount_cents
        else:
            unknown += sale.amount_cents
    return EuroShare(total, producer, unknown)


@dataclass(frozen=True)
class Month:
    starts_on: date
    contracts_cents: int  # contract money secured by the signatures of that month
    orders_cents: int  # orders placed that month


@dataclass(frozen=True)
class Figures:
    households: int
    groups: int
    producers: int
    contracts_cents: int
    orders_cents: int
    euro_share: EuroShare
    months: list[Month]


def _local_month(moment: datetime) -> date:
    return month_of(local_today(now=moment))


async def contract_sales(group_ids: list[int], today: date) -> list[tuple[date, Sale]]:
    """Active contracts of the groups, each worth what the household owes over the season
    (payments.services.balances: the total less any approved leave), by month of signing."""
    rows = await Subscription.select(
        Subscription.id, Subscription.signed_at, Subscription.created_at,
        Subscription.offer_share.share_type.price_parts.as_alias("price_parts"),
    ).where(Subscription.offer.group.is_in(group_ids or [-1]) & (Subscription.status == "active"))
    owed = await balances([row["id"] for row in rows], today)
    # Members pay the farm directly (cheques made out to the farm): a contract is always direct.
    return [(_local_month(row["signed_at"] or row["created_at"]),
             Sale(owed[row["id"]].expected_cents, price_parts.parse(row["price_parts"]), direct=True))
            for row in rows]


def _order_scope(group_ids: list[int], network_id: int):
    return (Order.stop.group.is_in(group_ids or [-1]) | (Order.window.network == network_id))


async def order_sales(group_ids: list[int], network_id: int) -> list[tuple[date, Sale]]:
    """Lines of orders not cancelled, by month of ordering. The window's composition is the one
    the member saw; the product's catalog composition stands in when the window has none."""
    scope = OrderLine.order.stop.group.is_in(group_ids or [-1]) | (OrderLine.order.window.network == network_id)
    rows = await OrderLine.select(
        OrderLine.total_cents, OrderLine.order.placed_at.as_alias("placed_at"),
        OrderLine.order.window.network.as_alias("window_network"),
        OrderLine.window_product.price_parts.as_alias("window_parts"),
        OrderLine.window_product.product.price_parts.as_alias("product_parts"),
    ).where((OrderLine.order.status != "cancelled") & scope)
    sales = []
    for row in rows:
        parts = price_parts.parse(row["window_parts"]) or price_parts.parse(row["product_parts"])
        # A farm's own window is paid to the farm at pickup; a network-wide one goes through the network.
        sales.append((_local_month(row["placed_at"]),
                      Sale(row["total_cents"], parts, direct=row["window_network"] is None)))
    return sales


def by_month(contracts: list[tuple[date, Sale]], orders: list[tuple[date, Sale]]) -> list[Month]:
    """Every month from the first with money to the last, empty months included (a chart needs them)."""
    money: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for index, sales in enumerate((contracts, orders)):
        for month, sale in sales:
            money[month][index] += sale.amount_cents
    if not money:
        return []
    months, month, last = [], min(money), max(money)
    while month <= last:
        months.append(Month(month, *money.get(month, (0, 0))))
        month = next_month(month)
    return months


async def network_figures(network_id: int, today: date) -> Figures:
    group_ids = await members.group_ids(network_id)
    households = await Membership.select(Membership.household).where(
        Membership.group.is_in(group_ids or [-1]) & (Membership.status == "active")).distinct()
    orders_cents = sum(row["total_cents"] for row in await Order.select(Order.total_cents).where(
        (Order.status != "cancelled") & _order_scope(group_ids, network_id)))
    contracts = await contract_sales(group_ids, today)
    orders = await order_sales(group_ids, network_id)
    return Figures(
        households=len(households), groups=len(group_ids), producers=len(await members.farm_ids(network_id)),
        contracts_cents=sum(sale.amount_cents for _month, sale in contracts), orders_cents=orders_cents,
        euro_share=euro_share([sale for _month, sale in contracts + orders]), months=by_month(contracts, orders),
    )
