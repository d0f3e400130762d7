"""When each job runs: the one list the scheduler, `amap jobs` and the admin page read.

Jobs that speak to people run often and decide per group, in the group's own timezone,
whether their moment has come (the day before a distribution from 17:00, say): the outbox
key makes a second run harmless, and a group in another timezone is served at its own hour.
"""

from __future__ import annotations

from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: str
    """Textual reference "module:function"; the function takes `now` (aware) and returns a count."""
    trigger: BaseTrigger
    description: str
    record_idle_runs: bool = True
    """False for the frequent outbox run: a run that sent nothing leaves no row in the job history."""


def schedule(timezone: str = "Europe/Paris") -> list[ScheduledJob]:
    return [
        ScheduledJob(
            name="deliver-outbox",
            func="jobs.mail:deliver_outbox",
            trigger=IntervalTrigger(seconds=10, timezone=timezone),
            description="Send the queued e-mails of the outbox, retrying failures with back-off",
            record_idle_runs=False,
        ),
        ScheduledJob(
            name="purge-expired",
            func="jobs.housekeeping:purge_expired_entries",
            trigger=CronTrigger(minute="*/15", timezone=timezone),
            description="Delete expired sessions, login counters and old job history",
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


def find(name: str, timezone: str = "Europe/Paris") -> ScheduledJob | None:
    return next((job for job in schedule(timezone) if job.name == name), None)
