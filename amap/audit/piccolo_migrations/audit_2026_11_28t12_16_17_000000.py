"""An object's history is read by its subject, or by its parent (a subscription's payments): one
index for each pair."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-28T12:16:17:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event subject and parent indexes"


class RawSQL(Table):
    """A table that is never created: only its engine is used to run the statements below."""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def create_indexes():
        await RawSQL.raw("CREATE INDEX IF NOT EXISTS audit_event_subject ON audit_event (subject_kind, subject_id)")
        await RawSQL.raw("CREATE INDEX IF NOT EXISTS audit_event_parent ON audit_event (parent_kind, parent_id)")

    async def drop_indexes():
        for name in ("audit_event_subject", "audit_event_parent"):
            await RawSQL.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
