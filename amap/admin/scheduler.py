"""`/admin/scheduler` and `/admin/outbox`: is the scheduler alive, did the jobs run, did the mail leave."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.lib.access import requires_admin
from amap.lib.db import utcnow
from amap.lib.i18n import _
from amap.lib.web import notice, page, see_other
from amap.notifications.delivery import retry
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


class SchedulerController(Controller):
    path = "/admin/scheduler"
    guards = [requires_admin]

    @get("", name="admin_scheduler")
    async def show(self, request: Request) -> Template:
        lease = await SchedulerLease.select().first()
        alive = bool(lease and lease["holder"] and lease["expires_at"] and lease["expires_at"] > utcnow())
        failures = await JobRun.select().where(JobRun.status == "failed").order_by(
            JobRun.started_at, ascending=False).limit(10)
        counts = {status: await OutboxMessage.count().where(OutboxMessage.status == status)
                  for status in OUTBOX_STATUSES}
        return page(request, "admin/scheduler.html", lease=lease, alive=alive, jobs=await job_overview(),
                    failures=failures, counts=counts)


class OutboxController(Controller):
    path = "/admin/outbox"
    guards = [requires_admin]

    @get("", name="admin_outbox")
    async def index(self, request: Request, status: FromQuery[str | None] = None,
                    before: FromQuery[int | None] = None) -> Template:
        query = OutboxMessage.select(
            OutboxMessage.id, OutboxMessage.kind, OutboxMessage.to_address, OutboxMessage.subject,
            OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.created_at, OutboxMessage.sent_at,
            OutboxMessage.next_attempt_at, OutboxMessage.last_error, OutboxMessage.group.name.as_alias("group_name"),
        ).order_by(OutboxMessage.id, ascending=False).limit(PAGE_SIZE + 1)
        status = status if status in OUTBOX_STATUSES else None
        if status:
            query = query.where(OutboxMessage.status == status)
        if before:
            query = query.where(OutboxMessage.id < before)
        rows = await query
        counts = {s: await OutboxMessage.count().where(OutboxMessage.status == s) for s in OUTBOX_STATUSES}
        older = rows[PAGE_SIZE - 1]["id"] if len(rows) > PAGE_SIZE else None
        return page(request, "admin/outbox.html", messages=rows[:PAGE_SIZE], counts=counts, status=status,
                    older=older, statuses=OUTBOX_STATUSES)

    async def _message(self, message_id: int) -> dict:
        row = await OutboxMessage.select(OutboxMessage.all_columns(),
                                         OutboxMessage.group.name.as_alias("group_name")).where(
            OutboxMessage.id == message_id).first()
        if row is None:
            raise NotFoundException()
        return row

    @get("/{message_id:int}", name="admin_outbox_message")
    async def show(self, request: Request, message_id: FromPath[int]) -> Template:
        return page(request, "admin/outbox_message.html", message=await self._message(message_id))

    @get("/{message_id:int}/html")
    async def html(self, message_id: FromPath[int]) -> Response:
        """The HTML version as the recipient sees it, isolated: no script, no form, no frame, no request out."""
        row = await self._message(message_id)
        return Response(row["body_html"] or "<p>(text only)</p>", media_type="text/html", headers={
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        })

    @post("/{message_id:int}/retry")
    async def retry_one(self, request: Request, message_id: FromPath[int]) -> Redirect:
        await self._message(message_id)
        if await retry(message_id):
            notice(request, _("The message is queued again; it leaves with the next run of the outbox."))
        else:
            notice(request, _("Only a failed message can be sent again."), "error")
        return see_other(f"/admin/outbox/{message_id}")

    @post("/retry-failed")
    async def retry_failed(self, request: Request) -> Redirect:
        failed = await OutboxMessage.select(OutboxMessage.id).where(OutboxMessage.status == "failed")
        count = sum([await retry(row["id"]) for row in failed])
        notice(request, _("%(count)s failed messages queued again.", count=count))
        return see_other("/admin/outbox?status=queued")
