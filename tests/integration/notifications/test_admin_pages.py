"""The administrator sees the scheduler and the outbox, reads a message, sends a failed one again."""

from __future__ import annotations

from datetime import timedelta

from amap.lib.db import utcnow
from amap.notifications.outbox import Recipient, notify
from amap.notifications.tables import OutboxMessage
from amap.system.tables import JobRun, SchedulerLease
from tests.integration.conftest import login, post_form


async def failed_message() -> int:
    await notify("household_invitation", "admin:1", Recipient(email="guest@example.org", language="en"),
                 link="http://testserver/invitations/x", inviter="Alice")
    row = await OutboxMessage.select(OutboxMessage.id).first()
    await OutboxMessage.update({OutboxMessage.status: "failed", OutboxMessage.attempts: 9,
                                OutboxMessage.last_error: "550 5.1.1 No such user"}).where(
        OutboxMessage.id == row["id"])
    return row["id"]


async def test_the_scheduler_page_shows_the_holder_the_jobs_and_their_failures(client, world):
    now = utcnow()
    await SchedulerLease.insert(SchedulerLease(name="scheduler", holder="host:42:abcd", acquired_at=now,
                                               expires_at=now + timedelta(seconds=30)))
    await JobRun.insert(JobRun(job="sync-calendars", run_for=now, started_at=now, finished_at=now, status="failed",
                               error="RuntimeError: the calendar broke", holder="host:42:abcd"))
    await login(client, world.email("ada"))
    page = await client.get("/admin/scheduler")
    assert page.status_code == 200 and 'data-testid="scheduler-alive"' in page.text and "host:42:abcd" in page.text
    assert 'data-job="deliver-outbox"' in page.text and "the calendar broke" in page.text


async def test_the_scheduler_page_says_when_nobody_runs_the_jobs(client, world):
    await login(client, world.email("ada"))
    assert 'data-testid="scheduler-down"' in (await client.get("/admin/scheduler")).text


async def test_the_admin_reads_a_failed_message_and_sends_it_again(client, world):
    message_id = await failed_message()
    await login(client, world.email("ada"))
    listing = await client.get("/admin/outbox?status=failed")
    assert listing.status_code == 200 and "guest@example.org" in listing.text
    detail = await client.get(f"/admin/outbox/{message_id}")
    assert "550 5.1.1" in detail.text and "/invitations/x" in detail.text and 'data-testid="retry"' in detail.text
    html = await client.get(f"/admin/outbox/{message_id}/html")
    assert "sandbox" in html.headers["content-security-policy"] and "<a href=" in html.text
    response = await post_form(client, f"/admin/outbox/{message_id}/retry", page="/admin/outbox")
    assert response.status_code == 303
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert row["status"] == "queued" and row["attempts"] == 0
    again = await post_form(client, f"/admin/outbox/{message_id}/retry")  # not failed any more: nothing happens
    assert again.status_code == 303 and (await OutboxMessage.select().first())["status"] == "queued"


async def test_bad_ids_and_filters_are_refused_quietly(client, world):
    await login(client, world.email("ada"))
    assert (await client.get("/admin/outbox/999999")).status_code == 404
    assert (await client.get("/admin/outbox/nope")).status_code in (400, 404)
    assert (await client.get("/admin/outbox?status=<script>")).status_code == 200
    assert (await client.get("/admin/outbox?before=abc")).status_code == 400


async def test_only_the_site_administrator_sees_the_outbox(client, world):
    message_id = await failed_message()
    for who in ("carol", "alice", "dan"):
        client.cookies.clear()
        await login(client, world.email(who))
        for url in ("/admin/scheduler", "/admin/outbox", f"/admin/outbox/{message_id}"):
            assert (await client.get(url)).status_code in (403, 404), (who, url)
        assert (await post_form(client, f"/admin/outbox/{message_id}/retry", page="/me")).status_code in (403, 404)
    assert (await OutboxMessage.select().first())["status"] == "failed"
