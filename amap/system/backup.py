"""`amap backup` and `amap restore`: a consistent copy of the database, and bringing one back.

SQLite goes through the online backup API, which copies a consistent snapshot even while the
app writes; PostgreSQL goes through pg_dump/pg_restore in their custom format.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from amap.lib.settings import Settings

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is shown to the user as is."""


def sqlite_file(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def default_path(settings: Settings, now: datetime | None = None) -> Path:
    """<data folder>/backups/amap-YYYYMMDD-HHMMSS.sqlite (or .dump): sorts by date in a listing."""
    suffix = ".sqlite" if settings.is_sqlite else ".dump"
    return settings.data_dir / "backups" / f"amap-{(now or datetime.now()):%Y%m%d-%H%M%S}{suffix}"


def find_pg_tool(name: str) -> str:
    """pg_dump or pg_restore: PG_BINDIR first (an explicit choice), then PATH, then Debian's folders.

    The newest Debian version is taken because pg_dump refuses a server newer than itself.
    """
    if os.environ.get("PG_BINDIR"):
        return str(Path(os.environ["PG_BINDIR"]) / name)
    if found := shutil.which(name):
        return found
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if folders:
        return str(Path(folders[-1]) / name)
    raise BackupError(f"{name} not found: install the PostgreSQL client tools or set PG_BINDIR")


def _pg_connection(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and an environment carrying it in PGPASSWORD.

    A password on the command line would be readable by every user of the machine in `ps`.
    """
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    env = dict(os.environ)
    if ":" in userinfo:
        user, _, password = userinfo.partition(":")
        env["PGPASSWORD"] = unquote(password)
        url = urlunsplit(parts._replace(netloc=f"{user}{at}{host}"))
    return url, env


def _run_pg(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _private_draft(target: Path) -> Path:
    """An empty file beside the target, readable by its owner only: the backup holds password hashes.

    Writing under this name and renaming at the end means a crash never leaves a half backup
    under the real name.
    """
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    draft = target.with_name(f".{target.name}.{os.getpid()}.part")
    os.close(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(draft, 0o600)  # O_CREAT's mode does not apply to a leftover draft of the same name
    return draft


def write_backup(settings: Settings, target: Path | None = None) -> Path:
    """Write the backup to target (a folder gets the default file name) and return its path."""
    if target is None:
        target = default_path(settings)
    elif target.is_dir():
        target = target / default_path(settings).name
    draft = _private_draft(target)
    try:
        if settings.is_sqlite:
            _backup_sqlite(sqlite_file(settings), draft)
        else:
            url, env = _pg_connection(settings.database_url)
            _run_pg([find_pg_tool("pg_dump"), "--format=custom", f"--file={draft}", f"--dbname={url}"], env)
        os.replace(draft, target)
    finally:
        draft.unlink(missing_ok=True)
    return target


def _backup_sqlite(source: Path, draft: Path) -> None:
    if not source.exists():  # sqlite3.connect would create an empty database and back that up
        raise BackupError(f"No database at {source}")
    # closing(): sqlite3's own context manager commits but leaves the connection open.
    with closing(sqlite3.connect(source, timeout=30)) as live, closing(sqlite3.connect(draft)) as copy:
        live.backup(copy)
        # The live file is in WAL mode; the copy must stand alone as one file (and open read-only).
        copy.execute("PRAGMA journal_mode=DELETE")


def check_restorable(settings: Settings, path: Path) -> None:
    """Refuse, before anything is touched, a missing file or one for the other kind of database."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if settings.is_sqlite and not header.startswith(SQLITE_HEADER):
        kind = "a PostgreSQL dump" if header.startswith(PG_DUMP_HEADER) else "not a SQLite database"
        raise BackupError(f"{path} is {kind}; the configured database is SQLite")
    if not settings.is_sqlite and not header.startswith(PG_DUMP_HEADER):
        kind = "a SQLite database" if header.startswith(SQLITE_HEADER) else "not a pg_dump custom-format file"
        raise BackupError(f"{path} is {kind}; the configured database is PostgreSQL (restore a .dump from "
                          "`amap backup`)")


def restore_backup(settings: Settings, path: Path) -> None:
    """Replace the configured database's content with the backup's (migrations are run by the caller)."""
    check_restorable(settings, path)
    if settings.is_sqlite:
        _restore_sqlite(path, sqlite_file(settings))
    else:
        url, env = _pg_connection(settings.database_url)
        # --single-transaction: a restore that fails half-way leaves the database as it was.
        _run_pg([find_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                 f"--dbname={url}", str(path)], env)


def _restore_sqlite(source: Path, live: Path) -> None:
    # Read-only: restoring must not alter the backup, nor leave -wal files beside it.
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup:
        [verdict] = backup.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"{source} is damaged: {verdict}")
        live.parent.mkdir(parents=True, exist_ok=True)
        # The backup API writes into the live file under SQLite's own locks, so connections other
        # processes hold see the new content; copying the file over them would corrupt it.
        with closing(sqlite3.connect(live, timeout=30)) as target:
            backup.backup(target)
