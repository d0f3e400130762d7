"""Reading the order-window form: its dates in the farm's timezone, the products offered with their
window price and stock, and the groups served with their distribution and place in the tour."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from amap.lib import price_parts
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.orders.catalog import MAX_QUANTITY, euros_text, price
from amap.orders.windows import distribution_problem

MAX_STOPS = 100
_PRODUCT = re.compile(r"^product_(\d+)$")
_GROUP = re.compile(r"^group_(\d+)$")


def local_text(moment: datetime, timezone: str) -> str:
    """An aware datetime as a datetime-local field shows it, where the farm is."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def moment(form: Form, name: str, timezone: str) -> datetime | None:
    """A date and time typed where the farm is (2027-05-01T18:00 from the browser), in UTC."""
    value = form.get(name)
    if not value:
        form.error(name, _("Enter a date and a time like 2027-05-01 18:00."))
        return None
    try:
        typed = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        form.error(name, _("Enter a date and a time like 2027-05-01 18:00."))
        return None
    if not 2000 <= typed.year <= 2099:
        form.error(name, _("Enter a date between 2000 and 2099."))
        return None
    if typed.tzinfo is None:
        typed = typed.replace(tzinfo=ZoneInfo(timezone))
    return typed.astimezone(UTC)


def clock(form: Form, name: str) -> str:
    """An optional wall-clock time, kept as "17:45"."""
    value = form.get(name)
    if not value:
        return ""
    try:
        return time.fromisoformat(value).strftime("%H:%M")
    except ValueError:
        form.error(name, _("Enter a time like 17:45."))
        return ""


def read_terms(form: Form, timezone: str, now: datetime) -> dict:
    values = {
        "title": form.text("title"),
        "description": form.text("description", required=False, max_length=5000),
        "opens_at": moment(form, "opens_at", timezone),
        "closes_at": moment(form, "closes_at", timezone),
    }
    opens, closes = values["opens_at"], values["closes_at"]
    if opens and closes and closes <= opens:
        form.error("closes_at", _("The window must close after it opens."))
    elif closes and closes <= now:
        form.error("closes_at", _("Enter a closing time in the future."))
    return values


def read_products(form: Form, catalog: list[dict]) -> list[dict]:
    """The products ticked, at the window price (the catalog price when left empty) and stock."""
    by_id = {row["id"]: row for row in catalog}
    chosen = [int(m[1]) for key in form.values if (m := _PRODUCT.match(key)) and form.checkbox(key)]
    if any(product_id not in by_id for product_id in chosen):
        form.error("products", _("Choose among the farm's products."))
        return []
    if not chosen:
        form.error("products", _("Tick at least one product to offer."))
    products = []
    for product_id in sorted(chosen):
        product = by_id[product_id]
        cents = price(form, f"price_{product_id}") if form.get(f"price_{product_id}") else product["price_cents"]
        stock_name = f"stock_{product_id}"
        stock = form.integer(stock_name, minimum=0, maximum=MAX_QUANTITY) if form.get(stock_name) else None
        # The composition holds for the catalog price only: another price shows none rather than a wrong one.
        parts = price_parts.parse(product["price_parts"]) if cents == product["price_cents"] else []
        products.append({"product": product_id, "price_cents": cents, "stock": stock, "price_parts": parts})
    return products


async def read_stops(form: Form, groups: list[dict], closes_at: datetime | None) -> list[dict]:
    """The groups ticked, each with its distribution (after the closing time), tour position and arrival."""
    by_id = {group["id"]: group for group in groups}
    chosen = [int(m[1]) for key in form.values if (m := _GROUP.match(key)) and form.checkbox(key)]
    if any(group_id not in by_id for group_id in chosen):
        form.error("groups", _("Choose among the groups the farm supplies or its networks' groups."))
        return []
    if not chosen:
        form.error("groups", _("Tick at least one group to serve."))
    stops = []
    for index, group_id in enumerate([group["id"] for group in groups if group["id"] in set(chosen)]):
        field = f"distribution_{group_id}"
        distribution = form.get(field)
        if not distribution.isdigit():
            form.error(field, _("Choose the distribution where this group's orders are delivered."))
        elif closes_at is not None:
            problem = await distribution_problem(int(distribution), by_id[group_id], closes_at)
            if problem:
                form.error(field, problem)
        position_name = f"position_{group_id}"
        position = (form.integer(position_name, minimum=1, maximum=MAX_STOPS) if form.get(position_name)
                    else index + 1)
        stops.append({"group": group_id, "distribution": int(distribution) if distribution.isdigit() else None,
                      "position": position, "arrives_at": clock(form, f"arrives_{group_id}")})
    positions = [stop["position"] for stop in stops if stop["position"] is not None]
    if len(positions) != len(set(positions)):
        seen: set[int] = set()
        for stop in stops:
            if stop["position"] in seen:
                form.error(f"position_{stop['group']}", _("Give each stop its own place in the tour."))
            seen.add(stop["position"])
    return stops


def read_network(form: Form, networks: list[dict], stops: list[dict]) -> int | None:
    """Offered to a whole network (its id) or to the groups ticked (None). A network-wide window
    serves every group of the network, each at a distribution of its own."""
    value = form.get("network")
    if not value:
        return None
    network = next((n for n in networks if str(n["id"]) == value), None)
    if network is None:
        form.error("network", _("Choose one of the farm's networks."))
        return None
    missing = set(network["group_ids"]) - {stop["group"] for stop in stops}
    if missing:
        form.error("groups", _("Offered to the whole network, the window serves each of its groups: tick them all."))
    return network["id"]


async def read_window(form: Form, *, timezone: str, catalog: list[dict], groups: list[dict],
                      networks: list[dict], now: datetime) -> tuple[dict, list[dict], list[dict]]:
    terms = read_terms(form, timezone, now)
    products = read_products(form, catalog)
    stops = await read_stops(form, groups, terms["closes_at"])
    terms["network"] = read_network(form, networks, stops)
    return terms, products, stops


def window_form(window: dict, products: list[dict], stops: list[dict], timezone: str) -> Form:
    """The form filled with what the window says now."""
    values = {"title": window["title"], "description": window["description"],
              "opens_at": local_text(window["opens_at"], timezone),
              "closes_at": local_text(window["closes_at"], timezone),
              "network": str(window["network"] or "")}
    for row in products:
        values[f"product_{row['product']}"] = "on"
        values[f"price_{row['product']}"] = euros_text(row["price_cents"])
        values[f"stock_{row['product']}"] = "" if row["stock"] is None else str(row["stock"])
    for stop in stops:
        values[f"group_{stop['group']}"] = "on"
        values[f"distribution_{stop['group']}"] = str(stop["distribution"] or "")
        values[f"position_{stop['group']}"] = str(stop["position"])
        values[f"arrives_{stop['group']}"] = stop["arrives_at"]
    return Form(values)


def read_stocks(form: Form, products: list[dict]) -> dict[int, int | None]:
    """Once members order, only the stocks change: none below what is already reserved."""
    stocks: dict[int, int | None] = {}
    for row in products:
        name = f"stock_{row['product']}"
        stock = form.integer(name, minimum=0, maximum=MAX_QUANTITY) if form.get(name) else None
        if stock is not None and stock < row["reserved"]:
            form.error(name, _("Members already reserved %(num)s: the stock cannot go below that.",
                               num=row["reserved"]))
        stocks[row["id"]] = stock
    return stocks
