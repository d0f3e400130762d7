"""Is the scheduler alive, did the jobs run, did the mail leave.

`/admin/scheduler` and `/admin/outbox` for the site administrator (every message);
`/committee/{slug}/outbox` for a group's committee (the messages of its group only).
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from piccolo.query.functions.aggregate import Count

from amap.groups.committee import chosen_group
from amap.lib.access import current, ensure, requires_admin, requires_coordinator
from amap.lib.db import utcnow
from amap.lib.i18n import _
from amap.lib.web import notice, page, see_other
from amap.notifications.delivery import retry, retry_all_failed
from amap.notifications.tables import OutboxMessage
from amap.system.tables import JobRun, SchedulerLease
from jobs.schedule import schedule

OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")
PAGE_SIZE = 50


async def job_overview() -> list[dict]:
    """Each declared job with its next run, its last run and its last failure."""
    now = utcnow()
    runs = await JobRun.select().order_by(JobRun.started_at, ascending=False).limit(1000)
    overview = []
    for job in schedule():
        mine = [run for run in runs if run["job"] == job.name]
        overview.append({
            "job": job,
            "next_run": job.trigger.get_next_fire_time(None, now),
            "last": mine[0] if mine else None,
            "last_failure": next((run for run in mine if run["status"] == "failed"), None),
        })
    return overview


async def scheduler_state() -> tuple[dict | None, bool]:
    lease = await SchedulerLease.select().first()
    return lease, bool(lease and lease["holder"] and lease["expires_at"] and lease["expires_at"] > utcnow())


async def status_counts(group_id: int | None = None) -> dict[str, int]:
    """How many messages are in each state, in one grouped query."""
    query = OutboxMessage.select(OutboxMessage.status, Count(OutboxMessage.id, alias="count")).group_by(
        OutboxMessage.status)
    if group_id is not None:
        query = query.where(OutboxMessage.group == group_id)
    found = {row["status"]: row["count"] for row in await query}
    return {status: found.get(status, 0) for status in OUTBOX_STATUSES}


async def outbox_listing(request: Request, base: str, *, group: dict | None, status: str | None,
                         before: int | None, **context: object) -> Template:
    """One page of the outbox, newest first, optionally one status and one group."""
    query = OutboxMessage.select(
        OutboxMessage.id, OutboxMessage.kind, OutboxMessage.to_address, OutboxMessage.subject,
        OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.created_at, OutboxMessage.sent_at,
        OutboxMessage.next_attempt_at, OutboxMessage.last_error, OutboxMessage.group.name.as_alias("group_name"),
    ).order_by(OutboxMessage.id, ascending=False).limit(PAGE_SIZE + 1)
    status = status if status in OUTBOX_STATUSES else None
    if group is not None:
        query = query.where(OutboxMessage.group == group["id"])
    if status:
        query = query.where(OutboxMessage.status == status)
    if before:
        query = query.where(OutboxMessage.id < before)
    rows = await query
    lease, alive = await scheduler_state()
    return page(request, "admin/outbox.html", messages=rows[:PAGE_SIZE], counts=await status_counts(
        group["id"] if group else None), status=status, statuses=OUTBOX_STATUSES, base=base, group=group,
        older=rows[PAGE_SIZE - 1]["id"] if len(rows) > PAGE_SIZE else None, alive=alive, **context)


async def outbox_message(message_id: int, group_id: int | None = None) -> dict:
    """One message; 404 when it does not exist or belongs to another group than the one asked."""
    row = await OutboxMessage.select(OutboxMessage.all_columns(),
                                     OutboxMessage.group.name.as_alias("group_name")).where(
        OutboxMessage.id == message_id).first()
    ensure(row is not None and (group_id is None or row["group"] == group_id))
    return row


def html_version(row: dict) -> Response:
    """The HTML version as the recipient sees it, isolated: no script, no form, no frame, no request out."""
    return Response(row["body_html"] or "<p>(text only)</p>", media_type="text/html", headers={
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
    })


async def retry_and_tell(request: Request, message_id: int) -> None:
    if await retry(message_id):
        notice(request, _("The message is queued again; it leaves with the next run of the outbox."))
    else:
        notice(request, _("Only a failed message can be sent again."), "error")


class SchedulerController(Controller):
    path = "/admin/scheduler"
    guards = [requires_admin]

    @get("", name="admin_scheduler")
    async def show(self, request: Request) -> Template:
        lease, alive = await scheduler_state()
        failures = await JobRun.select().where(JobRun.status == "failed").order_by(
            JobRun.started_at, ascending=False).limit(10)
        return page(request, "admin/scheduler.html", lease=lease, alive=alive, jobs=await job_overview(),
                    failures=failures, counts=await status_counts())


class OutboxController(Controller):
    path = "/admin/outbox"
    guards = [requires_admin]

    @get("", name="admin_outbox")
    async def index(self, request: Request, status: FromQuery[str | None] = None,
                    before: FromQuery[int | None] = None) -> Template:
        return await outbox_listing(request, "/admin/outbox", group=None, status=status, before=before)

    @get("/{message_id:int}", name="admin_outbox_message")
    async def show(self, request: Request, message_id: FromPath[int]) -> Template:
        return page(request, "admin/outbox_message.html", message=await outbox_message(message_id),
                    base="/admin/outbox", group=None)

    @get("/{message_id:int}/html")
    async def html(self, message_id: FromPath[int]) -> Response:
        return html_version(await outbox_message(message_id))

    @post("/{message_id:int}/retry")
    async def retry_one(self, request: Request, message_id: FromPath[int]) -> Redirect:
        await outbox_message(message_id)
        await retry_and_tell(request, message_id)
        return see_other(f"/admin/outbox/{message_id}")

    @post("/retry-failed")
    async def retry_failed(self, request: Request) -> Redirect:
        count = await retry_all_failed()
        notice(request, _("%(count)s failed messages queued again.", count=count))
        return see_other("/admin/outbox?status=queued")


class CommitteeOutboxController(Controller):
    """The committee's view of its group's mail: what left, what waits, what failed and why."""

    path = "/committee/{slug:str}/outbox"
    guards = [requires_coordinator]

    @get("", name="committee_outbox")
    async def index(self, request: Request, slug: FromPath[str], status: FromQuery[str | None] = None,
                    before: FromQuery[int | None] = None) -> Template:
        group, _groups = await chosen_group(current(request), slug)
        return await outbox_listing(request, f"/committee/{slug}/outbox", group=group, status=status,
                                    before=before)

    @get("/{message_id:int}")
    async def show(self, request: Request, slug: FromPath[str], message_id: FromPath[int]) -> Template:
        group, _groups = await chosen_group(current(request), slug)
        return page(request, "admin/outbox_message.html", message=await outbox_message(message_id, group["id"]),
                    base=f"/committee/{slug}/outbox", group=group)

    @get("/{message_id:int}/html")
    async def html(self, request: Request, slug: FromPath[str], message_id: FromPath[int]) -> Response:
        group, _groups = await chosen_group(current(request), slug)
        return html_version(await outbox_message(message_id, group["id"]))

    @post("/{message_id:int}/retry")
    async def retry_one(self, request: Request, slug: FromPath[str], message_id: FromPath[int]) -> Redirect:
        group, _groups = await chosen_group(current(request), slug)
        await outbox_message(message_id, group["id"])
        await retry_and_tell(request, message_id)
        return see_other(f"/committee/{slug}/outbox/{message_id}")
