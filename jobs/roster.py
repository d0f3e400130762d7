"""Roster events for the notifications job: shift reminders and gap alerts to coordinators."""

from __future__ import annotations

import logging
from datetime import datetime

from amap.groups.tables import Group
from amap.lib.dates import local_today
from amap.roster.events import record_gap_alerts, record_reminders

log = logging.getLogger("amap.jobs")


async def record_roster_gap_alerts(now: datetime) -> int:
    """Idempotent: an alert's key holds its slot and day, so a second run the same day adds nothing."""
    added = 0
    for group in await Group.select(Group.id, Group.timezone):
        added += await record_gap_alerts(group["id"], local_today(group["timezone"], now))
    log.info("record_roster_gap_alerts recorded %s alerts", added)
    return added


async def record_shift_reminders(now: datetime) -> int:
    """Idempotent: one reminder per sign-up, whatever the number of runs."""
    added = 0
    for group in await Group.select(Group.id, Group.timezone):
        added += await record_reminders(group["id"], local_today(group["timezone"], now))
    log.info("record_shift_reminders recorded %s reminders", added)
    return added
