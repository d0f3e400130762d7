"""One active absence per household and distribution, enforced by the database.

A partial unique index (both SQLite and PostgreSQL have them): two declarations sent at the
same moment cannot both be saved; withdrawn absences stay as history and do not count.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-28T08:20:42:005140"
VERSION = "1.38.0"
DESCRIPTION = "one active absence per household and distribution"


class RawSQL(Table):
    """A table that is never created: only its engine is used to run the statements below."""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="distributions", description=DESCRIPTION)

    async def create_index():
        await RawSQL.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS absence_one_active ON absence (household, distribution) "
            "WHERE withdrawn_at IS NULL"
        )

    async def drop_index():
        await RawSQL.raw("DROP INDEX IF EXISTS absence_one_active")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
