"""Bulk inserts for the large demo: many rows per statement, in chunks both engines accept."""

from __future__ import annotations

from collections.abc import Sequence

from piccolo.table import Table

MAX_ROWS = 500
MAX_VARIABLES = 8000  # SQLite allows 32,766 bound variables per statement, asyncpg 32,767: stay well below


def chunk_size(table: type[Table]) -> int:
    """Rows per INSERT: 500, fewer for wide tables."""
    return max(1, min(MAX_ROWS, MAX_VARIABLES // len(table._meta.columns)))


async def insert(table: type[Table], rows: Sequence[Table]) -> None:
    size = chunk_size(table)
    for start in range(0, len(rows), size):
        await table.insert(*rows[start:start + size])


async def insert_ids(table: type[Table], rows: Sequence[Table]) -> list[int]:
    """Insert and return the new ids in the order of `rows`.

    Both engines number a multi-row INSERT in the order of its VALUES; RETURNING may list them in
    any order, so each chunk's ids are sorted back into place.
    """
    ids: list[int] = []
    size = chunk_size(table)
    for start in range(0, len(rows), size):
        returned = await table.insert(*rows[start:start + size]).returning(table.id)
        ids.extend(sorted(row["id"] for row in returned))
    return ids
