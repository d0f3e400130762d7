"""Housekeeping: removing what has expired (sessions, login counters)."""

from __future__ import annotations

import logging

from amap.system.store import purge_expired

log = logging.getLogger("amap.jobs")


async def purge_expired_entries() -> int:
    """Delete expired sessions and rate-limit counters. Safe to run twice: it only deletes."""
    removed = await purge_expired()
    log.info("purge_expired_entries removed %s rows", removed)
    return removed
