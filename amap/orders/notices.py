"""What one-off orders tell people through the outbox: a window opens (order_window_open) and
closes within a day (order_window_closing) to the members of the groups it serves; once it has
closed, the picking lists to the farm's farmers (order_picking) and a receipt to every adult of
each household that ordered (order_receipt). Each key names the event and the person, so a job
that runs twice sends nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from amap.farms.tables import Farmer
from amap.groups.tables import Group, Membership
from amap.lib.dates import DEFAULT_TIMEZONE, local_today
from amap.notifications.outbox import Recipient, event_key, household_recipients, notify, recipients, stored_keys
from amap.notifications.samples import register
from amap.orders.picking import BULK_KINDS, order_lines, picking
from amap.orders.settlement import METHOD_NAMES, paid_by_order
from amap.orders.tables import Order, OrderWindow
from amap.orders.windows import farm_timezone, window_products, window_stops

CLOSING_NOTICE = timedelta(hours=24)


async def window_row(window_id: int) -> dict | None:
    return await OrderWindow.select(OrderWindow.all_columns(), OrderWindow.farm.name.as_alias("farm_name"),
                                    OrderWindow.farm.slug.as_alias("farm_slug")).where(
        OrderWindow.id == window_id).first()


async def groups_of(stops: list[dict]) -> dict[int, dict]:
    rows = await Group.select().where(Group.id.is_in([stop["group"] for stop in stops] or [-1]))
    return {row["id"]: row for row in rows}


async def member_adults(group_id: int) -> list[Recipient]:
    """Every active account of the group's active households."""
    households = {row["household"] for row in await Membership.select(Membership.household).where(
        (Membership.group == group_id) & (Membership.status == "active"))}
    adults = await household_recipients(households)
    return sorted((person for people in adults.values() for person in people), key=lambda p: p.user_id)


def words(window: dict) -> dict:
    return {"farm": window["farm_name"], "title": window["title"], "date": window["closes_at"]}


async def _tell_members(kind: str, window: dict, *, skip_users: frozenset[int] = frozenset()) -> int:
    """One message per adult of the groups served (once, even when they belong to two of them)."""
    stops = await window_stops(window["id"])
    waiting: list[tuple[dict, Recipient]] = []
    seen: set[int] = set(skip_users)
    for stop in stops:
        for person in await member_adults(stop["group"]):
            if person.user_id not in seen:
                seen.add(person.user_id)
                waiting.append((stop, person))
    keys = {person.user_id: event_key(kind, window["id"], person.user_id) for _, person in waiting}
    done = await stored_keys(list(keys.values()))  # later runs stop here, before rendering anything
    waiting = [(stop, person) for stop, person in waiting if keys[person.user_id] not in done]
    if not waiting:
        return 0
    groups = await groups_of(stops)
    products = await window_products(window["id"])
    queued = 0
    for stop, person in waiting:
        group = groups[stop["group"]]
        queued += await notify(kind, keys[person.user_id], person, group=group, words=words(window), window=window,
                               products=products, stop=stop, timezone=group["timezone"])
    return queued


async def queue_window_open(window_id: int) -> int:
    window = await window_row(window_id)
    return await _tell_members("order_window_open", window) if window else 0


async def queue_window_closing(window_id: int) -> int:
    """To those who have not ordered yet: an adult whose household ordered hears nothing."""
    window = await window_row(window_id)
    if window is None:
        return 0
    ordered = {row["household"] for row in await Order.select(Order.household).where(
        (Order.window == window_id) & (Order.status != "cancelled"))}
    users = await household_recipients(ordered)
    skip = {person.user_id for people in users.values() for person in people}
    return await _tell_members("order_window_closing", window, skip_users=frozenset(skip))


async def open_windows(now: datetime) -> list[int]:
    now = now.astimezone(UTC)
    rows = await OrderWindow.select(OrderWindow.id).where(
        OrderWindow.published_at.is_not_null() & OrderWindow.closed_at.is_null()
        & (OrderWindow.opens_at <= now) & (OrderWindow.closes_at > now)).order_by(OrderWindow.id)
    return [row["id"] for row in rows]


async def closing_windows(now: datetime) -> list[int]:
    """Open windows that close within a day, and that were open a day before that (a shorter window
    gets its opening message only)."""
    now = now.astimezone(UTC)
    rows = await OrderWindow.select(OrderWindow.id, OrderWindow.opens_at, OrderWindow.closes_at).where(
        OrderWindow.published_at.is_not_null() & OrderWindow.closed_at.is_null() & (OrderWindow.opens_at <= now)
        & (OrderWindow.closes_at > now) & (OrderWindow.closes_at <= now + CLOSING_NOTICE)).order_by(OrderWindow.id)
    return [row["id"] for row in rows if row["closes_at"] - row["opens_at"] > CLOSING_NOTICE]


# At closing -------------------------------------------------------------------------------------


async def queue_picking(window_id: int) -> int:
    """The picking lists, in the mail itself, to each farmer of the farm."""
    window = await window_row(window_id)
    if window is None or window["closed_at"] is None:
        return 0
    people = await recipients([row["user"] for row in await Farmer.select(Farmer.user).where(
        (Farmer.farm == window["farm"]) & Farmer.ended_at.is_null())])
    keys = {person.user_id: event_key("order_picking", window_id, person.user_id) for person in people}
    done = await stored_keys(list(keys.values()))  # later runs stop before computing the lists again
    people = [person for person in people if keys[person.user_id] not in done]
    if not people:
        return 0
    figures = await picking(window_id)
    timezone = await farm_timezone(window["farm"])
    queued = 0
    for person in people:
        queued += await notify("order_picking", keys[person.user_id], person, words=words(window), window=window,
                               figures=figures, timezone=timezone, bulk_kinds=BULK_KINDS)
    return queued


async def queue_receipts(window_id: int) -> int:
    """Each locked order's receipt to every adult of its household."""
    window = await window_row(window_id)
    if window is None or window["closed_at"] is None:
        return 0
    orders = await Order.select(Order.id, Order.household, Order.stop).where(
        (Order.window == window_id) & (Order.status == "locked")).order_by(Order.id)
    adults = await household_recipients({order["household"] for order in orders})
    keys = {(order["id"], person.user_id): event_key("order_receipt", order["id"], person.user_id)
            for order in orders for person in adults.get(order["household"], [])}
    done = await stored_keys(list(keys.values()))
    waiting = [order for order in orders
               if any(keys[order["id"], p.user_id] not in done for p in adults.get(order["household"], []))]
    if not waiting:
        return 0
    stops = {stop["id"]: stop for stop in await window_stops(window_id)}
    groups = await groups_of(list(stops.values()))
    lines = await order_lines([order["id"] for order in waiting])
    paid = await paid_by_order([order["id"] for order in waiting])
    queued = 0
    for order in waiting:
        stop = stops[order["stop"]]
        group = groups[stop["group"]]
        context = receipt_context(window, stop, lines.get(order["id"], []), paid.get(order["id"], 0))
        for person in adults.get(order["household"], []):
            queued += await notify("order_receipt", keys[order["id"], person.user_id], person, group=group,
                                   timezone=group["timezone"], **context)
    return queued


def receipt_context(window: dict, stop: dict, lines: list[dict], paid_cents: int) -> dict:
    total = sum(line["total_cents"] for line in lines)
    return {"words": words(window), "window": window, "stop": stop, "lines": lines, "total_cents": total,
            "paid_cents": paid_cents, "due_cents": total - paid_cents, "method_names": METHOD_NAMES}


# Examples for the committee's wording preview ------------------------------------------------------


def _sample_window(group: dict) -> tuple[dict, dict, list[dict]]:
    timezone = group.get("timezone") or DEFAULT_TIMEZONE
    today = local_today(timezone)
    closes = datetime.combine(today + timedelta(days=3), time(20, 0)).replace(tzinfo=UTC)
    window = {"id": 0, "title": "Agneau de Pâques", "description": "Colis de 5 kg, élevage en plein air.",
              "farm_name": "Bergerie du Plateau", "farm_slug": "bergerie", "opens_at": closes - timedelta(days=10),
              "closes_at": closes, "closed_at": None}
    thursday = today + timedelta(days=7 + (3 - today.weekday()) % 7)
    stop = {"id": 0, "group": group.get("id", 0), "group_name": group["name"], "position": 1, "arrives_at": "18:00",
            "held_on": thursday, "starts_at": time(18, 30), "ends_at": time(20, 0), "place_name": "Cour de l'école",
            "place_address": "1 place du Marché"}
    products = [{"id": 0, "name": "Colis d'agneau", "unit": "colis de 5 kg", "price_cents": 8500, "stock": 20},
                {"id": 1, "name": "Merguez", "unit": "barquette de 500 g", "price_cents": 900, "stock": None}]
    return window, stop, products


@register("order_window_open")
def sample_open(group: dict) -> dict:
    window, stop, products = _sample_window(group)
    return {"words": words(window), "window": window, "products": products, "stop": stop,
            "timezone": group.get("timezone") or DEFAULT_TIMEZONE}


@register("order_window_closing")
def sample_closing(group: dict) -> dict:
    return sample_open(group)


@register("order_receipt")
def sample_receipt(group: dict) -> dict:
    window, stop, _products = _sample_window(group)
    lines = [{"name": "Colis d'agneau", "unit": "colis de 5 kg", "quantity": 1, "unit_price_cents": 8500,
              "total_cents": 8500},
             {"name": "Merguez", "unit": "barquette de 500 g", "quantity": 2, "unit_price_cents": 900,
              "total_cents": 1800}]
    return {**receipt_context(window, stop, lines, 0), "timezone": group.get("timezone") or DEFAULT_TIMEZONE}


@register("order_picking")
def sample_picking(group: dict) -> dict:
    """The group passed only lends its name to the one stop of the example."""
    window, stop, _products = _sample_window(group)
    line = {"window_product": 0, "name": "Colis d'agneau", "unit": "colis de 5 kg", "quantity": 1,
            "unit_price_cents": 8500, "total_cents": 8500}
    orders = [{"id": 0, "household_name": "Martin", "bulk_kind": None, "lines": [line], "total_cents": 8500,
               "paid_cents": 0, "due_cents": 8500},
              {"id": 1, "household_name": "Cantine solidaire", "bulk_kind": "kitchen",
               "lines": [{**line, "quantity": 3, "total_cents": 25500}], "total_cents": 25500, "paid_cents": 0,
               "due_cents": 25500}]
    products = [{"id": 0, "name": "Colis d'agneau", "unit": "colis de 5 kg", "quantity": 4, "total_cents": 34000}]
    figures = {"stops": [{**stop, "orders": orders, "products": products, "total_cents": 34000, "paid_cents": 0}],
               "products": products, "orders": 2, "total_cents": 34000, "paid_cents": 0}
    return {"words": words(window), "window": {**window, "closed_at": window["closes_at"]}, "figures": figures,
            "timezone": group.get("timezone") or DEFAULT_TIMEZONE, "bulk_kinds": BULK_KINDS}
