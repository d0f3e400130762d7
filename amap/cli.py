"""The `amap` command: serve, worker, migrate, backup, restore, demo, createuser, check, token."""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path

import click

from amap.lib.settings import get_settings


def _run(coroutine):
    return asyncio.run(coroutine)


async def _migrate_quietly() -> None:
    from amap.lib.db import migrate

    await migrate()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """amap: season contracts, distributions and short-chain trade for AMAPs."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32), help="Web worker processes.")
@click.option("--no-migrate", is_flag=True, help="Do not apply pending migrations first.")
@click.option("--demo", "with_demo", is_flag=True, help="Load the demo AMAP first if the database is empty.")
@click.option("--no-scheduler", is_flag=True,
              help="Do not run the scheduled jobs in this process (when an `amap worker` runs them).")
def serve(host: str, port: int, workers: int, no_migrate: bool, with_demo: bool, no_scheduler: bool) -> None:
    """Apply pending migrations, then serve the web app (SQLite in the data folder by default).

    The scheduled jobs (e-mails, reminders) run inside it unless --no-scheduler: with several
    workers, or an `amap worker` elsewhere, a lock in the database lets only one of them run.
    """
    import os

    import uvicorn

    if not no_scheduler:
        os.environ["AMAP_EMBEDDED_SCHEDULER"] = "1"  # read by every web worker process
        get_settings.cache_clear()

    settings = get_settings()
    if not no_migrate:
        _run(_migrate_quietly())
    if with_demo:
        from amap import demo as demo_data

        async def load_if_empty() -> bool:
            if await demo_data.database_is_empty():
                await demo_data.load_demo()
                return True
            return False

        if _run(load_if_empty()):
            _print_logins()
    if settings.is_sqlite and workers > 1:
        click.echo("Note: SQLite has one writer at a time; extra workers help reads, writes queue up.", err=True)
    click.echo(f"amap on http://{host}:{port} — database {settings.database_url.split('@')[-1]}")
    uvicorn.run("amap.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_level="info")


@main.command()
def worker() -> None:
    """Run the scheduler process that executes the jobs of jobs/schedule.py."""
    import logging

    from jobs.worker import main as worker_main

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _run(worker_main())


@main.group()
def jobs() -> None:
    """The scheduled jobs: list them, or run one now."""


@jobs.command("list")
def jobs_list() -> None:
    """Show every job, its schedule, its next run and its last recorded run."""
    from datetime import UTC, datetime

    from amap.system.tables import JobRun
    from jobs.schedule import schedule

    async def last_runs() -> dict[str, dict]:
        rows = await JobRun.select().order_by(JobRun.started_at, ascending=False).limit(500)
        latest: dict[str, dict] = {}
        for row in rows:
            latest.setdefault(row["job"], row)
        return latest

    latest = _run(last_runs())
    now = datetime.now(UTC)
    for job in schedule():
        next_run = job.trigger.get_next_fire_time(None, now)
        last = latest.get(job.name)
        click.echo(f"{job.name:22} {job.description}")
        click.echo(f"{'':22} schedule: {job.trigger}")
        click.echo(f"{'':22} next run: {next_run:%Y-%m-%d %H:%M %Z}")
        if last:
            click.echo(f"{'':22} last run: {last['started_at']:%Y-%m-%d %H:%M} UTC, {last['status']}"
                       f"{', ' + str(last['result']) if last['result'] is not None else ''}")


def _parse_moment(value: str | None):
    """An ISO date-time; without an offset it is Europe/Paris local time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date and time such as 2026-12-03T17:00") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Europe/Paris"))


@jobs.command("run")
@click.argument("name")
@click.option("--at", "at", metavar="DATETIME", help="Run as the scheduler would at this moment (ISO, local time).")
def jobs_run(name: str, at: str | None) -> None:
    """Run the job NAME once, now or as at DATETIME; what it did is recorded like a scheduled run."""
    from amap.lib import db
    from jobs.runs import JobFailed, run_job
    from jobs.schedule import find, schedule

    job = find(name)
    if job is None:
        names = ", ".join(j.name for j in schedule())
        raise click.ClickException(f"No job named {name!r}. Jobs: {names}")
    moment = _parse_moment(at)

    async def run() -> int:
        await db.start_pool()
        try:
            return await run_job(job, moment)
        finally:
            await db.close_pool()

    try:
        result = _run(run())
    except JobFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{name}: {result}")


@main.command()
def migrate() -> None:
    """Apply pending database migrations of every domain."""
    _run(_migrate_quietly())
    click.echo("Database is up to date.")


@main.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=True, writable=True, path_type=Path))
def backup_command(path: Path | None) -> None:
    """Write a consistent backup of the database, safe while the app runs.

    PATH defaults to <data folder>/backups/amap-YYYYMMDD-HHMMSS.sqlite (SQLite) or .dump
    (PostgreSQL, pg_dump custom format); a folder gets that file name. The file is private (mode 600).
    """
    from amap.system.backup import BackupError, write_backup

    settings = get_settings()
    try:
        written = write_backup(settings, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup of {settings.database_url.split('@')[-1]} written to {written} "
               f"({written.stat().st_size} bytes).")


@main.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's content with the backup at PATH, then apply pending migrations.

    Stop `amap serve` and `amap worker` first. PATH must come from `amap backup` on the same
    kind of database (SQLite or PostgreSQL).
    """
    from amap.system.backup import BackupError, check_restorable, restore_backup

    settings = get_settings()
    database = settings.database_url.split("@")[-1]
    try:
        check_restorable(settings, path)
        if not yes:
            click.confirm(f"Replace everything in {database} with {path}?", abort=True)
        restore_backup(settings, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    _run(_migrate_quietly())  # an older backup is brought up to the code's schema
    click.echo(f"Restored {database} from {path}; migrations applied.")


@main.command()
@click.option("--force", is_flag=True, help="Erase all data first if the database is not empty.")
@click.option("--size", type=click.Choice(["small", "large"]), default="small", show_default=True,
              help="small: one AMAP of 40 households; large: a regional network of 20 groups and 5,000 households.")
def demo(force: bool, size: str) -> None:
    """Load a demo AMAP (AMAP des Lilas) with logins whose password is amap-demo."""
    from amap import demo as demo_data

    async def load():
        await _migrate_quietly()
        if not await demo_data.database_is_empty():
            if not force:
                raise click.ClickException("The database already holds data. Use --force to erase it.")
            await demo_data.clear_database()
        if size == "large":
            from amap.demo_large import load_large_demo

            return await load_large_demo()
        await demo_data.load_demo()
        return None

    report = _run(load())
    if report is None:
        _print_logins()
    else:
        _print_large(report)
    click.echo("Start it with `amap serve`, then open http://127.0.0.1:8000")


def _print_large(report) -> None:
    from amap import demo as demo_data
    from amap.demo_large import LOGINS

    click.echo(f"Large demo loaded in {report.seconds:.1f} s: a regional network around AMAP des Lilas.")
    for table, rows in report.counts.items():
        click.echo(f"  {table:28} {rows:>8,}")
    click.echo(f"\nPassword for every login: {demo_data.DEMO_PASSWORD}")
    for email, role in LOGINS.items():
        click.echo(f"  {email:28} {role}")


def _print_logins() -> None:
    from amap import demo as demo_data

    click.echo(f"\nDemo loaded: AMAP des Lilas. Password for every login: {demo_data.DEMO_PASSWORD}")
    for email, role in demo_data.LOGINS.items():
        click.echo(f"  {email:28} {role}")


@main.command()
@click.argument("email")
@click.option("--name", prompt=True, help="Full name.")
@click.option("--role", type=click.Choice(["member", "coordinator", "farmer", "network", "admin"]), default="member",
              show_default=True, help="Role to grant.")
@click.option("--target", help="Slug of the group (member, coordinator), farm (farmer) or network (network).")
@click.option("--password", help="Password (asked for when not given).")
def createuser(email: str, name: str, role: str, target: str | None, password: str | None) -> None:
    """Create an account and grant it a role, e.g. `amap createuser ana@example.org --role admin`."""
    from amap.accounts.services import create_user, find_user_id
    from amap.lib.db import write_transaction
    from amap.lib.forms import Form
    from amap.roles import RoleError, grant_role

    if password is None:
        password = getpass.getpass("Password: ")
    form = Form({"email": email, "password": password, "name": name})
    clean_email = form.email()
    form.new_password(confirm="")
    form.text("name")
    if not form.ok:
        raise click.ClickException("; ".join(f"{field}: {message}" for field, message in form.errors.items()))

    async def create() -> None:
        await _migrate_quietly()
        if await find_user_id(clean_email) is not None:
            raise click.ClickException(f"{clean_email} already has an account.")
        try:
            async with write_transaction():  # no account is left behind when the role is refused
                user_id = await create_user(clean_email, name, password)
                await grant_role(user_id, role, target=target)
        except RoleError as error:
            raise click.ClickException(str(error)) from error

    _run(create())
    click.echo(f"Created {clean_email} ({role}{' of ' + target if target else ''}).")


@main.command()
def check() -> None:
    """Check the configuration and that the database is reachable and migrated."""
    from amap.lib.db import database_ok, engine

    settings = get_settings()
    click.echo(f"data folder : {settings.data_dir}")
    click.echo(f"database    : {settings.database_url.split('@')[-1]}")
    click.echo(f"base URL    : {settings.base_url} (secure cookies: {'yes' if settings.secure_cookies else 'no'})")

    async def probe() -> tuple[bool, bool]:
        if not await database_ok():
            return False, False
        from piccolo.apps.migrations.commands.check import CheckMigrationManager

        rows = await CheckMigrationManager(app_name="all").get_migration_statuses()
        return True, all(row.has_ran for row in rows)

    reachable, migrated = _run(probe())
    click.echo(f"reachable   : {'yes' if reachable else 'NO'} ({type(engine()).__name__})")
    if reachable:
        click.echo(f"migrations  : {'all applied' if migrated else 'PENDING — run `amap migrate`'}")
    if not (reachable and migrated):
        sys.exit(1)


@main.group()
def token() -> None:
    """Personal API tokens."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def token_create(email: str, name: str) -> None:
    """Print a new personal API token for EMAIL's account (shown only once)."""
    from amap.accounts.services import create_api_token, find_user_id

    async def create() -> str:
        user_id = await find_user_id(email)
        if user_id is None:
            raise click.ClickException(f"No account for {email}.")
        return await create_api_token(user_id, name)

    click.echo(_run(create()))


if __name__ == "__main__":
    main()
