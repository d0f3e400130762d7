"""`/groups/{slug}/committee`: who holds what in the committee and how to reach them; handing over."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.accounts.tables import User
from amap.groups.tables import Coordinator, Group
from amap.lib.access import Principal, current, ensure, requires_login
from amap.lib.dates import local_today
from amap.lib.db import write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _, set_vocabulary
from amap.lib.web import form_data, notice, page, see_other
from amap.roster.tables import Responsibility


async def member_group(principal: Principal, slug: str) -> dict:
    group = await Group.select().where(Group.slug == slug).first()
    ensure(group is not None and principal.belongs_to(group["id"]))
    set_vocabulary(group["vocabulary"])  # the page speaks the group's words
    return group


async def committee_members(group_id: int) -> list[dict]:
    """The current coordinators, each with what they hold now."""
    people = await Coordinator.select(
        Coordinator.user, Coordinator.title, Coordinator.user.name.as_alias("name"),
        Coordinator.user.email.as_alias("email"), Coordinator.user.phone.as_alias("phone"),
    ).where((Coordinator.group == group_id) & Coordinator.ended_at.is_null()).order_by(Coordinator.granted_at)
    held = await Responsibility.select().where(
        (Responsibility.group == group_id) & Responsibility.until.is_null()).order_by(Responsibility.title)
    for person in people:
        person["responsibilities"] = [r for r in held if r["user"] == person["user"]]
    return people


class GroupCommitteeController(Controller):
    path = "/groups/{slug:str}/committee"
    guards = [requires_login]

    async def _render(self, request: Request, slug: str, *, form: Form | None = None,
                      handover_form: Form | None = None, status_code: int = 200) -> Template:
        principal = current(request)
        group = await member_group(principal, slug)
        people = await committee_members(group["id"])
        past = await Responsibility.select(Responsibility.all_columns(), Responsibility.user.name.as_alias("name")).where(
            (Responsibility.group == group["id"]) & Responsibility.until.is_not_null()
        ).order_by(Responsibility.until, ascending=False).limit(30)
        holders = await Responsibility.select(Responsibility.id, Responsibility.title,
                                              Responsibility.user.name.as_alias("name")).where(
            (Responsibility.group == group["id"]) & Responsibility.until.is_null()).order_by(Responsibility.title)
        today = local_today(group["timezone"]).isoformat()
        return page(request, "roster/responsibilities.html", status_code=status_code, group=group, people=people,
                    past=past, holders=[(str(h["id"]), f"{h['title']} ({h['name']})") for h in holders], coordinates=principal.coordinates(group["id"]),
                    form=form or Form({"since": today}), handover_form=handover_form or Form({"on": today}))

    @get("", name="group_committee")
    async def show(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._render(request, slug)

    async def _coordinated(self, request: Request, slug: str) -> tuple[dict, Form, set[int]]:
        principal = current(request)
        group = await member_group(principal, slug)
        if not principal.coordinates(group["id"]):
            raise PermissionDeniedException()
        coordinators = {row["user"] for row in await Coordinator.select(Coordinator.user).where(
            (Coordinator.group == group["id"]) & Coordinator.ended_at.is_null())}
        return group, Form(await form_data(request)), coordinators

    @post("/responsibilities")
    async def add(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group, form, coordinators = await self._coordinated(request, slug)
        title = form.text("title", max_length=100)
        user_id = form.integer("user_id", minimum=1, maximum=2**31 - 1)
        since = form.date("since")
        if form.ok and user_id not in coordinators:
            form.error("user_id", _("Choose a member of the committee."))
        if not form.ok:
            return await self._render(request, slug, form=form, status_code=400)
        await Responsibility.insert(Responsibility(group=group["id"], title=title, user=user_id, since=since,
                                                   handed_over_by=current(request).id))
        notice(request, _("The responsibility is recorded."))
        return see_other(f"/groups/{slug}/committee")

    @post("/responsibilities/hand-over")
    async def hand_over(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        """The old holder's row is closed on the date, a new one opens for the next person: history stays."""
        group, form, coordinators = await self._coordinated(request, slug)
        responsibility_id = form.integer("responsibility_id", minimum=1, maximum=2**31 - 1)
        user_id = form.integer("to_user_id", minimum=1, maximum=2**31 - 1)
        on = form.date("on")
        held = await Responsibility.select().where(
            (Responsibility.id == responsibility_id) & (Responsibility.group == group["id"])
            & Responsibility.until.is_null()).first() if form.ok else None
        if form.ok and held is None:
            form.error("responsibility_id", _("Choose one of the options."))
        if form.ok and user_id not in coordinators:
            form.error("to_user_id", _("Choose a member of the committee."))
        if form.ok and user_id == held["user"]:
            form.error("to_user_id", _("Choose someone else than the current holder."))
        if form.ok and on < held["since"]:
            form.error("on", _("Choose a date after %(date)s, when they took it on.", date=held["since"].isoformat()))
        if not form.ok:
            return await self._render(request, slug, handover_form=form, status_code=400)
        async with write_transaction():
            closed = await Responsibility.update({Responsibility.until: on}).where(
                (Responsibility.id == held["id"]) & Responsibility.until.is_null()).returning(Responsibility.id)
            ensure(bool(closed))
            await Responsibility.insert(Responsibility(group=group["id"], title=held["title"], user=user_id, since=on,
                                                       handed_over_by=current(request).id))
        name = (await User.select(User.name).where(User.id == user_id).first())["name"]
        notice(request, _("%(title)s is handed over to %(name)s.", title=held["title"], name=name))
        return see_other(f"/groups/{slug}/committee")
