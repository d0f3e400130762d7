"""The committee's history pages: `/committee/{slug}/history`, the group's latest changes, and
`/committee/{slug}/history/{kind}/{id}`, one object's whole history."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from amap.audit import describe, history
from amap.audit.log import KINDS
from amap.groups.committee import chosen_group
from amap.lib import pagination
from amap.lib.access import current, ensure, requires_coordinator
from amap.lib.i18n import _
from amap.lib.web import Refused, page

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: anything above names nothing


class AuditController(Controller):
    path = "/committee/{slug:str}/history"
    guards = [requires_coordinator]

    @get("", name="audit_history")
    async def index(self, request: Request, slug: FromPath[str], kind: FromQuery[str] = "",
                    page_number: pagination.PageQuery = None) -> Template:
        """The group's latest changes, newest first, 50 a page, of one kind of object or all."""
        group, groups = await chosen_group(current(request), slug)
        if kind and kind not in KINDS:
            raise Refused(_("Choose one of the kinds of change listed."))
        number = pagination.page_number(page_number)
        pages = pagination.pager(request, number, await history.count(group["id"], kind or None), keep={"kind": kind})
        return page(request, "audit/index.html", block=pagination.list_block(request, "audit-list", "audit_list"),
                    group=group, groups=groups, kind=kind, pager=pages,
                    lines=await history.latest(group["id"], kind or None, limit=pages.size, offset=pages.offset),
                    kinds=[(code, str(describe.KIND_NAMES[code])) for code in KINDS])

    @get("/{subject_kind:str}/{subject_id:int}", name="audit_object")
    async def show(self, request: Request, slug: FromPath[str], subject_kind: FromPath[str],
                   subject_id: FromPath[int]) -> Template:
        """Everything recorded about one object of the group, oldest first; 404 for another group's."""
        group, _groups = await chosen_group(current(request), slug)
        kind = subject_kind
        ensure(kind in KINDS and 1 <= subject_id <= MAX_ID)
        lines = await history.of_object(group["id"], kind, subject_id)
        ensure(bool(lines))
        own = next((line for line in lines if line.kind == kind and line.subject_id == subject_id), lines[0])
        return page(request, "audit/object.html", group=group, kind=kind, subject_id=subject_id, lines=lines,
                    title=own.about if own.kind == kind else str(describe.SUBJECT_NAMES[kind]),
                    object_url=OBJECT_URLS.get(kind, "").format(id=subject_id))


OBJECT_URLS = {
    "subscription": "/subscriptions/{id}",
    "distribution": "/distributions/{id}",
    "delivery": "/deliveries/{id}/announcement",
    "remittance": "/remittances/{id}",
}
"""The page of the object itself, for the kinds that have one."""
