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
    run_at_start: bool = False
    """Also run as soon as a process takes the scheduler over (for the outbox: no wait)."""


def schedule(timezone: str = "Europe/Paris") -> list[ScheduledJob]:
    return [
        ScheduledJob(
            name="deliver-outbox",
            func="jobs.mail:deliver_outbox",
            trigger=IntervalTrigger(seconds=10, timezone=timezone),
            description="Send the queued e-mails of the outbox, retrying failures with back-off",
            record_idle_runs=False,
            run_at_start=True,
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
            name="share-published",
            func="jobs.distributions:tell_published_shares",
            trigger=CronTrigger(minute="*/15", timezone=timezone),
            description="Tell members what this week's share holds once the farmer has posted it",
        ),
        ScheduledJob(
            name="distribution-eve",
            func="jobs.distributions:tell_distribution_eve",
            trigger=CronTrigger(minute="*/15", timezone=timezone),
            description="From 17:00 the day before (group's time): where, when and what each member collects",
        ),
        ScheduledJob(
            name="shift-reminders",
            func="jobs.roster:send_shift_reminders",
            trigger=CronTrigger(minute="*/15", timezone=timezone),
            description="From 9:00 (group's time): remind each volunteer of a shift held within two days",
        ),
        ScheduledJob(
            name="roster-gaps",
            func="jobs.roster:send_roster_gap_alerts",
            trigger=CronTrigger(minute="*/15", timezone=timezone),
            description="From 8:00 (group's time): one daily digest per coordinator of the coming week's free places",
        ),
        ScheduledJob(
            name="payment-reminders",
            func="jobs.payments:send_payment_reminders",
            trigger=CronTrigger(minute="*/15", timezone=timezone),
            description="Remind households of an installment three days before it is due and a week late (from 9:00)",
        ),
        ScheduledJob(
            name="payment-digest",
            func="jobs.payments:send_payment_digests",
            trigger=CronTrigger(minute="*/15", timezone=timezone),
            description="Send each group's treasurer the payments due and late, on Mondays from 8:00",
        ),
        ScheduledJob(
            name="farm-digest",
            func="jobs.farms:send_farm_digests",
            trigger=CronTrigger(minute="*/15", timezone=timezone),
            description="Send farmers their week: subscribers, payments, next deliveries, on Mondays from 7:00",
        ),
        ScheduledJob(
            name="close-order-windows",
            func="jobs.orders:close_order_windows",
            trigger=CronTrigger(minute="*/5", timezone=timezone),
            description="Lock the orders of windows past their closing time; picking lists to farmers, receipts to households",
        ),
        ScheduledJob(
            name="order-window-notices",
            func="jobs.orders:tell_order_windows",
            trigger=CronTrigger(minute="*/5", timezone=timezone),
            description="Tell members a window for one-off orders is open, and the day before it closes if they have not ordered",
        ),
    ]


def find(name: str, timezone: str = "Europe/Paris") -> ScheduledJob | None:
    return next((job for job in schedule(timezone) if job.name == name), None)
