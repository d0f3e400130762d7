"""Piccolo app for farms."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="farms",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["amap.farms.tables"], exclude_imported=True),
    migration_dependencies=["amap.groups.piccolo_app"],
)
