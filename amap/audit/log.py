"""Writing the audit log. Domain functions call `record()` inside the transaction of the change they
describe, so a change and its record are saved together or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from amap.audit.tables import AuditEvent
from amap.lib.db import utcnow

KINDS = ("payment", "remittance", "subscription", "amendment", "compensation", "membership", "coordinator",
         "referent", "farmer", "delivery", "distribution", "order")
"""The kinds of object the log speaks of; the pages refuse any other."""


_source: ContextVar[str] = ContextVar("audit_source", default="")


@contextmanager
def recorded_as(source: str) -> Iterator[None]:
    """Mark every event recorded inside as coming from `source` ("import"): the same service
    functions run for a CSV import as for the pages, and the history says which it was."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def _plain(value: Any) -> Any:
    """Details as JSON can hold them: dates and times as ISO text, lazy texts as text."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


async def record(*, group: int | None, kind: str, subject_id: int, action: str, actor: int | None,
                 details: dict[str, Any] | None = None, parent: tuple[str, int] | None = None,
                 at: datetime | None = None) -> int:
    """Write one event; call it inside the change's own transaction. `actor` is None for jobs and
    the system; `parent` names the object the subject belongs to (("subscription", 12) for a payment)."""
    assert kind in KINDS, kind
    assert parent is None or parent[0] in KINDS, parent
    if _source.get():
        details = {**(details or {}), "source": _source.get()}
    rows = await AuditEvent.insert(AuditEvent(
        group=group, subject_kind=kind, subject_id=subject_id, action=action, actor=actor,
        details=_plain(details or {}), parent_kind=parent[0] if parent else "",
        parent_id=parent[1] if parent else None, at=at or utcnow(),
    )).returning(AuditEvent.id)
    return rows[0]["id"]
