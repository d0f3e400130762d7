"""When each job runs: the one list the worker reads (times are Europe/Paris)."""

from __future__ import annotations

from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: str
    """Textual reference "module:function", so the job could live in a persistent store."""
    trigger: CronTrigger
    description: str


def schedule(timezone: str = "Europe/Paris") -> list[ScheduledJob]:
    return [
        ScheduledJob(
            name="purge-expired",
            func="jobs.housekeeping:purge_expired_entries",
            trigger=CronTrigger(minute="*/15", timezone=timezone),
            description="Delete expired sessions and login counters",
        ),
        ScheduledJob(
            name="sync-calendars",
            func="jobs.calendars:sync_distribution_calendars",
            trigger=CronTrigger(minute=5, timezone=timezone),
            description="Create the distributions and deliveries of newly published contracts",
        ),
    ]
