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
        ScheduledJob(
            name="roster-gap-alerts",
            func="jobs.roster:record_roster_gap_alerts",
            trigger=CronTrigger(hour=8, minute=0, timezone=timezone),
            description="Alert coordinators to roster slots of the coming week with free places",
        ),
        ScheduledJob(
            name="roster-reminders",
            func="jobs.roster:record_shift_reminders",
            trigger=CronTrigger(hour=8, minute=10, timezone=timezone),
            description="Record a reminder two days before each shift",
        ),
    ]
