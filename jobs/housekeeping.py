"""Housekeeping: removing what has expired (sessions, login counters, old job history)."""

from __future__ import annotations

import logging
from datetime import datetime

from amap.system.store import purge_expired
from jobs.runs import forget_old_runs

log = logging.getLogger("amap.jobs")


async def purge_expired_entries(now: datetime) -> int:
    """Delete expired sessions and rate-limit counters, and job runs older than a month.
    Safe to run twice: it only deletes."""
    removed = await purge_expired() + await forget_old_runs(now)
    log.info("purge_expired_entries removed %s rows", removed)
    return removed
