"""One order per household and window, one line per product of an order, one stop per group of a
window: enforced by the database, so two requests at once cannot make duplicates."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-28T10:24:17:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique orders, lines and stops"


class RawSQL(Table):
    """A table that is never created: only its engine is used to run the statements below."""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="orders", description=DESCRIPTION)

    async def create_indexes():
        await RawSQL.raw("CREATE UNIQUE INDEX IF NOT EXISTS order_once ON order_placed (\"window\", household)")
        await RawSQL.raw("CREATE UNIQUE INDEX IF NOT EXISTS order_line_once ON order_line (\"order\", window_product)")
        await RawSQL.raw("CREATE UNIQUE INDEX IF NOT EXISTS window_stop_once ON order_window_stop (\"window\", \"group\")")

    async def drop_indexes():
        for name in ("order_once", "order_line_once", "window_stop_once"):
            await RawSQL.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
