"""Piccolo app for the roster."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="roster",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["amap.roster.tables"], exclude_imported=True),
    migration_dependencies=["amap.distributions.piccolo_app"],
)
