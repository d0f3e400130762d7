"""Putting messages in the outbox: rendered in the recipient's language and the group's words, stored once per key.

Every e-mail of the application goes through `notify`. The worker sends what is stored
(`delivery.py`); a job that runs twice stores nothing twice because each message carries the
key of the business event it tells about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment
from jinja2_fragments import render_block

from amap.accounts.tables import User
from amap.groups.tables import Group
from amap.lib import dates
from amap.lib.i18n import LANGUAGES, get_language, using_language, using_vocabulary
from amap.lib.settings import get_settings
from amap.lib.templating import make_environment
from amap.notifications.kinds import KINDS
from amap.notifications.signing import unsubscribe_url
from amap.notifications.tables import OptOut, OutboxMessage, Wording

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


@dataclass(frozen=True)
class Recipient:
    email: str
    user_id: int | None = None
    name: str = ""
    language: str = ""


@cache
def mail_environment() -> Environment:
    return make_environment(TEMPLATES)


async def recipients(user_ids: list[int] | set[int]) -> list[Recipient]:
    """The active accounts among these ids, ordered by id (so batches are stable)."""
    if not user_ids:
        return []
    rows = await User.select(User.id, User.email, User.name, User.language).where(
        User.id.is_in(sorted(user_ids)) & (User.is_active == True)  # noqa: E712 - piccolo needs ==
    ).order_by(User.id)
    return [Recipient(email=r["email"], user_id=r["id"], name=r["name"], language=r["language"]) for r in rows]


async def household_recipients(household_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """The active accounts of each household: every adult is told, not only the one who signed."""
    ids = sorted(set(household_ids))
    if not ids:
        return {}
    homes = {row["id"]: row["household"] for row in await User.select(User.id, User.household).where(
        User.household.is_in(ids))}
    found: dict[int, list[Recipient]] = {}
    for recipient in await recipients(list(homes)):
        found.setdefault(homes[recipient.user_id], []).append(recipient)
    return found


async def stored_keys(keys: Iterable[str]) -> set[str]:
    """The keys already in the outbox, in one query: frequent jobs stop there for events already told,
    before rendering (or even computing) anything."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    return {row["key"] for row in await OutboxMessage.select(OutboxMessage.key).where(OutboxMessage.key.is_in(wanted))}


async def message_groups() -> list[dict]:
    """Every group, with what a message needs of it: its name, address, language, clock and words."""
    return await Group.select(Group.id, Group.name, Group.slug, Group.timezone, Group.language,
                              Group.vocabulary).order_by(Group.id)


def week_of(day: date) -> str:
    """The ISO week of a day ("2026-W48"), for the keys of weekly digests."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def opted_out(user_ids: list[int], kind: str) -> set[int]:
    if not user_ids:
        return set()
    rows = await OptOut.select(OptOut.user).where(OptOut.user.is_in(list(user_ids)) & (OptOut.kind == kind))
    return {row["user"] for row in rows}


def _word(value: object) -> str:
    if isinstance(value, datetime):
        return dates.format_datetime(value, get_language())
    if isinstance(value, date):
        return dates.format_date(value, get_language())
    return str(value)


def fill(text: str, words: dict[str, object]) -> str:
    """Replace {name} placeholders a committee wrote; anything else stays as typed."""
    return re.sub(r"\{(\w+)\}", lambda m: _word(words[m[1]]) if m[1] in words else m[0], text)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, *, recipient: Recipient, group: dict | None = None, wording: dict | None = None,
           words: dict[str, object] | None = None, unsubscribe: str = "", **context: object) -> Rendered:
    """Render `mail/<kind>.txt` (blocks subject, intro, body) and `mail/<kind>.html` in the current language.

    A group's own wording replaces the default subject and opening paragraph.
    """
    env = mail_environment()
    words = {"group": group["name"] if group else "", "name": recipient.name, **(words or {})}
    ctx = {"recipient": recipient, "group": group, "base_url": get_settings().base_url,
           "unsubscribe_url": unsubscribe, "words": words, **context}
    txt, html = f"mail/{kind}.txt", f"mail/{kind}.html"
    subject = render_block(env, txt, "subject", **ctx).strip()
    intro = render_block(env, txt, "intro", **ctx).strip()
    if wording:
        subject = fill(wording["subject"], words).strip() or subject
        intro = fill(wording["intro"], words).strip() or intro
    ctx["intro"] = intro
    text = render_block(env, txt, "body", **ctx).strip() + "\n" + env.get_template("mail/_footer.txt").render(**ctx)
    body_html = env.get_template(html).render(subject=subject, **ctx)
    return Rendered(subject=" ".join(subject.split())[:300], text=text, html=body_html)


def event_key(*parts: object) -> str:
    """An outbox key from the parts naming one event; a secret (a token) is hashed, never stored."""
    return ":".join(str(part) for part in parts)[:200]


def language_for(recipient: Recipient, group: dict | None) -> str:
    for candidate in (recipient.language, group.get("language") if group else None, get_settings().default_language):
        if candidate in LANGUAGES:
            return candidate
    return "fr"


async def group_wording(group_id: int, kind: str, language: str) -> dict | None:
    return await Wording.select(Wording.subject, Wording.intro).where(
        (Wording.group == group_id) & (Wording.kind == kind) & (Wording.language == language)).first()


async def notify(kind: str, key: str, recipient: Recipient, *, group: dict | None = None,
                 words: dict[str, object] | None = None, **context: object) -> bool:
    """Store one message for one recipient. False when the key is already stored or the member
    refused this kind of message; True when it was queued."""
    spec = KINDS[kind]
    if spec.optional and recipient.user_id is not None and await opted_out([recipient.user_id], kind):
        return False
    if await OutboxMessage.exists().where(OutboxMessage.key == key):
        return False  # rendering is the costly part: skip it for events already told
    language = language_for(recipient, group)
    wording = await group_wording(group["id"], kind, language) if group and spec.editable else None
    unsubscribe = unsubscribe_url(recipient.user_id, kind) if spec.optional and recipient.user_id else ""
    # A mail about a group speaks its words (a group dict without them: the catalogs'); one about no group,
    # the catalogs' words, whatever the page that sent it spoke.
    with using_language(language), using_vocabulary(group.get("vocabulary") if group else None):
        rendered = render(kind, recipient=recipient, group=group, wording=wording, words=words,
                          unsubscribe=unsubscribe, **context)
    return await enqueue(kind=kind, key=key, recipient=recipient, language=language, rendered=rendered,
                         group_id=group["id"] if group else None, unsubscribe=unsubscribe)


async def enqueue(*, kind: str, key: str, recipient: Recipient, language: str, rendered: Rendered,
                  group_id: int | None = None, unsubscribe: str = "") -> bool:
    # DO NOTHING rather than catching the error: on PostgreSQL a failed INSERT spoils the transaction.
    rows = await OutboxMessage.insert(OutboxMessage(
        key=key[:200], kind=kind, group=group_id, user=recipient.user_id, to_address=recipient.email,
        language=language, subject=rendered.subject, body_text=rendered.text, body_html=rendered.html,
        unsubscribe_url=unsubscribe,
    )).on_conflict(target=OutboxMessage.key, action="DO NOTHING").returning(OutboxMessage.id)
    return bool(rows)
