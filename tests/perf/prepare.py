"""Run inside the measured database's environment (`python -m tests.perf.prepare`): make the large demo's
statistics current, mint an API token, and print as JSON the ids the measured pages need.

A separate process because Piccolo binds its engine when the tables are imported, and the runner
measures SQLite and PostgreSQL one after the other.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from amap.accounts.services import create_api_token, find_user_id
from amap.accounts.tables import User
from amap.contracts.tables import Offer, Subscription
from amap.distributions.tables import Distribution
from amap.farms.tables import Farm, Farmer
from amap.groups.tables import Group, Membership
from amap.lib.dates import local_today
from amap.lib.db import close_pool, engine, is_sqlite, start_pool
from amap.network.tables import Network
from amap.orders.tables import OrderWindow, WindowStop

LARGEST_GROUP = "amap-des-lilas"


async def largest_group() -> dict:
    """AMAP des Lilas when the demo made it, else the group with the most active households."""
    rows = await Membership.select(Membership.group, Membership.group.slug.as_alias("slug")).where(
        Membership.status == "active")
    counts: dict[tuple[int, str], int] = {}
    for row in rows:
        counts[(row["group"], row["slug"])] = counts.get((row["group"], row["slug"]), 0) + 1
    by_slug = {slug: (group_id, n) for (group_id, slug), n in counts.items()}
    slug = LARGEST_GROUP if LARGEST_GROUP in by_slug else max(by_slug, key=lambda s: by_slug[s][1])
    group = await Group.select(Group.id, Group.slug, Group.timezone).where(Group.slug == slug).first()
    return {**group, "households": by_slug[slug][1]}


async def distributions(group: dict) -> dict:
    """The member's next distribution, and the sheet a volunteer opens (today's, else the last, else the next)."""
    today = local_today(group["timezone"])
    planned = (Distribution.group == group["id"]) & (Distribution.status == "planned")
    coming = await Distribution.select(Distribution.id, Distribution.held_on).where(
        planned & (Distribution.held_on >= today)).order_by(Distribution.held_on).first()
    past = await Distribution.select(Distribution.id, Distribution.held_on).where(
        planned & (Distribution.held_on <= today)).order_by(Distribution.held_on, ascending=False).first()
    sheet = past or coming
    coming = coming or past
    return {"next_distribution": coming["id"], "next_day": coming["held_on"].isoformat(),
            "sheet_distribution": sheet["id"], "sheet_day": sheet["held_on"].isoformat()}


async def busiest_day(group: dict) -> dict:
    """The coming date with the most groups distributing: the heaviest printable sheets of a date."""
    today = local_today(group["timezone"])
    rows = await Distribution.select(Distribution.held_on).where(
        (Distribution.status == "planned") & (Distribution.held_on >= today))
    days: dict = {}
    for row in rows:
        days[row["held_on"]] = days.get(row["held_on"], 0) + 1
    day = max(sorted(days), key=days.get) if days else today
    return {"busiest_day": day.isoformat(), "busiest_day_groups": days.get(day, 0)}


async def member_ids(group: dict) -> dict:
    user = await User.select(User.id, User.household).where(User.email == "member@example.org").first()
    household = user["household"]
    subscription = await Subscription.select(Subscription.id).where(
        (Subscription.household == household) & (Subscription.status == "active")).order_by(Subscription.id).first()
    now = datetime.now(UTC)
    stops = await WindowStop.select(WindowStop.window).where(
        (WindowStop.group == group["id"]) & WindowStop.window.published_at.is_not_null()
        & WindowStop.window.closed_at.is_null() & (WindowStop.window.opens_at <= now)
        & (WindowStop.window.closes_at > now)).order_by(WindowStop.window)
    return {"subscription": subscription["id"], "open_window": stops[0]["window"] if stops else None}


async def farm_ids(group: dict) -> dict:
    farmer = await Farmer.select(Farmer.farm, Farmer.farm.slug.as_alias("slug")).where(
        Farmer.user.email == "farmer@example.org").first()
    producer = await Farmer.select(Farmer.farm).where(Farmer.user.email == "producer@example.org").first()
    window = await OrderWindow.select(OrderWindow.id).where(OrderWindow.farm == producer["farm"]).order_by(
        OrderWindow.id).first() if producer else None
    # The group's offer with the most subscriptions: the longest payments list.
    subscriptions = await Subscription.select(Subscription.offer).where(Subscription.offer.group == group["id"])
    counts: dict[int, int] = {}
    for row in subscriptions:
        counts[row["offer"]] = counts.get(row["offer"], 0) + 1
    offer = max(counts, key=counts.get) if counts else (await Offer.select(Offer.id).first())["id"]
    return {"farm_slug": farmer["slug"], "producer_window": window["id"] if window else None, "offer": offer}


def page_routes() -> list[str]:
    """Every GET route of the app, as declared (`/network/sheets/{day:date}`)."""
    from amap.app import create_app

    paths = set()
    for route in create_app().routes:
        if "GET" in getattr(route, "methods", set()):
            paths.add(route.path)
    return sorted(paths)


def printable_sheets_routes(paths: list[str]) -> list[str]:
    """Routes that print every group's sheets of one date (added by the Scale work; absent before)."""
    return [path for path in paths if "sheets" in path]


async def prepare() -> dict:
    if not is_sqlite():
        # Autovacuum would analyse the freshly loaded tables within a minute; do it now so every run
        # measures the same plans.
        await engine().run_ddl("ANALYZE")
    group = await largest_group()
    network = await Network.select(Network.slug).order_by(Network.id).first()
    paths = page_routes()
    member = await find_user_id("member@example.org")
    return {
        "group_slug": group["slug"], "group_households": group["households"],
        "network_slug": network["slug"] if network else None,
        **await distributions(group), **await busiest_day(group), **await member_ids(group), **await farm_ids(group),
        "farms": await Farm.count(),
        "api_token": await create_api_token(member, "performance measurement"),
        "routes": paths, "printable_sheets_routes": printable_sheets_routes(paths),
    }


async def main() -> None:
    await start_pool()
    try:
        print(json.dumps(await prepare()))
    finally:
        await close_pool()


if __name__ == "__main__":
    asyncio.run(main())
