"""A Litestar store kept in the database, so every worker and instance shares sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from litestar.stores.base import NamespacedStore

from amap.lib.db import utcnow
from amap.system.tables import Counter, StoreEntry


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return utcnow() + timedelta(seconds=seconds)


class DatabaseStore(NamespacedStore):
    def __init__(self, namespace: str = "default") -> None:
        super().__init__()
        self.namespace = namespace

    def with_namespace(self, namespace: str) -> DatabaseStore:
        return DatabaseStore(f"{self.namespace}:{namespace}")

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        await StoreEntry.insert(
            StoreEntry(key=self._key(key), value=data, expires_at=_expiry(expires_in))
        ).on_conflict(
            target=StoreEntry.key,
            action="DO UPDATE",
            values=[StoreEntry.value, StoreEntry.expires_at],
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = await StoreEntry.select(StoreEntry.value, StoreEntry.expires_at).where(
            StoreEntry.key == self._key(key)
        ).first()
        if row is None:
            return None
        if row["expires_at"] is not None and row["expires_at"] <= utcnow():
            await self.delete(key)
            return None
        if renew_for is not None and row["expires_at"] is not None:
            await StoreEntry.update({StoreEntry.expires_at: _expiry(renew_for)}).where(
                StoreEntry.key == self._key(key)
            )
        return bytes(row["value"])

    async def delete(self, key: str) -> None:
        await StoreEntry.delete().where(StoreEntry.key == self._key(key))

    async def delete_all(self) -> None:
        await StoreEntry.delete().where(StoreEntry.key.like(f"{self.namespace}:%"))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await StoreEntry.select(StoreEntry.expires_at).where(StoreEntry.key == self._key(key)).first()
        if row is None or row["expires_at"] is None:
            return None
        return max(0, int((row["expires_at"] - utcnow()).total_seconds()))


async def purge_expired() -> int:
    """Delete expired store entries and counters; returns how many rows went."""
    now = utcnow()
    entries = await StoreEntry.delete().where(StoreEntry.expires_at < now).returning(StoreEntry.id)
    counters = await Counter.delete().where(Counter.expires_at < now).returning(Counter.id)
    return len(entries) + len(counters)


async def increment(key: str, window: timedelta) -> int:
    """Add one to the counter of the current fixed window and return its new value.

    One statement (upsert) so concurrent failures on several workers are all counted.
    """
    now = utcnow()
    bucket = int(now.timestamp() // window.total_seconds())
    full_key = f"{key}:{bucket}"
    rows = await Counter.raw(
        "INSERT INTO counter (key, count, expires_at) VALUES ({}, 1, {}) "
        "ON CONFLICT (key) DO UPDATE SET count = counter.count + 1 RETURNING count",
        full_key,
        now + window,
    )
    return rows[0]["count"]


async def current(key: str, window: timedelta) -> int:
    bucket = int(utcnow().timestamp() // window.total_seconds())
    row = await Counter.select(Counter.count).where(Counter.key == f"{key}:{bucket}").first()
    return row["count"] if row else 0
