"""Payment messages: reminders to households and the treasurers' weekly digest."""

from __future__ import annotations

import logging
from datetime import datetime

from amap.groups.tables import Group
from amap.payments.notices import queue_digest, queue_reminders

log = logging.getLogger("amap.jobs")


async def send_payment_reminders(now: datetime) -> int:
    """Idempotent: one reminder per installment, stage and adult, whatever the number of runs."""
    queued = 0
    for group in await Group.select().order_by(Group.id):
        queued += await queue_reminders(group, now)
    log.info("send_payment_reminders queued %s messages", queued)
    return queued


async def send_payment_digests(now: datetime) -> int:
    """Idempotent: one digest per group, treasurer and ISO week."""
    queued = 0
    for group in await Group.select().order_by(Group.id):
        queued += await queue_digest(group, now)
    log.info("send_payment_digests queued %s messages", queued)
    return queued
