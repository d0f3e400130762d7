"""`/committee/{slug}/messages`: a coordinator writes to part of the group, sees who it reaches, sends."""

from __future__ import annotations

import re
import secrets

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.group_messages import segments, sending
from amap.groups.committee import chosen_group
from amap.lib.access import current, requires_coordinator
from amap.lib.dates import local_today
from amap.lib.forms import Form
from amap.lib.i18n import _, ngettext
from amap.lib.web import form_data, notice, page, see_other

MAX_BODY = 10000
DRAFT_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
"""The form's draft token, as secrets.token_urlsafe makes it; anything else is ignored."""


def read_message(form: Form, options: list) -> tuple[segments.Segment | None, str, str]:
    """The segment, subject and body typed; errors recorded on the form."""
    value = form.get("to")
    segment = segments.find(options, value)
    if segment is None:
        form.error("to", _("Choose who receives the message.") if not value else _("Choose one of the options."))
    subject = " ".join(form.text("subject", max_length=200).split())  # one line: it becomes a mail header
    body = form.text("body", max_length=MAX_BODY).replace("\r\n", "\n")
    return segment, subject, body


class MessagesShortcutController(Controller):
    """`/committee/messages` from the navigation: the first group the person coordinates."""

    path = "/committee/messages"
    guards = [requires_coordinator]

    @get("", name="committee_messages")
    async def first_group(self, request: Request) -> Redirect:
        group, _groups = await chosen_group(current(request), None)
        return see_other(f"/committee/{group['slug']}/messages")


class GroupMessagesController(Controller):
    path = "/committee/{slug:str}/messages"
    guards = [requires_coordinator]

    async def _render(self, request: Request, slug: str, *, form: Form | None = None, reach: sending.Reach | None = None,
                      block: str | None = None, status_code: int = 200) -> Template:
        group, groups = await chosen_group(current(request), slug)
        today = local_today(group["timezone"])
        form = form or Form()
        return page(request, "group_messages/index.html", block=block, status_code=status_code, group=group,
                    groups=groups, form=form, draft=form.get("draft") or secrets.token_urlsafe(16),
                    options=await segments.choices(group, today), reach=reach,
                    history=await sending.history(group["id"]))

    @get("", name="group_messages")
    async def show(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._render(request, slug)

    @post("/recipients")
    async def recipients(self, request: Request, slug: FromPath[str]) -> Template:
        """Who the chosen segment reaches: the fragment under the select (htmx), or the whole page
        with what was typed kept (without JavaScript, the "Who will receive it?" button)."""
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        today = local_today(group["timezone"])
        segment = segments.find(await segments.choices(group, today), form.get("to"))
        reach = await sending.reach(segment, group, today) if segment else None
        if segment is None and form.get("to"):
            form.error("to", _("Choose one of the options."))
        return await self._render(request, slug, form=form, reach=reach, block="recipients",
                                  status_code=400 if form.errors else 200)

    @post("")
    async def send(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        principal = current(request)
        today = local_today(group["timezone"])
        form = Form(await form_data(request))
        segment, subject, body = read_message(form, await segments.choices(group, today))
        if not form.ok or segment is None:
            return await self._render(request, slug, form=form, status_code=400)
        draft = form.get("draft")
        try:
            _id, queued, skipped = await sending.send(
                group=group, author_id=principal.id, author_name=principal.name, segment=segment, subject=subject,
                body=body, today=today, draft=draft if DRAFT_RE.fullmatch(draft or "") else None)
        except sending.AlreadySent:
            notice(request, _("This message was already sent; it is not sent twice."), "error")
            return see_other(f"/committee/{slug}/messages")
        message = ngettext("Your message is on its way to %(num)s person.",
                           "Your message is on its way to %(num)s people.", queued)
        if skipped:
            message += " " + ngettext("%(num)s person chose not to receive committee messages.",
                                      "%(num)s people chose not to receive committee messages.", skipped)
        notice(request, message)
        return see_other(f"/committee/{slug}/messages")
