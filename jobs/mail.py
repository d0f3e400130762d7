"""Sending the outbox."""

from __future__ import annotations

from datetime import datetime

from amap.lib.settings import get_settings
from amap.notifications.delivery import deliver_due
from amap.notifications.transport import transport_for
from jobs.lease import HOLDER


async def deliver_outbox(now: datetime) -> int:
    return await deliver_due(transport_for(get_settings()), HOLDER, now)
