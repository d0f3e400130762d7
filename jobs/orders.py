"""One-off orders: closing windows when their time is up, and the messages about windows."""

from __future__ import annotations

import logging
from datetime import datetime

from amap.orders.notices import (
    closing_windows,
    open_windows,
    queue_picking,
    queue_receipts,
    queue_window_closing,
    queue_window_open,
)
from amap.orders.windows import close_window, due_windows, recently_closed

log = logging.getLogger("amap.jobs")


async def close_order_windows(now: datetime) -> int:
    """Lock the orders of every window whose closing time has passed, then send the picking lists to
    the farmers and a receipt to each household. Idempotent: closing keeps the first `closed_at`,
    and the outbox keys (window or order, and person) store each message once. Windows closed in
    the last two days are looked at again, so a run stopped between closing and sending is made up."""
    for window_id in await due_windows(now):
        locked = await close_window(window_id, now)
        log.info("order window %s closed, %s orders locked", window_id, locked)
    queued = 0
    for window_id in await recently_closed(now):
        queued += await queue_picking(window_id)
        queued += await queue_receipts(window_id)
    log.info("close_order_windows queued %s messages", queued)
    return queued


async def tell_order_windows(now: datetime) -> int:
    """Tell the members of the groups served that a window is open, and, the day before it closes,
    those whose household has not ordered. Idempotent: one message per window, kind and person."""
    queued = 0
    for window_id in await open_windows(now):
        queued += await queue_window_open(window_id)
    for window_id in await closing_windows(now):
        queued += await queue_window_closing(window_id)
    log.info("tell_order_windows queued %s messages", queued)
    return queued
