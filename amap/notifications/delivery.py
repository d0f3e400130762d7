"""Sending what the outbox holds: one message at a time, marked before and after, retried with back-off.

A message is claimed (queued -> sending) in its own short transaction before it is handed to
the SMTP server, and marked sent right after the server accepted it. A worker killed in
between leaves it "sending"; the next scheduler holder puts those back in the queue. The only
window for a second copy is the instant between the server's acceptance and the commit, and
the message keeps the same Message-ID so a receiving server can drop it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from amap.lib.db import utcnow
from amap.lib.settings import get_settings
from amap.notifications.tables import OutboxMessage
from amap.notifications.transport import SendError, Transport, build_message

log = logging.getLogger("amap.mail")

BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720, 1440)]
"""Waits between attempts; after the last one a message is marked failed and shown to the admin."""


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries, or None when it is time to give up."""
    return now + BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else None


async def claim(message_id: int, holder: str) -> bool:
    """Take one queued message for sending; False when another sender took it first."""
    rows = await OutboxMessage.update({OutboxMessage.status: "sending", OutboxMessage.claimed_by: holder}).where(
        (OutboxMessage.id == message_id) & (OutboxMessage.status == "queued")).returning(OutboxMessage.id)
    return bool(rows)


async def record_failure(row: dict, error: SendError, now: datetime) -> None:
    attempts = row["attempts"] + 1
    retry_at = None if error.permanent else next_attempt(attempts, now)
    await OutboxMessage.update({
        OutboxMessage.status: "queued" if retry_at else "failed",
        OutboxMessage.attempts: attempts,
        OutboxMessage.next_attempt_at: retry_at or now,
        OutboxMessage.last_error: str(error)[:2000],
        OutboxMessage.claimed_by: "",
    }).where(OutboxMessage.id == row["id"])
    log.warning("mail %s to %s not sent (attempt %s): %s", row["key"], row["to_address"], attempts, error)


async def deliver_due(transport: Transport, holder: str, now: datetime | None = None, limit: int = 200) -> int:
    """Send the queued messages whose time has come; returns how many were accepted."""
    now = now or utcnow()
    due = await OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now)
    ).order_by(OutboxMessage.id).limit(limit)
    if not due:
        return 0
    sender = get_settings().mail_from
    sent = 0
    try:
        async with transport.session() as session:
            for item in due:
                if not await claim(item["id"], holder):
                    continue
                row = await OutboxMessage.select().where(OutboxMessage.id == item["id"]).first()
                try:
                    await session.send(build_message(row, sender))
                except SendError as error:
                    await record_failure(row, error, now)
                    if error.connection:
                        break  # the server is gone: the others wait for the next run
                    continue
                await OutboxMessage.update({OutboxMessage.status: "sent", OutboxMessage.sent_at: utcnow(),
                                            OutboxMessage.attempts: row["attempts"] + 1,
                                            OutboxMessage.claimed_by: ""}).where(OutboxMessage.id == row["id"])
                sent += 1
    except SendError as error:  # could not even connect: nothing was claimed
        log.warning("outbox: %s", error)
    return sent


async def requeue_abandoned(holder: str) -> int:
    """Messages a previous scheduler holder claimed and never finished go back in the queue."""
    rows = await OutboxMessage.update({OutboxMessage.status: "queued", OutboxMessage.claimed_by: ""}).where(
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_by != holder)).returning(OutboxMessage.id)
    return len(rows)


async def _requeue_failed(where) -> int:
    rows = await OutboxMessage.update({
        OutboxMessage.status: "queued", OutboxMessage.attempts: 0, OutboxMessage.next_attempt_at: utcnow(),
        OutboxMessage.last_error: "",
    }).where((OutboxMessage.status == "failed") & where).returning(OutboxMessage.id)
    return len(rows)


async def retry(message_id: int) -> bool:
    """The admin's retry button: a failed message is queued again, now."""
    return bool(await _requeue_failed(OutboxMessage.id == message_id))


async def retry_all_failed() -> int:
    """Every failed message queued again (after the SMTP settings were fixed, say); returns how many."""
    return await _requeue_failed(OutboxMessage.id > 0)
