"""Piccolo app for the audit log."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["amap.audit.tables"], exclude_imported=True),
    migration_dependencies=["amap.accounts.piccolo_app", "amap.groups.piccolo_app"],
)
