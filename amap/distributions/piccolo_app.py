"""Piccolo app for distributions."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="distributions",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["amap.distributions.tables"], exclude_imported=True),
    migration_dependencies=["amap.contracts.piccolo_app"],
)
