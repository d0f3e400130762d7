"""The administrator sees the scheduler and the outbox, reads a message, sends a failed one again."""

from __future__ import annotations

import re
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


async def test_a_committee_sees_and_retries_its_own_group_mail_only(client, world):
    group = {"id": world.tilleuls, "name": "AMAP des Tilleuls", "language": "fr"}
    await notify("group_invitation", "committee:1", Recipient(email="new@example.org"), group=group,
                 link="http://testserver/invitations/y", inviter="Carol")
    await notify("household_invitation", "committee:2", Recipient(email="other@example.org"),
                 link="http://testserver/invitations/z", inviter="Erin")  # no group: not the committee's
    await OutboxMessage.update({OutboxMessage.status: "failed", OutboxMessage.last_error: "550 unknown"}).where(
        OutboxMessage.key == "committee:1")
    ours = (await OutboxMessage.select(OutboxMessage.id).where(OutboxMessage.key == "committee:1").first())["id"]
    theirs = (await OutboxMessage.select(OutboxMessage.id).where(OutboxMessage.key == "committee:2").first())["id"]
    await login(client, world.email("carol"))
    listing = await client.get("/committee/tilleuls/outbox")
    assert listing.status_code == 200 and "new@example.org" in listing.text and "other@example.org" not in listing.text
    assert 'data-testid="scheduler-down"' in listing.text  # nobody runs the jobs in the tests
    assert (await client.get(f"/committee/tilleuls/outbox/{theirs}")).status_code == 404
    assert (await client.get("/committee/canal/outbox")).status_code == 404
    assert (await post_form(client, f"/committee/tilleuls/outbox/{theirs}/retry")).status_code == 404
    response = await post_form(client, f"/committee/tilleuls/outbox/{ours}/retry")
    assert response.status_code == 303
    assert (await OutboxMessage.select().where(OutboxMessage.id == ours).first())["status"] == "queued"
    client.cookies.clear()
    await login(client, world.email("alice"))
    assert (await client.get("/committee/tilleuls/outbox")).status_code in (403, 404)


async def test_the_outbox_is_read_fifty_messages_at_a_time(client, world):
    for n in range(55):
        await notify("household_invitation", f"page:{n}", Recipient(email=f"p{n}@example.org"),
                     link="http://testserver/invitations/p", inviter="Alice")
    await login(client, world.email("ada"))
    first = await client.get("/admin/outbox")
    assert first.text.count("@example.org</td>") == 50 and "p54@example.org" in first.text
    older = re.search(r'href="(/admin/outbox\?before=\d+)"', first.text)[1]
    second = await client.get(older)
    assert second.text.count("@example.org</td>") == 5 and "p0@example.org" in second.text
    assert 'data-testid="older"' not in second.text


async def test_the_admin_sends_every_failed_message_again_at_once(client, world):
    for n in range(3):
        await notify("household_invitation", f"all:{n}", Recipient(email=f"f{n}@example.org"),
                     link="http://testserver/invitations/f", inviter="Alice")
    await OutboxMessage.update({OutboxMessage.status: "failed"}).where(OutboxMessage.key != "all:2")
    await login(client, world.email("ada"))
    assert "(2)" in (await client.get("/admin/outbox")).text.split('status=failed"')[1][:60]
    assert (await post_form(client, "/admin/outbox/retry-failed")).status_code == 303
    assert {r["status"] for r in await OutboxMessage.select(OutboxMessage.status)} == {"queued"}
