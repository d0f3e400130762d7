"""`amap demo --size large`: a regional network to measure the app against (20 groups, 60 producers,
5,000 households, 8,000 subscriptions, a season of 26 distributions half gone, two order windows
with 10,000 order lines), written by bulk inserts in one transaction in well under two minutes.

Every run with the same scale, seed and date builds the same data. The demo logins of the small
demo work here too: member@ and coordinator@ in the largest group, farmer@ at the largest farm.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date

from faker import Faker

from amap.demo import DEMO_PASSWORD
from amap.demo_large.days import load_days
from amap.demo_large.orders import load_orders
from amap.demo_large.people import load_people
from amap.demo_large.receipts import insert_payments
from amap.demo_large.roster import load_roster
from amap.demo_large.season import create_offers, insert_subscriptions
from amap.demo_large.world import Scale, World, at
from amap.lib.dates import local_today
from amap.lib.db import utcnow, write_transaction
from amap.lib.security import hash_password

__all__ = ["LOGINS", "Report", "Scale", "load_large_demo", "row_counts"]

SEED = 2026
LOGINS = {
    "member@example.org": "member of the largest group (AMAP des Lilas)",
    "coordinator@example.org": "coordinator of the largest group",
    "farmer@example.org": "the largest farm (vegetables for three groups)",
    "network@example.org": "network coordinator",
    "producer@example.org": "producer (one-off orders for the whole network)",
    "admin@example.org": "site administrator",
}


@dataclass(frozen=True)
class Report:
    seconds: float
    counts: dict[str, int]  # table name -> rows


async def load_large_demo(scale: Scale | None = None, *, today: date | None = None, seed: int = SEED) -> Report:
    """Build the network into an empty database; `scale` smaller than the default for tests."""
    started = time.perf_counter()
    now = utcnow() if today is None else at(today, 12)  # a fixed date (tests): noon that day
    today = today or local_today()
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    world = World(scale=scale or Scale(), today=today, now=now, rng=random.Random(seed), fake=fake,
                  password_hash=await hash_password(DEMO_PASSWORD))
    async with write_transaction():
        await load_people(world)
        await create_offers(world)
        await insert_subscriptions(world)
        await insert_payments(world)
        await load_days(world)
        await load_roster(world)
        await load_orders(world)
    return Report(seconds=time.perf_counter() - started, counts=await row_counts())


async def row_counts() -> dict[str, int]:
    """Rows per table holding any, in the apps' order."""
    from piccolo.conf.apps import Finder

    counts = {}
    for table in Finder().get_table_classes():
        name = table._meta.tablename  # not table.count(): some tables have a column of that name
        rows = (await table.raw(f'SELECT COUNT(*) AS n FROM "{name}"'))[0]["n"]
        if rows:
            counts[name] = rows
    return counts
