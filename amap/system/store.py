"""A Litestar store kept in the database, so every worker and instance shares sessions."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from litestar.stores.base import NamespacedStore

from amap.lib.db import utcnow
from amap.lib.prepared import prepared
from amap.system.tables import Counter, StoreEntry

# Read on every request (the session): its SQL is written once.
_ENTRY = prepared(lambda key: StoreEntry.select(StoreEntry.value, StoreEntry.expires_at).where(
    StoreEntry.key == key).first())


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return utcnow() + timedelta(seconds=seconds)


# A session's expiry slides with each request, but moving it by less than this is not worth a write.
RENEWAL_STEP = timedelta(minutes=10)
# What was read is trusted only this long: the request that read it is writing it back.
SEEN_FOR = timedelta(minutes=1)
SEEN_KEYS = 10_000


class DatabaseStore(NamespacedStore):
    """Litestar's session middleware writes the session back after every request, changed or not;
    this store skips that write when the value is the one just read and its expiry moved by less than
    RENEWAL_STEP, so reading a page costs one SELECT rather than a SELECT and a write (which would
    take SQLite's one write lock)."""

    # Shared by every namespace's store of the process, keyed by the full key: (value, expiry, read at).
    _seen: OrderedDict[str, tuple[bytes, datetime | None, datetime]] = OrderedDict()

    def __init__(self, namespace: str = "default") -> None:
        super().__init__()
        self.namespace = namespace

    def _remember(self, key: str, value: bytes, expires_at: datetime | None) -> None:
        full = self._key(key)
        self._seen[full] = (value, expires_at, utcnow())
        self._seen.move_to_end(full)
        if len(self._seen) > SEEN_KEYS:
            self._seen.popitem(last=False)

    def _unchanged(self, key: str, value: bytes, expires_at: datetime | None) -> bool:
        seen = self._seen.get(self._key(key))
        if seen is None or seen[0] != value or utcnow() - seen[2] > SEEN_FOR:
            return False
        if expires_at is None or seen[1] is None:
            return expires_at is None and seen[1] is None
        return expires_at - seen[1] < RENEWAL_STEP

    def with_namespace(self, namespace: str) -> DatabaseStore:
        return DatabaseStore(f"{self.namespace}:{namespace}")

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None, *,
                  user_id: int | None = None) -> bool:
        """Whether it wrote: False when the value is the one just read and its expiry barely moved.
        `user_id`: the session's logged-in user, which its value holds too (StoreEntry.user_id)."""
        data = value.encode() if isinstance(value, str) else value
        expires_at = _expiry(expires_in)
        if self._unchanged(key, data, expires_at):
            return False
        await StoreEntry.insert(
            StoreEntry(key=self._key(key), value=data, expires_at=expires_at, user_id=user_id)
        ).on_conflict(
            target=StoreEntry.key,
            action="DO UPDATE",
            values=[StoreEntry.value, StoreEntry.expires_at, StoreEntry.user_id],
        )
        self._remember(key, data, expires_at)
        return True

    async def get_with(self, key: str, read: prepared) -> tuple[bytes | None, list[dict]]:
        """What get() gives, and what `read` reads with it in the same statement: `read(key=...)` gives
        rows that each carry the entry's `entry_value` and `entry_expires_at` beside their own columns,
        none when there is no entry. No rows for an expired entry (deleted, as get() does)."""
        rows = await read(key=self._key(key))
        if not rows:
            return None, []
        value, expires_at = bytes(rows[0]["entry_value"]), rows[0]["entry_expires_at"]
        if expires_at is not None and expires_at <= utcnow():
            await self.delete(key)
            return None, []
        self._remember(key, value, expires_at)
        return value, rows

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = await _ENTRY(key=self._key(key))
        if row is None:
            return None
        if row["expires_at"] is not None and row["expires_at"] <= utcnow():
            await self.delete(key)
            return None
        if renew_for is not None and row["expires_at"] is not None:
            row["expires_at"] = _expiry(renew_for)
            await StoreEntry.update({StoreEntry.expires_at: row["expires_at"]}).where(
                StoreEntry.key == self._key(key)
            )
        self._remember(key, bytes(row["value"]), row["expires_at"])
        return bytes(row["value"])

    async def delete(self, key: str) -> None:
        self._seen.pop(self._key(key), None)
        await StoreEntry.delete().where(StoreEntry.key == self._key(key))

    async def delete_all(self) -> None:
        for full in [full for full in self._seen if full.startswith(f"{self.namespace}:")]:
            del self._seen[full]
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
