"""Sending a committee message through the outbox, telling who it reaches first, and its history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from amap.group_messages.segments import Segment, user_ids
from amap.lib.db import is_unique_violation, write_transaction
from amap.notifications.outbox import Recipient, notify, opted_out, recipients
from amap.notifications.tables import GroupMessage, OutboxMessage

KIND = "group_message"
PREVIEW_NAMES = 40
"""Names listed before "and N more": enough to recognise the segment, short enough on a phone."""


@dataclass(frozen=True)
class Reach:
    """Who a message to a segment reaches, before it is sent."""

    people: list[Recipient]  # every active account of the segment, by name
    refused: set[int]  # the ids among them who chose not to receive committee messages

    @property
    def receiving(self) -> list[Recipient]:
        return [p for p in self.people if p.user_id not in self.refused]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.receiving[:PREVIEW_NAMES]]

    @property
    def more(self) -> int:
        return max(0, len(self.receiving) - PREVIEW_NAMES)


async def reach(segment: Segment, group: dict, today: date) -> Reach:
    people = await recipients(await user_ids(segment, group, today))
    people.sort(key=lambda p: (p.name.casefold(), p.user_id))
    return Reach(people=people, refused=await opted_out([p.user_id for p in people], KIND))


def message_key(message_id: int, user_id: int | None) -> str:
    return f"{KIND}:{message_id}:{user_id}"


class AlreadySent(Exception):
    """The form holding this draft token was sent already (a double click, a resent POST)."""


async def send(*, group: dict, author_id: int, author_name: str, segment: Segment, subject: str, body: str,
               today: date, draft: str | None = None) -> tuple[int, int, int]:
    """Store the message and one outbox message per person reached, all or nothing.

    Returns (message id, messages queued, people skipped because they refused committee
    messages). `recipients` on the row counts everyone reached, the skipped included, so the
    history can say honestly how many were left out. Raises AlreadySent for a draft sent before.
    """
    try:
        return await _send(group=group, author_id=author_id, author_name=author_name, segment=segment,
                           subject=subject, body=body, today=today, draft=draft)
    except Exception as error:
        if is_unique_violation(error):  # the same draft sent at the same instant by a double click
            raise AlreadySent from error
        raise


async def _send(*, group: dict, author_id: int, author_name: str, segment: Segment, subject: str, body: str,
                today: date, draft: str | None) -> tuple[int, int, int]:
    async with write_transaction():
        if draft and await GroupMessage.exists().where(GroupMessage.draft == draft):
            raise AlreadySent
        people = await recipients(await user_ids(segment, group, today))
        rows = await GroupMessage.insert(GroupMessage(
            group=group["id"], author=author_id, segment=segment.kind, segment_ref=segment.ref,
            segment_label=segment.label[:300], subject=subject, body=body, recipients=len(people), draft=draft,
        )).returning(GroupMessage.id)
        message_id = rows[0]["id"]
        queued = 0
        for person in people:
            # notify skips those who refused this kind, and renders in each person's language.
            if await notify(KIND, message_key(message_id, person.user_id), person, group=group,
                            message={"subject": subject, "body": body}, author=author_name):
                queued += 1
    return message_id, queued, len(people) - queued


async def history(group_id: int, limit: int = 50) -> list[dict]:
    """The group's latest messages, each with how many are queued, sent, failed and skipped."""
    messages = await GroupMessage.select(
        GroupMessage.id, GroupMessage.created_at, GroupMessage.segment_label, GroupMessage.subject,
        GroupMessage.recipients, GroupMessage.author.name.as_alias("author_name"),
    ).where(GroupMessage.group == group_id).order_by(GroupMessage.created_at, ascending=False).order_by(
        GroupMessage.id, ascending=False).limit(limit)
    counts: dict[int, Counter] = {m["id"]: Counter() for m in messages}
    if messages:
        # Their outbox rows were stored after them: the oldest shown bounds the rows read.
        since = min(m["created_at"] for m in messages)
        for row in await OutboxMessage.select(OutboxMessage.key, OutboxMessage.status).where(
                (OutboxMessage.kind == KIND) & (OutboxMessage.group == group_id) & (OutboxMessage.created_at >= since)):
            part = row["key"].split(":")[1]
            message_id = int(part) if part.isdigit() else None
            if message_id in counts:
                # "sending" is a passing state of the worker: for the committee it is still on its way.
                counts[message_id]["queued" if row["status"] == "sending" else row["status"]] += 1
    for message in messages:
        found = counts[message["id"]]
        message["queued"], message["sent"], message["failed"] = found["queued"], found["sent"], found["failed"]
        message["skipped"] = max(0, message["recipients"] - sum(found.values()))
    return messages
