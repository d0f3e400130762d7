"""The committee's history is read newest first, 50 lines a page, for one group and optionally one
kind of object: an index for each, in that order, so a page far down reads only its own lines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-28T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event indexes for the paged history"


class RawSQL(Table):
    """A table that is never created: only its engine is used to run the statements below."""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def create_indexes():
        await RawSQL.raw('CREATE INDEX IF NOT EXISTS audit_event_group_at ON audit_event ("group", at, id)')
        await RawSQL.raw('CREATE INDEX IF NOT EXISTS audit_event_group_kind_at ON audit_event '
                         '("group", subject_kind, at, id)')

    async def drop_indexes():
        for name in ("audit_event_group_at", "audit_event_group_kind_at"):
            await RawSQL.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
