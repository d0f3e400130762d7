"""Test session set-up: a fresh database (SQLite, or PostgreSQL with AMAP_TEST_DB=postgres),
migrated once; each test runs inside a transaction that is rolled back."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile

import pytest

_state: dict = {}


def pytest_configure(config: pytest.Config) -> None:
    # Everything below must happen before any amap module is imported: the engine is
    # chosen when the tables are defined.
    tmp = tempfile.mkdtemp(prefix="amap-tests-")
    _state["tmp"] = tmp
    os.environ["AMAP_DATA_DIR"] = tmp
    os.environ["AMAP_SECRET"] = "test-secret-not-for-production-0123456789"
    os.environ["AMAP_PASSWORD_PROFILE"] = "cheapest"
    os.environ["AMAP_BASE_URL"] = "http://testserver"
    os.environ.pop("AMAP_DEBUG", None)
    if os.environ.get("AMAP_TEST_DB") == "postgres":
        from tests.pg import start_cluster

        _state["cluster"] = cluster = start_cluster()
        os.environ["DATABASE_URL"] = cluster.url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/test.sqlite"
    if config.getoption("markexpr", "") == "browser":
        return  # browser tests start their own server on their own database
    from amap.lib.db import migrate

    asyncio.run(migrate())


def pytest_unconfigure(config: pytest.Config) -> None:
    if cluster := _state.pop("cluster", None):
        cluster.stop()
    if tmp := _state.pop("tmp", None):
        shutil.rmtree(tmp, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    engine = "postgres" if os.environ.get("AMAP_TEST_DB") == "postgres" else "sqlite"
    for item in items:
        other = "sqlite_only" if engine == "postgres" else "postgres_only"
        if item.get_closest_marker(other):
            item.add_marker(pytest.mark.skip(reason=f"checks {other.removesuffix('_only')} behaviour; this run is {engine}"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"amap database: {os.environ.get('DATABASE_URL', '?').split('@')[-1]}"
