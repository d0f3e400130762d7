"""Order windows on the producer's side: making and editing them with the groups they serve,
publishing, cancelling, and closing them once their closing time has passed.

A window is a draft until published; members see a published window from `opens_at` and order
until `closes_at`; `close_window` then locks the orders. Everything may change until members
can see it; after that only the stock, never below what members already reserved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from amap.distributions.tables import Distribution
from amap.farms.tables import FarmSupply
from amap.groups.tables import Group
from amap.lib.access import Principal, ensure
from amap.lib.dates import DEFAULT_TIMEZONE
from amap.lib.db import write_transaction
from amap.lib.i18n import _
from amap.lib.prepared import prepared
from amap.network.members import group_ids as network_group_ids
from amap.network.tables import NetworkFarm
from amap.orders.tables import Order, OrderLine, OrderWindow, WindowProduct, WindowStop

STATES = ("draft", "scheduled", "open", "closed")


def state(window: dict, now: datetime) -> str:
    """draft (members do not see it), scheduled (published, not open yet), open, closed."""
    if window["published_at"] is None and window["closed_at"] is None:
        return "draft"
    if window["closed_at"] is not None or window["closes_at"] <= now:
        return "closed"
    return "scheduled" if now < window["opens_at"] else "open"


def fully_editable(window: dict, now: datetime) -> bool:
    """Until members can see the window, anything in it may change."""
    return state(window, now) in ("draft", "scheduled")


_FARM_TIMEZONE = prepared(lambda farm: FarmSupply.select(FarmSupply.group.timezone.as_alias("timezone")).where(
    (FarmSupply.farm == farm) & FarmSupply.ended_at.is_null()).order_by(FarmSupply.id).first())
_OWNED_WINDOW = prepared(lambda window: OrderWindow.select(
    OrderWindow.all_columns(), OrderWindow.farm.name.as_alias("farm_name"),
    OrderWindow.farm.slug.as_alias("farm_slug")).where(OrderWindow.id == window).first())


async def farm_timezone(farm_id: int) -> str:
    """The timezone of the first group the farm supplies (a farm's groups share one in practice)."""
    row = await _FARM_TIMEZONE(farm=farm_id)
    return row["timezone"] if row and row["timezone"] else DEFAULT_TIMEZONE


async def farm_networks(farm_id: int) -> list[dict]:
    """The networks the farm belongs to now, each with its member groups' ids: a window may be
    offered to a whole network, reaching groups the farm does not supply by season contract."""
    networks = await NetworkFarm.select(NetworkFarm.network.id.as_alias("id"),
                                        NetworkFarm.network.name.as_alias("name")).where(
        (NetworkFarm.farm == farm_id) & NetworkFarm.left_at.is_null()).order_by(NetworkFarm.network.name)
    for network in networks:
        network["group_ids"] = await network_group_ids(network["id"])
    return networks


async def servable_groups(farm_id: int) -> list[dict]:
    """The groups a window may serve: those the farm supplies now and those of its networks."""
    network_groups = [gid for network in await farm_networks(farm_id) for gid in network["group_ids"]]
    rows = await FarmSupply.select(
        FarmSupply.group.as_alias("id"), FarmSupply.group.name.as_alias("name"),
        FarmSupply.group.timezone.as_alias("timezone"),
    ).where((FarmSupply.farm == farm_id) & FarmSupply.ended_at.is_null())
    if network_groups:
        rows += await Group.select(Group.id, Group.name, Group.timezone).where(Group.id.is_in(network_groups))
    unique = {row["id"]: row for row in rows}
    return sorted(unique.values(), key=lambda row: (row["name"].casefold(), row["id"]))


def starts_at(distribution: dict, timezone: str) -> datetime:
    """When a distribution begins, in UTC."""
    moment = datetime.combine(distribution["held_on"], distribution["starts_at"], tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


async def coming_distributions(groups: list[dict], since: date) -> dict[int, list[dict]]:
    """Each group's planned distributions from `since` on, with their place, by date."""
    found: dict[int, list[dict]] = {group["id"]: [] for group in groups}
    if not groups:
        return found
    rows = await Distribution.select(
        Distribution.id, Distribution.group, Distribution.held_on, Distribution.starts_at, Distribution.ends_at,
        Distribution.place.name.as_alias("place_name"), Distribution.place.address.as_alias("place_address"),
    ).where(Distribution.group.is_in(list(found)) & (Distribution.status == "planned")
            & (Distribution.held_on >= since)).order_by(Distribution.held_on).order_by(Distribution.starts_at)
    for row in rows:
        found[row["group"]].append(row)
    return found


async def distribution_problem(distribution_id: int, group: dict, closes_at: datetime) -> str | None:
    """Why this distribution cannot receive the group's orders, or None when it can."""
    row = await Distribution.select(Distribution.group, Distribution.held_on, Distribution.starts_at,
                                    Distribution.status).where(Distribution.id == distribution_id).first()
    if row is None or row["group"] != group["id"] or row["status"] != "planned":
        return _("Choose a planned distribution of this group.")
    if starts_at(row, group["timezone"]) <= closes_at:
        return _("Choose a distribution after the window closes: orders are prepared once it has closed.")
    return None


async def owned_window(principal: Principal, window_id: int) -> dict:
    """The window with its farm's name and slug; 404 unless the principal runs its farm."""
    row = await _OWNED_WINDOW(window=window_id)
    ensure(row is not None and principal.runs_farm(row["farm"]))
    return row


_FARM_WINDOWS = prepared(lambda farm: OrderWindow.select().where(OrderWindow.farm == farm).order_by(
    OrderWindow.opens_at, ascending=False).order_by(OrderWindow.id, ascending=False))
_WINDOW_TOTALS = prepared(lambda farm: Order.select(Order.window, Order.total_cents).where(
    (Order.window.farm == farm) & (Order.status != "cancelled")))


async def farm_windows(farm_id: int) -> list[dict]:
    """The farm's windows, the latest first, each with its number of orders and their total."""
    windows = await _FARM_WINDOWS(farm=farm_id)
    orders = await _WINDOW_TOTALS(farm=farm_id)
    for window in windows:
        mine = [order for order in orders if order["window"] == window["id"]]
        window["orders"], window["total_cents"] = len(mine), sum(order["total_cents"] for order in mine)
    return windows


async def window_products(window_id: int) -> list[dict]:
    rows = await WindowProduct.select(
        WindowProduct.all_columns(), WindowProduct.product.name.as_alias("name"),
        WindowProduct.product.unit.as_alias("unit"), WindowProduct.product.packaging.as_alias("packaging"),
        WindowProduct.product.min_quantity.as_alias("min_quantity"),
    ).where(WindowProduct.window == window_id).output(load_json=True)
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["id"]))


async def window_stops(window_id: int) -> list[dict]:
    """The groups served, in tour order, with their distribution and its place."""
    return await WindowStop.select(
        WindowStop.all_columns(), WindowStop.group.name.as_alias("group_name"),
        WindowStop.group.timezone.as_alias("timezone"),
        WindowStop.distribution.held_on.as_alias("held_on"), WindowStop.distribution.starts_at.as_alias("starts_at"),
        WindowStop.distribution.ends_at.as_alias("ends_at"),
        WindowStop.distribution.place.name.as_alias("place_name"),
        WindowStop.distribution.place.address.as_alias("place_address"),
    ).where(WindowStop.window == window_id).order_by(WindowStop.position).order_by(WindowStop.id)


# Changes ---------------------------------------------------------------------------------------


async def create_window(farm_id: int, values: dict, products: list[dict], stops: list[dict], by_user: int) -> int:
    """A draft window with its products and stops, all or nothing."""
    async with write_transaction():
        window_id = (await OrderWindow.insert(OrderWindow(farm=farm_id, created_by=by_user, **values)
                                              ).returning(OrderWindow.id))[0]["id"]
        await _replace_products(window_id, products)
        await _replace_stops(window_id, stops)
    return window_id


async def update_window(window_id: int, values: dict, products: list[dict], stops: list[dict]) -> None:
    """Everything at once, while members cannot see the window yet."""
    async with write_transaction():
        await OrderWindow.update(values).where(OrderWindow.id == window_id)
        await _replace_products(window_id, products)
        await _replace_stops(window_id, stops)


async def _replace_products(window_id: int, wanted: list[dict]) -> None:
    existing = {row["product"]: row["id"] for row in await WindowProduct.select(
        WindowProduct.id, WindowProduct.product).where(WindowProduct.window == window_id)}
    for item in wanted:
        if item["product"] in existing:
            await WindowProduct.update({WindowProduct.price_cents: item["price_cents"], WindowProduct.stock: item["stock"],
                                        WindowProduct.price_parts: item["price_parts"]}).where(
                WindowProduct.id == existing[item["product"]])
        else:
            await WindowProduct.insert(WindowProduct(window=window_id, reserved=0, **item))
    dropped = [row_id for product, row_id in existing.items() if product not in {i["product"] for i in wanted}]
    if dropped:
        # A line keeps a product in the window: an order is never left pointing at nothing.
        ordered = {row["window_product"] for row in await OrderLine.select(OrderLine.window_product).where(
            OrderLine.window_product.is_in(dropped))}
        removable = [row_id for row_id in dropped if row_id not in ordered]
        if removable:
            await WindowProduct.delete().where(WindowProduct.id.is_in(removable))


async def _replace_stops(window_id: int, wanted: list[dict]) -> None:
    existing = {row["group"]: row["id"] for row in await WindowStop.select(WindowStop.id, WindowStop.group).where(
        WindowStop.window == window_id)}
    for stop in wanted:
        if stop["group"] in existing:
            await WindowStop.update({WindowStop.distribution: stop["distribution"], WindowStop.position: stop["position"],
                                     WindowStop.arrives_at: stop["arrives_at"]}).where(
                WindowStop.id == existing[stop["group"]])
        else:
            await WindowStop.insert(WindowStop(window=window_id, **stop))
    dropped = [row_id for group, row_id in existing.items() if group not in {s["group"] for s in wanted}]
    if dropped:
        served = {row["stop"] for row in await Order.select(Order.stop).where(Order.stop.is_in(dropped))}
        removable = [row_id for row_id in dropped if row_id not in served]
        if removable:
            await WindowStop.delete().where(WindowStop.id.is_in(removable))


async def update_stock(window_id: int, stocks: dict[int, int | None]) -> list[int]:
    """New stocks for the window's products; returns those refused because members reserved more
    in the meantime. One conditional UPDATE each, so a reservation at the same instant is never lost."""
    refused = []
    for row_id, stock in stocks.items():
        where = (WindowProduct.id == row_id) & (WindowProduct.window == window_id)
        if stock is not None:
            where &= WindowProduct.reserved <= stock
        if not await WindowProduct.update({WindowProduct.stock: stock}).where(where).returning(WindowProduct.id):
            refused.append(row_id)
    return refused


def publish_problems(window: dict, products: list[dict], stops: list[dict], now: datetime) -> list[str]:
    problems = []
    if not products:
        problems.append(_("Offer at least one product."))
    if not stops:
        problems.append(_("Serve at least one group."))
    if window["closes_at"] <= now:
        problems.append(_("The window's closing time has passed: set a later one."))
    return problems


async def publish(window_id: int, now: datetime) -> bool:
    rows = await OrderWindow.update({OrderWindow.published_at: now.astimezone(UTC)}).where(
        (OrderWindow.id == window_id) & OrderWindow.published_at.is_null() & OrderWindow.closed_at.is_null()
    ).returning(OrderWindow.id)
    return bool(rows)


async def cancel_window(window_id: int) -> bool:
    """Withdraw a window nobody ordered in (its products and stops go with it); False when an order exists."""
    async with write_transaction():
        if await Order.exists().where(Order.window == window_id):
            return False
        await WindowStop.delete().where(WindowStop.window == window_id)
        await WindowProduct.delete().where(WindowProduct.window == window_id)
        await OrderWindow.delete().where(OrderWindow.id == window_id)
    return True


# Closing ---------------------------------------------------------------------------------------


async def close_window(window_id: int, now: datetime) -> int:
    """Lock every open order of the window once its closing time has passed; returns how many.

    Idempotent: a second run finds no open order and keeps the first `closed_at`. One write
    transaction, so a member saving an order at the last second is either in or refused whole.
    """
    now = now.astimezone(UTC)  # SQLite compares stored timestamps as text, all written in UTC
    async with write_transaction():
        window = await OrderWindow.select(OrderWindow.closes_at, OrderWindow.closed_at).where(
            OrderWindow.id == window_id).first()
        if window is None or window["closes_at"] > now:
            return 0
        locked = await Order.update({Order.status: "locked", Order.updated_at: now}).where(
            (Order.window == window_id) & (Order.status == "open")).returning(Order.id)
        if window["closed_at"] is None:
            await OrderWindow.update({OrderWindow.closed_at: now}).where(
                (OrderWindow.id == window_id) & OrderWindow.closed_at.is_null())
    return len(locked)


async def due_windows(now: datetime) -> list[int]:
    """Published windows whose closing time has passed and that are not closed yet."""
    rows = await OrderWindow.select(OrderWindow.id).where(
        OrderWindow.published_at.is_not_null() & OrderWindow.closed_at.is_null()
        & (OrderWindow.closes_at <= now.astimezone(UTC))).order_by(OrderWindow.id)
    return [row["id"] for row in rows]


RECENT = timedelta(days=2)
"""How long after closing the close job still makes sure the picking lists and receipts left."""


async def recently_closed(now: datetime) -> list[int]:
    rows = await OrderWindow.select(OrderWindow.id).where(
        OrderWindow.closed_at.is_not_null() & (OrderWindow.closed_at >= (now - RECENT).astimezone(UTC))
        & OrderWindow.published_at.is_not_null()).order_by(OrderWindow.id)
    return [row["id"] for row in rows]
