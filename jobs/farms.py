"""The farmers' weekly digest."""

from __future__ import annotations

import logging
from datetime import datetime

from amap.farms.notices import farms_to_tell, queue_farm_digest

log = logging.getLogger("amap.jobs")


async def send_farm_digests(now: datetime) -> int:
    """Idempotent: one digest per farm, farmer and ISO week."""
    queued = 0
    for farm in await farms_to_tell():
        queued += await queue_farm_digest(farm, now)
    log.info("send_farm_digests queued %s messages", queued)
    return queued
