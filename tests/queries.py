"""Counting the statements sent to the database, for tests that a page reads it a fixed number of times."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from amap.groups.tables import Group
from amap.lib.db import engine


@contextmanager
def counted_queries() -> Iterator[list[int]]:
    """The number of statements sent to the database while the block runs, in `[0]`.

    Every Piccolo query (select, insert, raw, …) goes through its engine's `run_querystring`, and
    DDL through `run_ddl`. The tables hold the very engine `amap.lib.db.engine()` returns (asserted
    below), so wrapping these two methods sees everything a request does, in a transaction or not,
    on SQLite and PostgreSQL alike. Piccolo's engines have `__slots__`, so the methods are wrapped on
    the engine's class (one engine per run) and put back afterwards, whatever happens."""
    db = engine()
    assert Group._meta.db is db
    cls, count = type(db), [0]
    originals = {name: getattr(cls, name) for name in ("run_querystring", "run_ddl")}

    def counting(original):
        async def run(self, *args, **kwargs):
            count[0] += 1
            return await original(self, *args, **kwargs)
        return run

    for name, original in originals.items():
        setattr(cls, name, counting(original))
    try:
        yield count
    finally:
        for name, original in originals.items():
            setattr(cls, name, original)
