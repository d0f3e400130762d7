"""The network's figures: households, groups, producers, money secured by contracts, one-off order
volume, the share of each euro that reaches producers, and the money month by month.

The network's trade is its member groups' (today's members): their contracts, the orders
delivered to them, and every order of a window offered to the whole network.

The money is added up by the database: a contract or an order line is read as one row per
composition, amount and month, with how many sales share them, so the page costs a few queries of
a few hundred rows whatever the number of contracts and orders.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from piccolo.query.methods.select import Count

from amap.contracts.tables import ShareType
from amap.groups.tables import Membership
from amap.lib import price_parts
from amap.lib.dates import DEFAULT_TIMEZONE
from amap.network import members
from amap.network.tables import NetworkGroup
from amap.orders.tables import Order, OrderWindow, WindowProduct
from amap.payments.services import month_of, next_month


@dataclass(frozen=True)
class Sale:
    """Money paid for something, with what is known of where it goes."""

    amount_cents: int
    parts: list[dict]  # its price's composition; empty when none was given
    direct: bool  # paid to the farm itself, with no intermediary (an AMAP contract, a farm's own window)
    count: int = 1  # sales alike: this many of the same amount, composition and directness


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
    money actually paid; without one, the whole price reaches the producer only for a direct sale.
    Each sale is rounded on its own, so sales alike count `count` times their one rounding."""
    total = producer = unknown = 0
    for sale in sales:
        total += sale.amount_cents * sale.count
        by_parts = price_parts.producer_part_of(sale.amount_cents, sale.parts)
        if by_parts is not None:
            producer += by_parts * sale.count
        elif sale.direct:
            producer += sale.amount_cents * sale.count
        else:
            unknown += sale.amount_cents * sale.count
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


@dataclass
class Trade:
    """Sales alike taken together, and their money by month of sale (the first day of the month)."""

    sales: list[Sale] = field(default_factory=list)
    months: dict[date, int] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)  # as counted by the database: key, amount, month, sales

    @property
    def total_cents(self) -> int:
        return sum(sale.amount_cents * sale.count for sale in self.sales)


MEMBER_GROUPS = 'SELECT ng."group" FROM network_group ng WHERE ng.network = {} AND ng.left_at IS NULL'
"""The network's member groups today (members.group_ids), as a subquery taking the network's id."""

CONTRACTS = """
    FROM subscription s
    JOIN offer o ON o.id = s.offer
    LEFT JOIN offer_share os ON os.id = s.offer_share
    LEFT JOIN (SELECT a.subscription, SUM(a.refund_cents) AS refund_cents FROM amendment a
               WHERE a.kind = 'leave' AND a.status = 'approved' GROUP BY a.subscription) r ON r.subscription = s.id
    WHERE s.status = 'active' AND o."group" IN (""" + MEMBER_GROUPS + ")"
"""Active contracts of the member groups (takes the network's id)."""

ORDERS_FROM = """
    FROM order_placed op
    JOIN order_window_stop ws ON ws.id = op.stop
    JOIN order_window w ON w.id = op."window"
"""
ORDERS_WHERE = """
    WHERE op.status <> 'cancelled' AND (ws."group" IN (""" + MEMBER_GROUPS + ") OR w.network = {})"
ORDERS = ORDERS_FROM + ORDERS_WHERE
"""Orders not cancelled delivered to the member groups, or of network-wide windows (takes the network's
id twice)."""
ORDER_LINES = ORDERS_FROM + '    JOIN order_line ol ON ol."order" = op.id' + ORDERS_WHERE
"""The lines of those orders."""


def _moment(value: datetime | str) -> datetime:
    """A timestamp read by a raw query: PostgreSQL gives a datetime, SQLite the text it stores (UTC)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def month_starts(first: datetime, last: datetime,
                 timezone: str = DEFAULT_TIMEZONE) -> tuple[list[date], list[datetime]]:
    """The local months from `first` to `last`, and the instant (UTC) each one after the first begins:
    midnight of its first day where the network is (a signature at 23:30 UTC on 31 March is April's)."""
    zone = ZoneInfo(timezone)
    month, end = month_of(first.astimezone(zone).date()), month_of(last.astimezone(zone).date())
    months = [month]
    while month < end:
        month = next_month(month)
        months.append(month)
    # fold=0: a midnight skipped or repeated by a clock change resolves to the day's first instant.
    return months, [datetime.combine(start, time(), tzinfo=zone).astimezone(UTC) for start in months[1:]]


def month_number(moment: str, bounds: list[datetime]) -> str:
    """SQL numbering the month `moment` falls in: 0 before the first bound, i after the i-th (one
    parameter per bound). SQLite stores timestamps as UTC text of one fixed shape, so the comparison
    holds on both engines."""
    if not bounds:
        return "0"
    return "CASE " + " ".join(f"WHEN {moment} < {{}} THEN {index}" for index in range(len(bounds))) + (
        f" ELSE {len(bounds)} END")


async def _grouped(keys: list[str], amount: str, moment: str, scope: str, args: tuple) -> Trade:
    """The rows of `scope` counted per key, amount and local month of `moment`, in two queries (the
    span of the months, then the counts), with the money of each month; the caller makes the sales."""
    span = await NetworkGroup.raw(f"SELECT MIN({moment}) AS first_at, MAX({moment}) AS last_at {scope}", *args)
    if not span or span[0]["first_at"] is None:
        return Trade()
    months, bounds = month_starts(_moment(span[0]["first_at"]), _moment(span[0]["last_at"]))
    positions = ", ".join(str(n) for n in range(1, len(keys) + 3))
    rows = await NetworkGroup.raw(
        f"SELECT {', '.join(keys)}, {amount} AS amount_cents, {month_number(moment, bounds)} AS month_number, "
        f"COUNT(*) AS sales {scope} GROUP BY {positions}", *bounds, *args)
    by_month: dict[date, int] = defaultdict(int)
    for row in rows:
        by_month[months[row["month_number"]]] += row["amount_cents"] * row["sales"]
    return Trade(rows=rows, months=dict(by_month))


async def contract_trade(network_id: int) -> Trade:
    """Active contracts of the member groups, each worth what the household owes over the season
    (payments.services.balances: the total less any approved leave, never below zero), by month of
    signing. Members pay the farm directly (cheques made out to the farm): a contract is always direct."""
    trade = await _grouped(
        ["os.share_type AS share_type"],
        "CASE WHEN s.total_cents > COALESCE(r.refund_cents, 0) THEN s.total_cents - COALESCE(r.refund_cents, 0) "
        "ELSE 0 END", "COALESCE(s.signed_at, s.created_at)", CONTRACTS, (network_id,))
    alike: dict[tuple, int] = defaultdict(int)  # (share type, amount) -> sales, whatever their month
    for row in trade.rows:
        alike[(row["share_type"], row["amount_cents"])] += row["sales"]
    types = sorted({share_type for share_type, _amount in alike if share_type is not None})
    compositions = {row["id"]: price_parts.parse(row["price_parts"]) for row in await ShareType.select(
        ShareType.id, ShareType.price_parts).where(ShareType.id.is_in(types))} if types else {}
    trade.sales = [Sale(amount, compositions.get(share_type, []), direct=True, count=count)
                   for (share_type, amount), count in alike.items()]
    return trade


async def order_trade(network_id: int) -> Trade:
    """Lines of orders not cancelled, by month of ordering. The window's composition is the one
    the member saw; the product's catalog composition stands in when the window has none. A farm's
    own window is paid to the farm at pickup; a network-wide one goes through the network."""
    trade = await _grouped(["ol.window_product AS window_product", 'op."window" AS window_id'], "ol.total_cents",
                           "op.placed_at", ORDER_LINES, (network_id, network_id))
    counts: dict[tuple, int] = defaultdict(int)  # (window product, window, amount) -> sales
    for row in trade.rows:
        counts[(row["window_product"], row["window_id"], row["amount_cents"])] += row["sales"]
    parts: dict[int, list[dict]] = {}
    networks: dict[int, int | None] = {}
    if counts:
        for row in await WindowProduct.select(
                WindowProduct.id, WindowProduct.price_parts,
                WindowProduct.product.price_parts.as_alias("product_parts")).where(
                WindowProduct.id.is_in(sorted({key[0] for key in counts}))):
            parts[row["id"]] = price_parts.parse(row["price_parts"]) or price_parts.parse(row["product_parts"])
        networks = {row["id"]: row["network"] for row in await OrderWindow.select(
            OrderWindow.id, OrderWindow.network).where(OrderWindow.id.is_in(sorted({key[1] for key in counts})))}
    trade.sales = [Sale(amount, parts.get(product, []), direct=networks.get(window) is None, count=count)
                   for (product, window, amount), count in counts.items()]
    return trade


def by_month(contracts: dict[date, int], orders: dict[date, int]) -> list[Month]:
    """Every month from the first with money to the last, empty months included (a chart needs them)."""
    known = set(contracts) | set(orders)
    if not known:
        return []
    months, month, last = [], min(known), max(known)
    while month <= last:
        months.append(Month(month, contracts.get(month, 0), orders.get(month, 0)))
        month = next_month(month)
    return months


async def network_figures(network_id: int) -> Figures:
    group_ids = await members.group_ids(network_id)
    households = await Membership.raw(
        "SELECT COUNT(DISTINCT m.household) AS households FROM membership m "
        f"WHERE m.status = 'active' AND m.\"group\" IN ({MEMBER_GROUPS})", network_id)
    orders_cents = await Order.raw(f"SELECT COALESCE(SUM(op.total_cents), 0) AS cents {ORDERS}", network_id, network_id)
    contracts = await contract_trade(network_id)
    orders = await order_trade(network_id)
    return Figures(
        households=households[0]["households"], groups=len(group_ids),
        producers=len(await members.farm_ids(network_id)),
        contracts_cents=contracts.total_cents, orders_cents=orders_cents[0]["cents"],
        euro_share=euro_share(contracts.sales + orders.sales), months=by_month(contracts.months, orders.months),
    )


async def households_per_group(group_ids: list[int]) -> dict[int, int]:
    """Active member households of each group, counted by the database."""
    if not group_ids:
        return {}
    return {row["group"]: row["count"] for row in await Membership.select(Membership.group, Count()).where(
        Membership.group.is_in(group_ids) & (Membership.status == "active")).group_by(Membership.group)}
