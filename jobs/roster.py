"""Telling volunteers and coordinators about the roster: shift reminders and the daily gap digest.

Both run every quarter of an hour and act from a given hour of each group's own clock; the outbox
keys make a second run store nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from amap.notifications.outbox import message_groups
from amap.roster import notices

log = logging.getLogger("amap.jobs")


async def send_shift_reminders(now: datetime) -> int:
    """From 9:00, a reminder for each shift held within two days, once per sign-up."""
    queued = 0
    for group in await message_groups():
        queued += await notices.remind_shifts(group, now)
    log.info("send_shift_reminders queued %s reminders", queued)
    return queued


async def send_roster_gap_alerts(now: datetime) -> int:
    """From 8:00, one digest a day per coordinator of the coming week's free places."""
    queued = 0
    for group in await message_groups():
        queued += await notices.alert_gaps(group, now)
    log.info("send_roster_gap_alerts queued %s digests", queued)
    return queued
