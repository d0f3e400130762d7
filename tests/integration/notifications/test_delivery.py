"""The outbox sent over a real SMTP server: headers, retries with back-off, failures, exactly once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from amap.lib.db import utcnow
from amap.lib.settings import get_settings
from amap.notifications.delivery import BACKOFF, deliver_due, requeue_abandoned, retry
from amap.notifications.outbox import Recipient, notify, recipients
from amap.notifications.tables import OptOut, OutboxMessage
from amap.notifications.transport import ConsoleTransport, SmtpTransport
from tests.smtp import free_port


async def queue_invitations(count: int) -> None:
    for n in range(count):
        await notify("household_invitation", f"test:{n}", Recipient(email=f"guest{n}@example.org", language="en"),
                     link=f"http://testserver/invitations/{n}", inviter="Alice")


async def statuses() -> list[str]:
    return [row["status"] for row in await OutboxMessage.select(OutboxMessage.status).order_by(OutboxMessage.id)]


async def test_a_queued_message_leaves_as_text_and_html_with_stable_headers(world, smtp, smtp_transport):
    [alice] = await recipients([world.users["alice"]])
    assert await notify("group_message", "test:headers", alice, group={"id": world.tilleuls, "name": "AMAP des Tilleuls",
                                                                      "language": "fr"},
                        message={"subject": "Assemblée générale", "body": "Jeudi à 19 h."}, author="Carol")
    assert await deliver_due(smtp_transport, "me") == 1
    [mail] = smtp.recorder.messages
    assert mail["To"] == "alice@example.org" and mail["From"] == get_settings().mail_from
    assert mail["Message-ID"].startswith("<") and mail["List-Unsubscribe"].strip().startswith("<http://testserver/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {part.get_content_type() for part in mail.iter_parts()} == {"text/plain", "text/html"}
    row = await OutboxMessage.select().where(OutboxMessage.key == "test:headers").first()
    assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"] is not None
    assert await deliver_due(smtp_transport, "me") == 0  # nothing is sent twice


async def test_the_same_event_is_stored_once_and_a_refused_kind_not_at_all(world):
    [alice] = await recipients([world.users["alice"]])
    group = {"id": world.tilleuls, "name": "AMAP des Tilleuls", "language": "fr"}
    message = {"subject": "S", "body": "B"}
    assert await notify("group_message", "test:once", alice, group=group, message=message, author="Carol")
    assert not await notify("group_message", "test:once", alice, group=group, message=message, author="Carol")
    await OptOut.insert(OptOut(user=world.users["alice"], kind="group_message"))
    assert not await notify("group_message", "test:other", alice, group=group, message=message, author="Carol")
    assert await OutboxMessage.count() == 1


async def test_a_temporary_refusal_is_retried_after_the_back_off(smtp, smtp_transport):
    await queue_invitations(1)
    smtp.recorder.refusals.append("451 4.3.0 Mailbox busy, try later")
    now = utcnow()
    assert await deliver_due(smtp_transport, "me", now) == 0
    row = await OutboxMessage.select().first()
    assert row["status"] == "queued" and row["attempts"] == 1 and "451" in row["last_error"]
    assert row["next_attempt_at"] == now + BACKOFF[0]
    assert await deliver_due(smtp_transport, "me", now + timedelta(seconds=30)) == 0  # not due yet
    assert await deliver_due(smtp_transport, "me", now + BACKOFF[0]) == 1
    assert len(smtp.recorder.messages) == 1 and await statuses() == ["sent"]


async def test_a_permanent_refusal_is_marked_failed_until_the_admin_retries(smtp, smtp_transport):
    await queue_invitations(2)
    smtp.recorder.refusals.append("550 5.1.1 No such user")
    assert await deliver_due(smtp_transport, "me") == 1  # the second still goes
    assert await statuses() == ["failed", "sent"]
    failed = await OutboxMessage.select().where(OutboxMessage.status == "failed").first()
    assert "550" in failed["last_error"]
    assert await retry(failed["id"]) and not await retry(failed["id"])
    assert await deliver_due(smtp_transport, "me") == 1
    assert await statuses() == ["sent", "sent"] and len(smtp.recorder.messages) == 2


async def test_retries_stop_after_the_last_back_off_step(smtp, smtp_transport):
    await queue_invitations(1)
    smtp.recorder.refusals.extend(["421 4.7.0 Try again"] * (len(BACKOFF) + 1))
    moment = utcnow()
    for _ in range(len(BACKOFF) + 1):
        await deliver_due(smtp_transport, "me", moment)
        moment += BACKOFF[-1]
    row = await OutboxMessage.select().first()
    assert row["status"] == "failed" and row["attempts"] == len(BACKOFF) + 1


async def test_an_unreachable_server_loses_nothing():
    await queue_invitations(3)
    down = SmtpTransport(replace(get_settings(), smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls="none"))
    assert await deliver_due(down, "me") == 0
    assert await statuses() == ["queued"] * 3


async def test_without_smtp_settings_mails_go_to_the_log(caplog):
    await queue_invitations(1)
    with caplog.at_level("WARNING", logger="amap.mail"):
        assert await deliver_due(ConsoleTransport(), "me") == 1
    assert "guest0@example.org" in caplog.text and "/invitations/0" in caplog.text
    assert await statuses() == ["sent"]


async def test_messages_a_dead_scheduler_left_half_sent_are_queued_again(smtp, smtp_transport):
    await queue_invitations(2)
    await OutboxMessage.update({OutboxMessage.status: "sending", OutboxMessage.claimed_by: "dead"}).where(
        OutboxMessage.key == "test:0")
    assert await requeue_abandoned("dead") == 0  # its own claims are not abandoned
    assert await requeue_abandoned("alive") == 1
    assert await deliver_due(smtp_transport, "alive") == 2


@pytest.mark.committed
async def test_two_senders_at_once_send_each_message_once(smtp, smtp_transport):
    await queue_invitations(20)
    results = await asyncio.gather(deliver_due(smtp_transport, "one"), deliver_due(smtp_transport, "two"))
    assert sum(results) == 20
    assert sorted(smtp.recorder.keys()) == sorted(set(smtp.recorder.keys())) and len(smtp.recorder.messages) == 20
