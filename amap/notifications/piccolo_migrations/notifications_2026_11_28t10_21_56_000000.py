"""One opt-out per member and kind, one wording per group, kind and language, enforced by the database."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-28T10:21:56:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique opt-outs and wordings"


class RawSQL(Table):
    """A table that is never created: only its engine is used to run the statements below."""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="notifications", description=DESCRIPTION)

    async def create_indexes():
        await RawSQL.raw("CREATE UNIQUE INDEX IF NOT EXISTS opt_out_once ON notification_opt_out (\"user\", kind)")
        await RawSQL.raw("CREATE UNIQUE INDEX IF NOT EXISTS wording_once ON message_wording (\"group\", kind, language)")

    async def drop_indexes():
        await RawSQL.raw("DROP INDEX IF EXISTS opt_out_once")
        await RawSQL.raw("DROP INDEX IF EXISTS wording_once")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
