from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-28T09:39:07:293156"
VERSION = "1.38.0"
DESCRIPTION = "Drop roster_event: reminders, alerts, invitations and swaps are told through the outbox"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="roster", description=DESCRIPTION
    )

    manager.drop_table(
        class_name="RosterEvent", tablename="roster_event", schema=None
    )

    return manager
