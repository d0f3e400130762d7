"""Piccolo's configuration: the database engine chosen by DATABASE_URL and the domain apps."""

from pathlib import Path

from piccolo.conf.apps import AppRegistry

from amap.lib.connections import HoldingPostgresEngine, HoldingSQLiteEngine
from amap.lib.settings import get_settings


def engine_from_url(url: str) -> HoldingSQLiteEngine | HoldingPostgresEngine:
    """Piccolo's engines, which run a request's queries on one connection (amap/lib/connections.py)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return HoldingSQLiteEngine(path=str(path), timeout=30)
    if url.startswith(("postgres://", "postgresql://")):
        return HoldingPostgresEngine(config={"dsn": url})
    raise ValueError(f"unsupported DATABASE_URL: {url!r} (use sqlite:///path or postgresql://...)")


DB = engine_from_url(get_settings().database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "amap.system.piccolo_app",
        "amap.accounts.piccolo_app",
        "amap.groups.piccolo_app",
        "amap.farms.piccolo_app",
        "amap.network.piccolo_app",
        "amap.contracts.piccolo_app",
        "amap.payments.piccolo_app",
        "amap.distributions.piccolo_app",
        "amap.roster.piccolo_app",
        "amap.notifications.piccolo_app",
        "amap.orders.piccolo_app",
        "amap.audit.piccolo_app",
    ]
)
