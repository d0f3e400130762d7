"""Piccolo app for notifications: the outbox, preferences, group wording and group messages."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["amap.notifications.tables"], exclude_imported=True),
    migration_dependencies=["amap.roster.piccolo_app"],
)
