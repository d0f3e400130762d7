"""A group's own subject and opening paragraph for a kind of message: checking, saving, previewing."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from jinja2 import TemplateError
from jinja2_fragments import render_block

from amap.groups.tables import Place
from amap.lib.dates import local_today
from amap.lib.db import utcnow
from amap.lib.i18n import _, using_language
from amap.lib.settings import get_settings
from amap.notifications.kinds import KINDS, Kind
from amap.notifications.outbox import Recipient, Rendered, fill, mail_environment, render
from amap.notifications.samples import sample_context
from amap.notifications.tables import Wording

log = logging.getLogger("amap.mail")

MAX_SUBJECT = 200
MAX_INTRO = 2000
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


def editable_kinds() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.editable]


def unknown_placeholders(text: str, kind: Kind) -> list[str]:
    return sorted({name for name in PLACEHOLDER_RE.findall(text) if name not in kind.placeholders})


async def wordings_of(group_id: int) -> dict[tuple[str, str], dict]:
    """The group's own wordings, by (kind, language)."""
    rows = await Wording.select().where(Wording.group == group_id)
    return {(row["kind"], row["language"]): row for row in rows}


async def save(group_id: int, kind: str, language: str, *, subject: str, intro: str, user_id: int) -> None:
    """Keep the group's wording; both fields empty is the default again (no row)."""
    if not subject and not intro:
        await reset(group_id, kind, language)
        return
    await Wording.insert(Wording(group=group_id, kind=kind, language=language, subject=subject, intro=intro,
                                 updated_by=user_id, updated_at=utcnow())).on_conflict(
        target=(Wording.group, Wording.kind, Wording.language), action="DO UPDATE",
        values=[Wording.subject, Wording.intro, Wording.updated_by, Wording.updated_at])


async def reset(group_id: int, kind: str, language: str) -> None:
    await Wording.delete().where((Wording.group == group_id) & (Wording.kind == kind) & (Wording.language == language))


async def example_words(kind: Kind, group: dict) -> dict[str, object]:
    """Plausible values for the placeholders, for kinds whose domain gave no sample message."""
    place = await Place.select(Place.name).where(Place.group == group["id"]).order_by(Place.id).first()
    return {"group": group["name"], "name": "Camille",
            "date": local_today(group["timezone"]) + timedelta(days=7),
            "place": place["name"] if place else _("the distribution place"),
            "role": _("Set-up"), "farm": _("the farm")}


@dataclass(frozen=True)
class Preview:
    subject: str
    intro: str
    text: str | None
    """The whole message as the recipient reads it; None when the kind has no sample to fill it."""


def _example_context(group: dict, language: str, examples: dict) -> dict:
    recipient = Recipient(email="camille@example.org", name=str(examples["name"]), language=language)
    return {"recipient": recipient, "group": group, "words": examples, "base_url": get_settings().base_url,
            "unsubscribe_url": ""}


def _default_block(kind: str, block: str, context: dict) -> str | None:
    """A block of the kind's template with example words only; None when it needs more than that."""
    try:
        return render_block(mail_environment(), f"mail/{kind}.txt", block, **context).strip()
    except (TemplateError, TypeError):  # TypeError: ngettext() of a count the example words lack
        return None


def defaults(kind: Kind, group: dict, language: str, examples: dict) -> tuple[str | None, str | None]:
    """The default subject and opening in `language`, as far as example words can fill them."""
    with using_language(language):
        context = _example_context(group, language, examples)
        return _default_block(kind.code, "subject", context), _default_block(kind.code, "intro", context)


def _render_sample(kind: Kind, group: dict, language: str, wording: dict, examples: dict) -> Rendered | None:
    """The whole message from the domain's sample context, or None when the domain gave none."""
    sample = sample_context(kind.code, group)
    if sample is None:
        return None
    context = {key: value for key, value in sample.items() if key != "words"}
    words = {**examples, **sample.get("words", {})}
    recipient = Recipient(email="camille@example.org", name=str(words["name"]), language=language)
    return render(kind.code, recipient=recipient, group=group, wording=wording, words=words,
                  unsubscribe=f"{get_settings().base_url}/unsubscribe/…", **context)


async def preview(kind: Kind, group: dict, language: str, wording: dict) -> Preview:
    """The message rendered as `notify` would, in `language`, with the domain's sample when there
    is one; otherwise only the subject and opening paragraph, filled with example words."""
    with using_language(language):
        examples = await example_words(kind, group)
        try:
            rendered = _render_sample(kind, group, language, wording, examples)
        except Exception:  # noqa: BLE001 - a sample that no longer fits its template must not break the page
            log.exception("preview of %s failed with its sample", kind.code)
            rendered = None
        if rendered is not None:
            return Preview(subject=rendered.subject, intro="", text=rendered.text)
        context = _example_context(group, language, examples)
        subject = fill(wording.get("subject", ""), examples).strip() or _default_block(kind.code, "subject", context)
        intro = fill(wording.get("intro", ""), examples).strip() or _default_block(kind.code, "intro", context)
        return Preview(subject=subject or _("(the default subject)"), intro=intro or _("(the default opening)"),
                       text=None)
