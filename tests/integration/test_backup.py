"""`amap backup` and `amap restore`, run as a user would run them, on their own databases."""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.integration.test_cli import amap


def sqlite_snapshot(path: Path) -> dict:
    """Row count of every table, and a few values a restore must bring back exactly."""
    with sqlite3.connect(path) as database:
        tables = [name for [name] in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {name: database.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
        users = database.execute("SELECT email, name, password_hash FROM app_user ORDER BY id").fetchall()
        payments = database.execute("SELECT * FROM payment ORDER BY id").fetchall()
    return {"counts": counts, "users": users, "payments": payments}


def test_sqlite_round_trip_brings_back_every_row(tmp_path):
    assert amap(tmp_path, "demo").returncode == 0
    database = tmp_path / "amap.sqlite"
    before = sqlite_snapshot(database)
    assert before["counts"]["payment"] > 0 and before["counts"]["subscription"] > 0

    made = amap(tmp_path, "backup")
    assert made.returncode == 0, made.stderr
    [backup] = (tmp_path / "backups").glob("amap-*.sqlite")
    assert backup.name[len("amap-"):-len(".sqlite")].replace("-", "").isdigit()  # amap-YYYYMMDD-HHMMSS
    assert str(backup) in made.stdout
    assert backup.stat().st_mode & 0o077 == 0  # it holds password hashes
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")
    assert [p.name for p in backup.parent.iterdir()] == [backup.name]  # no draft left behind

    with sqlite3.connect(database) as live:
        live.execute("DELETE FROM payment")
        live.execute("DELETE FROM subscription")
        live.execute("UPDATE app_user SET name = 'changed'")
    assert sqlite_snapshot(database) != before

    restored = amap(tmp_path, "restore", "--yes", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout and "migrations applied" in restored.stdout
    assert sqlite_snapshot(database) == before
    assert "all applied" in amap(tmp_path, "check").stdout


def test_backup_to_a_chosen_folder_or_file(tmp_path):
    assert amap(tmp_path, "migrate").returncode == 0
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert amap(tmp_path, "backup", str(folder)).returncode == 0
    assert len(list(folder.glob("amap-*.sqlite"))) == 1
    chosen = tmp_path / "nightly.sqlite"
    assert amap(tmp_path, "backup", str(chosen)).returncode == 0
    assert amap(tmp_path, "backup", str(chosen)).returncode == 0  # replaced whole, not appended to
    assert sqlite3.connect(chosen).execute("PRAGMA quick_check").fetchone() == ("ok",)


def test_restore_refuses_a_missing_file_a_wrong_kind_and_an_unconfirmed_request(tmp_path):
    assert amap(tmp_path, "demo").returncode == 0
    database = tmp_path / "amap.sqlite"
    before = sqlite_snapshot(database)

    missing = amap(tmp_path, "restore", "--yes", str(tmp_path / "nope.sqlite"))
    assert missing.returncode != 0 and "No backup file" in missing.stderr

    dump = tmp_path / "amap.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    wrong = amap(tmp_path, "restore", "--yes", str(dump))
    assert wrong.returncode != 0 and "PostgreSQL dump" in wrong.stderr and "SQLite" in wrong.stderr
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    assert "not a SQLite database" in amap(tmp_path, "restore", "--yes", str(text)).stderr

    assert amap(tmp_path, "backup").returncode == 0
    [backup] = (tmp_path / "backups").glob("amap-*.sqlite")
    with sqlite3.connect(database) as live:
        live.execute("DELETE FROM payment")
    declined = amap(tmp_path, "restore", str(backup), input="n\n")
    assert declined.returncode != 0 and "Replace everything" in declined.stdout
    assert sqlite_snapshot(database)["counts"]["payment"] == 0  # left as it was
    assert sqlite_snapshot(database) != before


def amap_on(url: str, tmp_path: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMAP_", "DATABASE_URL"))}
    env |= {"AMAP_DATA_DIR": str(tmp_path), "AMAP_PASSWORD_PROFILE": "cheapest", "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "amap.cli", *args], env=env, capture_output=True, text=True,
                          input=input, timeout=180)


async def pg_snapshot(url: str) -> dict:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        tables = [row["table_name"] for row in await connection.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'")]
        counts = {name: await connection.fetchval(f'SELECT count(*) FROM "{name}"') for name in tables}
        users = [tuple(row) for row in await connection.fetch(
            "SELECT email, name, password_hash FROM app_user ORDER BY id")]
        payments = [tuple(row) for row in await connection.fetch("SELECT * FROM payment ORDER BY id")]
    finally:
        await connection.close()
    return {"counts": counts, "users": users, "payments": payments}


@pytest.mark.postgres_only
async def test_postgres_round_trip_brings_back_every_row(tmp_path):
    import asyncpg

    # A database of its own in the suite's cluster: the restore must not touch the suite's data.
    suite_url = os.environ["DATABASE_URL"]
    name = f"amap_backup_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(suite_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = suite_url.rpartition("/")[0] + f"/{name}"
    try:
        assert amap_on(url, tmp_path, "demo").returncode == 0
        before = await pg_snapshot(url)
        assert before["counts"]["payment"] > 0

        made = amap_on(url, tmp_path, "backup")
        assert made.returncode == 0, made.stderr
        [backup] = (tmp_path / "backups").glob("amap-*.dump")
        assert backup.read_bytes().startswith(b"PGDMP") and backup.stat().st_mode & 0o077 == 0

        changer = await asyncpg.connect(url)
        await changer.execute("TRUNCATE payment CASCADE")
        await changer.execute("UPDATE app_user SET name = 'changed'")
        await changer.close()
        assert await pg_snapshot(url) != before

        sqlite_file = tmp_path / "other.sqlite"
        sqlite3.connect(sqlite_file).execute("CREATE TABLE t (x)").connection.close()
        wrong = amap_on(url, tmp_path, "restore", "--yes", str(sqlite_file))
        assert wrong.returncode != 0 and "SQLite database" in wrong.stderr and "PostgreSQL" in wrong.stderr

        restored = amap_on(url, tmp_path, "restore", "--yes", str(backup))
        assert restored.returncode == 0, restored.stderr
        assert await pg_snapshot(url) == before
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def test_the_postgres_password_goes_in_the_environment_not_on_the_command_line():
    from amap.system.backup import _pg_connection

    url, env = _pg_connection("postgresql://amap:s%40cret@db.example.org:5432/amap?sslmode=require")
    assert url == "postgresql://amap@db.example.org:5432/amap?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret"
    assert _pg_connection("postgresql://postgres@127.0.0.1:5432/x")[0] == "postgresql://postgres@127.0.0.1:5432/x"
