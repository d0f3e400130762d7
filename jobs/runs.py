"""Running one job once, as the scheduler does, and keeping its history for the admin page."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from amap.lib.db import utcnow
from amap.system.tables import JobRun
from jobs.lease import HOLDER
from jobs.schedule import ScheduledJob

log = logging.getLogger("amap.jobs")

HISTORY = timedelta(days=30)


def resolve(job: ScheduledJob) -> Callable[[datetime], Awaitable[int]]:
    module, _, function = job.func.partition(":")
    return getattr(importlib.import_module(module), function)


async def run_job(job: ScheduledJob, at: datetime | None = None) -> int:
    """Run `job` as if the clock said `at` (default now); its result and any failure are recorded.

    A failure is logged and recorded, not raised: the scheduler goes on with the other jobs.
    """
    now = at or utcnow()
    started = utcnow()
    try:
        result = await resolve(job)(now)
    except Exception as error:  # noqa: BLE001 - recorded for the admin page, then the next run tries again
        log.exception("job %s failed", job.name)
        await JobRun.insert(JobRun(job=job.name, run_for=now, started_at=started, finished_at=utcnow(),
                                   status="failed", error=f"{type(error).__name__}: {error}"[:4000], holder=HOLDER))
        raise JobFailed(job.name, error) from error
    if result or job.record_idle_runs:
        await JobRun.insert(JobRun(job=job.name, run_for=now, started_at=started, finished_at=utcnow(),
                                   status="ok", result=int(result or 0), holder=HOLDER))
    return int(result or 0)


class JobFailed(Exception):
    def __init__(self, name: str, error: BaseException) -> None:
        super().__init__(f"{name}: {type(error).__name__}: {error}")


async def scheduled_run(job: ScheduledJob) -> None:
    """What the scheduler calls: a failure is recorded and logged, never propagated."""
    try:
        await run_job(job)
    except JobFailed:
        pass


async def forget_old_runs(now: datetime) -> int:
    rows = await JobRun.delete().where(JobRun.started_at < now - HISTORY).returning(JobRun.id)
    return len(rows)
