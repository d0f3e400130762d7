"""The `amap worker` process: one APScheduler that runs the jobs of `jobs/schedule.py`."""

from __future__ import annotations

import asyncio
import logging
import signal

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from amap.lib import db
from jobs.schedule import schedule

log = logging.getLogger("amap.worker")


def build_scheduler(timezone: str = "Europe/Paris") -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(
        timezone=timezone,
        # A missed run (worker down) is run once when it comes back, not once per missed slot.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for job in schedule(timezone):
        scheduler.add_job(job.func, job.trigger, id=job.name, name=job.description, replace_existing=True)
    return scheduler


async def run_worker(stop: asyncio.Event | None = None) -> None:
    """Run the scheduler until SIGINT/SIGTERM (or until `stop` is set, for tests)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread
            pass
    scheduler = build_scheduler()
    scheduler.start()
    for job in scheduler.get_jobs():
        log.info("scheduled %s: next run %s", job.id, job.next_run_time)
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        log.info("worker stopped")


async def main() -> None:
    """The worker process: its own database pool around the scheduler."""
    await db.start_pool()
    try:
        await run_worker()
    finally:
        await db.close_pool()
