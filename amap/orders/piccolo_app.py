"""Piccolo app for one-off orders: producers' catalogs, order windows, orders and their payments."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="orders",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["amap.orders.tables"], exclude_imported=True),
    migration_dependencies=["amap.notifications.piccolo_app", "amap.network.piccolo_app"],
)
