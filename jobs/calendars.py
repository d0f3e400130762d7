"""Keeping the distribution calendar in step with the published contracts."""

from __future__ import annotations

import logging
from datetime import datetime

from amap.distributions.calendar import sync_all

log = logging.getLogger("amap.jobs")


async def sync_distribution_calendars(now: datetime) -> int:
    """Idempotent: only missing distributions and deliveries are created."""
    added = await sync_all()
    log.info("sync_distribution_calendars added %s deliveries", added)
    return added
