"""Only one scheduler per database: whoever holds the lease runs the jobs, the others wait.

PostgreSQL: a session advisory lock on a connection kept open for as long as this process
holds it; if the process dies the server drops the connection and the lock with it, so another
takes over at its next try. SQLite has no such lock: a row with an expiry date is the lease,
renewed well before it expires and taken over once it has.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta
from typing import Protocol

from amap.lib.db import is_sqlite, utcnow
from amap.lib.settings import get_settings
from amap.system.tables import SchedulerLease

log = logging.getLogger("amap.scheduler")

LEASE_NAME = "scheduler"
ADVISORY_KEY = 0x616D6170  # "amap": the one advisory lock this application takes

HOLDER = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
"""This process, as named in the lease and in the outbox rows it claims."""


class Lease(Protocol):
    holder: str

    async def acquire(self) -> bool: ...

    async def renew(self) -> bool: ...

    async def release(self) -> None: ...


async def _ensure_row() -> None:
    await SchedulerLease.insert(SchedulerLease(name=LEASE_NAME)).on_conflict(
        target=SchedulerLease.name, action="DO NOTHING")


class RowLease:
    """SQLite: the row is the lock. `ttl` is how long a silent holder keeps it."""

    def __init__(self, holder: str = HOLDER, ttl: timedelta = timedelta(seconds=30)) -> None:
        self.holder, self.ttl = holder, ttl

    async def acquire(self) -> bool:
        await _ensure_row()
        now = utcnow()
        rows = await SchedulerLease.update({
            SchedulerLease.holder: self.holder, SchedulerLease.acquired_at: now,
            SchedulerLease.expires_at: now + self.ttl,
        }).where((SchedulerLease.name == LEASE_NAME) & (
            SchedulerLease.expires_at.is_null() | (SchedulerLease.expires_at < now) | (SchedulerLease.holder == ""))
        ).returning(SchedulerLease.id)
        return bool(rows)

    async def renew(self) -> bool:
        now = utcnow()
        rows = await SchedulerLease.update({SchedulerLease.expires_at: now + self.ttl}).where(
            (SchedulerLease.name == LEASE_NAME) & (SchedulerLease.holder == self.holder)
        ).returning(SchedulerLease.id)
        return bool(rows)

    async def release(self) -> None:
        await SchedulerLease.update({SchedulerLease.holder: "", SchedulerLease.expires_at: None}).where(
            (SchedulerLease.name == LEASE_NAME) & (SchedulerLease.holder == self.holder))


class AdvisoryLease:
    """PostgreSQL: pg_try_advisory_lock on a dedicated connection; the row only informs the admin page."""

    def __init__(self, holder: str = HOLDER, ttl: timedelta = timedelta(seconds=30)) -> None:
        self.holder, self.ttl = holder, ttl
        self.connection = None

    async def acquire(self) -> bool:
        import asyncpg

        if self.connection is None:
            self.connection = await asyncpg.connect(get_settings().database_url)
        if not await self.connection.fetchval("SELECT pg_try_advisory_lock($1)", ADVISORY_KEY):
            return False
        await _ensure_row()
        now = utcnow()
        await SchedulerLease.update({SchedulerLease.holder: self.holder, SchedulerLease.acquired_at: now,
                                     SchedulerLease.expires_at: now + self.ttl}).where(
            SchedulerLease.name == LEASE_NAME)
        return True

    async def renew(self) -> bool:
        try:
            await self.connection.fetchval("SELECT 1")
        except Exception:  # noqa: BLE001 - a lost connection means a lost lock
            log.exception("scheduler lock connection lost")
            self.connection = None
            return False
        await SchedulerLease.update({SchedulerLease.expires_at: utcnow() + self.ttl}).where(
            (SchedulerLease.name == LEASE_NAME) & (SchedulerLease.holder == self.holder))
        return True

    async def release(self) -> None:
        if self.connection is None:
            return
        try:
            await SchedulerLease.update({SchedulerLease.holder: "", SchedulerLease.expires_at: None}).where(
                (SchedulerLease.name == LEASE_NAME) & (SchedulerLease.holder == self.holder))
            await self.connection.execute("SELECT pg_advisory_unlock_all()")
        finally:
            await self.connection.close()
            self.connection = None


def lease_for_database(ttl: timedelta = timedelta(seconds=30)) -> Lease:
    return RowLease(ttl=ttl) if is_sqlite() else AdvisoryLease(ttl=ttl)
