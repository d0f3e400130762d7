"""Running an import: every row checked and written in one transaction, kept only when all are right.

The preview and the import are the same run: the preview undoes it at the end, so what it shows
(a share filling up, a household's second adult) is exactly what importing would do, by the
same rules as the pages. The import runs again from the file, checks everything again (things may
have changed since the preview) and keeps the writes only when not one row has a problem.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from amap.audit import log as audit
from amap.imports.reading import Column, Row, Sheet
from amap.lib.db import engine, is_unique_violation, write_transaction
from amap.lib.i18n import _

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    group: dict
    by_user: int
    by_name: str
    today: date
    """The group's today: nothing imported happens after it."""
    commit: bool
    """False for the preview: everything is undone at the end."""
    invite: bool = False


@dataclass(frozen=True)
class Importer:
    code: str
    columns: tuple[Column, ...]
    apply: Callable[[Context, list[Row]], Awaitable[dict[str, int]]]
    """Check each row and write the right ones; returns the counts to show."""
    examples: Callable[[dict], Awaitable[list[dict[str, str]]]]
    """Example rows for the template file of a group."""
    check_columns: Callable[[Sheet], None] = lambda sheet: None
    """Raise FileProblem when the columns found cannot make a row (beyond the required ones)."""


@dataclass
class Outcome:
    sheet: Sheet
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> list[Row]:
        return self.sheet.rows

    @property
    def with_problems(self) -> list[Row]:
        return [row for row in self.rows if row.problems]

    @property
    def ready(self) -> bool:
        return not self.with_problems

    @property
    def to_import(self) -> int:
        return sum(1 for row in self.rows if not row.problems and not row.skipped)


class RowRefused(Exception):
    """A row the rules refuse; its message is the row's problem."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = str(message)


class _Undo(Exception):
    """Leaves the transaction with nothing kept."""


@asynccontextmanager
async def all_or_nothing() -> AsyncIterator[None]:
    """One write transaction, undone whole on any error. The savepoint makes it so also inside a
    transaction already open (the tests'), where piccolo's nested transaction is the outer one."""
    async with write_transaction() as transaction:
        savepoint = await transaction.savepoint()
        try:
            yield
        except BaseException:
            await savepoint.rollback_to()
            raise
        await savepoint.release()


async def attempt(row: Row, write: Callable[[], Awaitable[T]]) -> T | None:
    """Write one row inside a savepoint: a refusal becomes the row's problem and undoes that row only,
    so the rows after it are checked against a database without it."""
    transaction = engine().current_transaction.get()
    assert transaction is not None, "rows are written inside all_or_nothing()"
    savepoint = await transaction.savepoint()
    try:
        result = await write()
    except RowRefused as refusal:
        await savepoint.rollback_to()
        row.problems.append(refusal.message)
        return None
    except Exception as error:
        await savepoint.rollback_to()  # on PostgreSQL the transaction is unusable until then
        if not is_unique_violation(error):
            raise
        row.problems.append(_("Someone saved the same thing while the file was imported: upload it again."))
        return None
    await savepoint.release()
    return result


async def run(importer: Importer, context: Context, sheet: Sheet) -> Outcome:
    """Check and write every row; keep the writes only when importing and no row has a problem."""
    importer.check_columns(sheet)
    outcome = Outcome(sheet)
    try:
        with audit.recorded_as("import"):
            async with all_or_nothing():
                outcome.counts = await importer.apply(context, sheet.rows)
                if not context.commit or not outcome.ready:
                    raise _Undo
    except _Undo:
        pass
    return outcome


def duplicates(rows: Sequence[Row], key: Callable[[Row], object | None], message: Callable[[Row], str]) -> None:
    """Mark each row whose key (when not None) an earlier row has already, naming that row."""
    seen: dict[object, Row] = {}
    for row in rows:
        value = key(row)
        if value is None:
            continue
        if value in seen:
            row.problems.append(message(seen[value]))
        else:
            seen[value] = row
