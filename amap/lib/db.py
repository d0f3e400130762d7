"""Database helpers that hide the differences between SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime

from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType


def engine() -> Engine:
    found = engine_finder()
    assert found is not None, "amap.piccolo_conf defines DB"
    return found


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def write_transaction():
    """A transaction for read-then-write work.

    IMMEDIATE on SQLite: a DEFERRED transaction that reads and then writes is refused the
    lock upgrade under concurrency ("database is locked"), whatever the busy timeout.
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def utcnow() -> datetime:
    """Aware UTC now: naive datetimes are read differently by the two engines."""
    return datetime.now(UTC)


def is_unique_violation(error: BaseException) -> bool:
    """A unique constraint refused the write (two requests raced for the same row)."""
    import sqlite3

    if isinstance(error, sqlite3.IntegrityError):
        return "UNIQUE" in str(error)
    return type(error).__name__ == "UniqueViolationError"  # asyncpg, without importing it on SQLite


async def database_ok() -> bool:
    try:
        rows = await engine().run_ddl("SELECT 1 AS ok")
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    return bool(rows) and rows[0]["ok"] == 1


async def _keep_session(_connection: object) -> None:
    """Give a connection back to the pool as it is. asyncpg's default reset sends one more statement
    (RESET ALL, UNLISTEN *, CLOSE ALL, advisory unlock) after every query Piccolo runs, doubling the
    round trips; the app sets no session state on pooled connections (the scheduler's advisory lock
    has a connection of its own), and asyncpg still rolls back a transaction left open."""


async def start_pool() -> None:
    if not is_sqlite():
        await engine().start_connection_pool(reset=_keep_session)


async def close_pool() -> None:
    if not is_sqlite():
        await engine().close_connection_pool()


async def migrate() -> None:
    """Apply every pending migration of every app, in dependency order."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    if is_sqlite():
        # WAL lets readers go on while one writer works; the setting persists in the file.
        await engine().run_ddl("PRAGMA journal_mode=WAL")
    report = io.StringIO()
    with contextlib.redirect_stdout(report):  # piccolo prints a banner per app; keep it for failures
        response = await run_forwards("all", fake=False)
    if not response.success:
        raise RuntimeError(f"migrations failed: {response.message}\n{report.getvalue()}")


async def delete_all_rows() -> None:
    """Empty every table of every app, children first (for `amap demo --force` and tests)."""
    from piccolo.conf.apps import Finder
    from piccolo.table import sort_table_classes

    for table in reversed(sort_table_classes(Finder().get_table_classes())):
        await table.delete(force=True)
