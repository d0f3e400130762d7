"""Telling members about distribution days: this week's share, and the eve of each distribution.

Both run every quarter of an hour; each group's own clock decides whether its moment has come, and
the outbox keys make a second run (or one after a crash) store nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from amap.distributions import notices
from amap.notifications.outbox import message_groups
from amap.roster.notices import shifts_on

log = logging.getLogger("amap.jobs")


async def tell_published_shares(now: datetime) -> int:
    """Members of each contract learn what their share holds, once the farmer has posted it."""
    queued = 0
    for group in await message_groups():
        queued += await notices.tell_published_shares(group, now)
    log.info("tell_published_shares queued %s messages", queued)
    return queued


async def tell_distribution_eve(now: datetime) -> int:
    """From 17:00 the day before (the group's time): where, when and what to collect, and one's shift."""
    queued = 0
    for group in await message_groups():
        day = notices.eve_day(group["timezone"], now)
        if day is None:
            continue
        queued += await notices.tell_eve(group, now, await shifts_on(group["id"], day))
    log.info("tell_distribution_eve queued %s messages", queued)
    return queued
