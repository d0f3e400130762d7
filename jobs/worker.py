"""The scheduler: one APScheduler running the jobs of `jobs/schedule.py`, in whichever process
holds the database lease (`amap worker`, or `amap serve` in embedded mode)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from amap.lib import db
from amap.lib.settings import get_settings
from amap.notifications.delivery import requeue_abandoned
from jobs.lease import Lease, lease_for_database
from jobs.runs import scheduled_run
from jobs.schedule import schedule

log = logging.getLogger("amap.scheduler")
# APScheduler logs every run at INFO (every ten seconds for the outbox); our own lines say what matters.
logging.getLogger("apscheduler").setLevel(logging.WARNING)

def build_scheduler(timezone: str = "Europe/Paris") -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(
        timezone=timezone,
        # A missed run (worker down) is run once when it comes back, not once per missed slot.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for job in schedule(timezone):
        # The outbox is sent as soon as this process takes over, not one interval later.
        first = {"next_run_time": datetime.now(UTC)} if job.run_at_start else {}
        scheduler.add_job(scheduled_run, job.trigger, args=[job], id=job.name, name=job.description,
                          replace_existing=True, **first)
    return scheduler


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def run_scheduler(stop: asyncio.Event, lease: Lease | None = None, renew_every: float | None = None) -> None:
    """Wait for the lease, run the jobs while holding it, give it back when `stop` is set.

    The lease lasts three renewal periods: a holder that stops renewing (killed, frozen) is
    replaced about that long after its last renewal.
    """
    renew_every = renew_every or get_settings().scheduler_renew_seconds
    lease = lease or lease_for_database(ttl=timedelta(seconds=renew_every * 3))
    try:
        while not stop.is_set():
            try:
                held = await lease.acquire()
            except Exception:  # noqa: BLE001 - database away: try again later
                log.exception("could not try the scheduler lease")
                held = False
            if not held:
                await _wait(stop, renew_every)
                continue
            log.info("this process runs the scheduler (%s)", lease.holder)
            requeued = await requeue_abandoned(lease.holder)
            if requeued:
                log.warning("%s messages left half-sent by a previous scheduler are queued again", requeued)
            scheduler = build_scheduler()
            scheduler.start()
            for job in scheduler.get_jobs():
                log.info("scheduled %s: next run %s", job.id, job.next_run_time)
            try:
                while not stop.is_set():
                    await _wait(stop, renew_every)
                    if stop.is_set():
                        break
                    try:
                        renewed = await lease.renew()
                    except Exception:  # noqa: BLE001
                        log.exception("could not renew the scheduler lease")
                        renewed = False
                    if not renewed:
                        log.warning("scheduler lease lost: stopping the jobs here")
                        break
            finally:
                scheduler.shutdown(wait=False)
    finally:
        with contextlib.suppress(Exception):
            await lease.release()
        log.info("scheduler stopped")


async def run_worker(stop: asyncio.Event | None = None) -> None:
    """Run the scheduler until SIGINT/SIGTERM (or until `stop` is set, for tests)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread
            pass
    await run_scheduler(stop)


async def main() -> None:
    """The worker process: its own database pool around the scheduler."""
    await db.start_pool()
    try:
        await run_worker()
    finally:
        await db.close_pool()
