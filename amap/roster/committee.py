"""`/committee/{slug}/roster`: roles and needs, the coverage grid, assigning and confirming shifts,
who is behind, and the printable monthly roster."""

from __future__ import annotations

from datetime import date, timedelta

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.accounts.search import household_matches
from amap.accounts.tables import User
from amap.groups.committee import chosen_group
from amap.groups.tables import Membership
from amap.lib import pagination
from amap.lib.access import current, ensure, requires_coordinator
from amap.lib.dates import local_today
from amap.lib.db import utcnow, write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.prepared import prepared
from amap.lib.web import form_data, notice, page, see_other
from amap.roster import notices
from amap.roster.obligations import progress, season_obligations, standing_page
from amap.roster.slots import MISSING_SLOTS, add_missing_slots, free_place, is_live, sync_slots, take_place
from amap.roster.tables import Obligation, RosterRole, RosterTask, Signup, Slot

GRID_WEEKS = 8
MAX_PEOPLE = 20
ON_SLOT = ("signed", "done", "no_show")


async def active_adults(group_id: int) -> list[dict]:
    """The adults of the group's active households: who may be put on a slot."""
    households = await Membership.select(Membership.household).where(
        (Membership.group == group_id) & (Membership.status == "active"))
    return await User.select(User.id, User.name, User.household, User.household.name.as_alias("household_name")).where(
        User.household.is_in([h["household"] for h in households] or [-1]) & (User.is_active == True)  # noqa: E712
    ).order_by(User.name)


# The grid's columns, the group's active roles, each with whether any of the group's slots is missing
# (slots.MISSING_SLOTS): the check of sync_slots made in the same reading.
ROLES_SQL = f"""
SELECT roster_role.id, roster_role."group", roster_role.name, roster_role.description, roster_role.people_needed,
  roster_role.archived_at, {MISSING_SLOTS} AS missing_slots
FROM roster_role WHERE roster_role."group" = {{}} AND roster_role.archived_at IS NULL ORDER BY roster_role.id
"""
_ROLES = prepared(lambda group: RosterRole.raw(ROLES_SQL, group, group, group))
# The live slots of the period, each with the people on it (a row per person, one without anyone for
# an empty slot), in one statement rather than the slots, then the people.
GRID_SQL = f"""
SELECT roster_slot.id, roster_slot."group", roster_slot.distribution, roster_slot.task, roster_slot.role,
  roster_slot.held_on, roster_slot.capacity, roster_slot.taken, roster_task.title AS task_title,
  roster_task.place AS task_place, roster_task.starts_at AS task_starts_at,
  roster_signup.id AS signup_id, app_user.name AS signup_name
FROM roster_slot
LEFT JOIN roster_task ON roster_task.id = roster_slot.task
LEFT JOIN distribution ON distribution.id = roster_slot.distribution
LEFT JOIN roster_role ON roster_role.id = roster_slot.role
LEFT JOIN roster_signup ON roster_signup.slot = roster_slot.id
  AND roster_signup.status IN ({", ".join(f"'{status}'" for status in ON_SLOT)})
LEFT JOIN app_user ON app_user.id = roster_signup."user"
WHERE roster_slot."group" = {{}} AND roster_slot.held_on >= {{}} AND roster_slot.held_on <= {{}}
  AND (roster_slot.distribution IS NULL OR distribution.status = 'planned')
  AND (roster_slot.role IS NULL OR roster_role.archived_at IS NULL)
ORDER BY roster_slot.held_on, roster_slot.id, roster_signup.id
"""  # live as slots.is_live() says: not at a cancelled distribution, not of an archived role
_GRID = prepared(lambda group, first, last: Slot.raw(GRID_SQL, group, first, last))
_OPEN_SLOTS = prepared(lambda group, today: Slot.select(
    Slot.id, Slot.held_on, Slot.capacity, Slot.taken, Slot.role.name.as_alias("role_name"),
    Slot.task.title.as_alias("task_title")).where(
    (Slot.group == group) & (Slot.held_on >= today) & (Slot.taken < Slot.capacity) & is_live()
).order_by(Slot.held_on).limit(60))


async def grid(group_id: int, starts_on: date, ends_on: date) -> tuple[list[dict], list[dict]]:
    """Roles (columns) and rows (one per distribution or task) of slots between two dates, names included;
    the group's slots brought up to date first, as sync_slots does."""
    roles = await _ROLES(group=group_id)
    if not roles:  # no row to carry the check
        await sync_slots(group_id)
    elif any([role.pop("missing_slots") for role in roles]):  # a list: each role's flag taken out
        await add_missing_slots(group_id)
    slots: dict[int, dict] = {}
    for row in await _GRID(group=group_id, first=starts_on, last=ends_on):
        signup, name = row.pop("signup_id"), row.pop("signup_name")
        slot = slots.get(row["id"])
        if slot is None:
            slot = slots[row["id"]] = row | {"people": [], "missing": max(0, row["capacity"] - row["taken"])}
        if signup is not None:
            slot["people"].append({"name": name})
    role_ids = {role["id"] for role in roles}
    rows: dict[tuple, dict] = {}
    for slot in slots.values():
        if slot["task"]:
            rows[("task", slot["task"])] = {"held_on": slot["held_on"], "task": slot, "cells": {}}
        elif slot["role"] in role_ids:
            row = rows.setdefault(("distribution", slot["distribution"]),
                                  {"held_on": slot["held_on"], "task": None, "cells": {}})
            row["cells"][slot["role"]] = slot
    return roles, sorted(rows.values(), key=lambda r: (r["held_on"], r["task"] is not None))


async def group_slot(group_id: int, slot_id: int) -> dict:
    slot = await Slot.select(Slot.all_columns(), Slot.role.name.as_alias("role_name"),
                             Slot.task.title.as_alias("task_title")).where(
        (Slot.id == slot_id) & (Slot.group == group_id)).first()
    ensure(slot is not None)
    return slot


async def group_signup(group_id: int, signup_id: int) -> dict:
    signup = await Signup.select(Signup.all_columns(), Signup.slot.held_on.as_alias("held_on"),
                                 Signup.user.name.as_alias("name")).where(
        (Signup.id == signup_id) & (Signup.slot.group == group_id)).first()
    ensure(signup is not None)
    return signup


async def behind_households(group_id: int, today: date) -> list[dict]:
    """Every active household with its progress, those behind first (the most missing at the top)."""
    households = await Membership.select(Membership.household, Membership.household.name.as_alias("name")).where(
        (Membership.group == group_id) & (Membership.status == "active")).order_by(Membership.household.name)
    counted = await progress(group_id, [h["household"] for h in households], today)
    for household in households:
        household["progress"] = counted[household["household"]]
    return sorted(households, key=lambda h: (not h["progress"].behind, -h["progress"].missing))


def parse_day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


class RosterCommitteeController(Controller):
    path = "/committee/{slug:str}/roster"
    guards = [requires_coordinator]

    # --- the coverage grid -------------------------------------------------------------------

    async def _coverage(self, request: Request, slug: str, starts: str | None, q: str, number: int) -> Template:
        group, groups = await chosen_group(current(request), slug)
        today = local_today(group["timezone"])
        condition = household_matches(Membership.household, q, Membership.select(Membership.household).where(
            Membership.group == group["id"])) if q else None
        obligations = await season_obligations(group["id"], today)
        # The page and how many households are listed (and behind), in one reading.
        households, standing = await standing_page(group["id"], today, condition, limit=pagination.PAGE_SIZE,
                                                   offset=pagination.page_offset(number), obligations=obligations)
        pages = pagination.pager(request, number, standing["households"], keep={"from": starts, "q": q})
        block = pagination.list_block(request, "behind-list", "behind_list")
        if block is not None:  # the list alone, for its search box and pages
            return page(request, "roster/coverage.html", block=block, group=group, households=households,
                        pager=pages, q=q)
        starts_on = parse_day(starts, today)
        ends_on = starts_on + timedelta(weeks=GRID_WEEKS)
        roles, rows = await grid(group["id"], starts_on, ends_on)
        # The slots to invite the households behind to: none to invite, no form, nothing to read.
        open_slots = await _OPEN_SLOTS(group=group["id"], today=today) if standing["behind"] else []
        return page(request, "roster/coverage.html", group=group, groups=groups,
                    roles=roles, rows=rows, starts_on=starts_on, ends_on=ends_on, households=households,
                    pager=pages, q=q, behind=standing["behind"], open_slots=open_slots, today=today,
                    earlier=starts_on - timedelta(weeks=GRID_WEEKS), later=ends_on + timedelta(days=1))

    @get("", name="committee_roster")
    async def coverage(self, request: Request, slug: FromPath[str], q: FromQuery[str] = "",
                       page_number: pagination.PageQuery = None) -> Template:
        """?from=YYYY-MM-DD: the first day shown (today by default); the households, 50 a page, those
        behind first, searched by ?q= (a household's name, an adult's name or e-mail)."""
        return await self._coverage(request, slug, request.query_params.get("from"), pagination.search_term(q),
                                    pagination.page_number(page_number))

    @post("/invite")
    async def invite(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        """Fill a gap: invite the adults of every household behind to take this slot (each asked once)."""
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        slot_id = form.integer("slot_id", minimum=1, maximum=2**31 - 1)
        ensure(form.ok)
        slot = await group_slot(group["id"], slot_id)
        ensure(slot["taken"] < slot["capacity"])
        today = local_today(group["timezone"])
        behind = {h["household"] for h in await behind_households(group["id"], today) if h["progress"].behind}
        adults = [a["id"] for a in await active_adults(group["id"]) if a["household"] in behind]
        async with write_transaction():  # the invitations are stored at the action, all or none
            sent = await notices.invite(group, slot["id"], adults, invited_by=current(request).name)
        notice(request, _("%(num)s invitations sent.", num=sent))
        return see_other(f"/committee/{slug}/roster")

    # --- one slot: assigning, removing, confirming -------------------------------------------

    async def _slot(self, request: Request, slug: str, slot_id: int, *, form: Form | None = None,
                    status_code: int = 200) -> Template:
        group, groups = await chosen_group(current(request), slug)
        slot = await group_slot(group["id"], slot_id)
        signups = await Signup.select(Signup.all_columns(), Signup.user.name.as_alias("name"),
                                      Signup.household.name.as_alias("household_name")).where(
            (Signup.slot == slot_id) & Signup.status.is_in(list(ON_SLOT))).order_by(Signup.id)
        for signup in signups:
            signup["held_on"] = slot["held_on"]
        taken_by = {s["user"] for s in signups}
        adults = [a for a in await active_adults(group["id"]) if a["id"] not in taken_by]
        return page(request, "roster/slot.html", status_code=status_code, group=group, groups=groups, slot=slot,
                    signups=signups, adults=adults, form=form or Form(), today=local_today(group["timezone"]))

    @get("/slots/{slot_id:int}", name="committee_roster_slot")
    async def slot(self, request: Request, slug: FromPath[str], slot_id: FromPath[int]) -> Template:
        return await self._slot(request, slug, slot_id)

    @post("/slots/{slot_id:int}/assign")
    async def assign(self, request: Request, slug: FromPath[str], slot_id: FromPath[int]) -> Template | Redirect:
        principal = current(request)
        group, _groups = await chosen_group(principal, slug)
        slot = await group_slot(group["id"], slot_id)
        form = Form(await form_data(request))
        user_id = form.integer("user_id", minimum=1, maximum=2**31 - 1)
        adult = next((a for a in await active_adults(group["id"]) if a["id"] == user_id), None)
        if form.ok and adult is None:
            form.error("user_id", _("Choose a member of the group."))
        if form.ok and await Signup.exists().where((Signup.slot == slot["id"]) & (Signup.user == user_id)
                                                   & Signup.status.is_in(list(ON_SLOT))):
            form.error("user_id", _("This person is already on this shift."))
        if form.ok:
            async with write_transaction():
                if await take_place(slot["id"]):
                    await Signup.insert(Signup(slot=slot["id"], user=user_id, household=adult["household"],
                                               signed_by=principal.id))
                else:
                    form.error("user_id", _("This shift is full: no place left."))
        if not form.ok:
            return await self._slot(request, slug, slot_id, form=form, status_code=400)
        notice(request, _("%(name)s is on the shift.", name=adult["name"]))
        return see_other(f"/committee/{slug}/roster/slots/{slot_id}")

    @post("/signups/{signup_id:int}/remove")
    async def remove(self, request: Request, slug: FromPath[str], signup_id: FromPath[int]) -> Redirect:
        group, _groups = await chosen_group(current(request), slug)
        signup = await group_signup(group["id"], signup_id)
        async with write_transaction():
            left = await Signup.update({Signup.status: "left", Signup.ended_at: utcnow()}).where(
                (Signup.id == signup_id) & (Signup.status == "signed")).returning(Signup.id)
            ensure(bool(left))
            await free_place(signup["slot"])
        notice(request, _("%(name)s is no longer on the shift.", name=signup["name"]))
        return see_other(f"/committee/{slug}/roster/slots/{signup['slot']}")

    @post("/signups/{signup_id:int}/confirm")
    async def confirm(self, request: Request, slug: FromPath[str], signup_id: FromPath[int]) -> Template | Redirect:
        """After the day: the shift was done, or nobody came (a no-show). A mistake can be corrected."""
        principal = current(request)
        group, _groups = await chosen_group(principal, slug)
        signup = await group_signup(group["id"], signup_id)
        form = Form(await form_data(request))
        status = form.choice("status", ("done", "no_show"))
        ensure(form.ok and signup["held_on"] <= local_today(group["timezone"]))
        await Signup.update({Signup.status: status, Signup.confirmed_by: principal.id,
                             Signup.confirmed_at: utcnow()}).where(
            (Signup.id == signup_id) & Signup.status.is_in(list(ON_SLOT)))
        if request.headers.get("hx-request") == "true":
            signup = await Signup.select(Signup.all_columns(), Signup.user.name.as_alias("name"),
                                         Signup.household.name.as_alias("household_name")).where(
                Signup.id == signup_id).first()
            signup["held_on"] = (await group_signup(group["id"], signup_id))["held_on"]
            return page(request, "roster/slot.html", block="signup_row", group=group, signup=signup,
                        today=local_today(group["timezone"]), confirmed=True)  # the row says it aloud
        notice(request, _("The shift is recorded as done.") if status == "done" else _("The no-show is recorded."))
        return see_other(f"/committee/{slug}/roster/slots/{signup['slot']}")

    @post("/slots/{slot_id:int}/capacity")
    async def set_capacity(self, request: Request, slug: FromPath[str], slot_id: FromPath[int]) -> Template | Redirect:
        """This date needs more (or fewer) people than the role's default; never fewer than are on it."""
        group, _groups = await chosen_group(current(request), slug)
        slot = await group_slot(group["id"], slot_id)
        form = Form(await form_data(request))
        capacity = form.integer("capacity", minimum=0, maximum=MAX_PEOPLE)
        if form.ok:
            changed = await Slot.update({Slot.capacity: capacity}).where(
                (Slot.id == slot["id"]) & (Slot.taken <= capacity)).returning(Slot.id)
            if not changed:
                form.error("capacity", _("%(num)s people are already on this shift: it needs at least as many places.",
                                         num=slot["taken"]))
        if not form.ok:
            return await self._slot(request, slug, slot_id, form=form, status_code=400)
        notice(request, _("The number of people needed on this date is saved."))
        return see_other(f"/committee/{slug}/roster/slots/{slot_id}")

    # --- roles, one-off tasks, obligations ------------------------------------------------------

    async def _roles(self, request: Request, slug: str, *, role_form: Form | None = None,
                     task_form: Form | None = None, obligation_form: Form | None = None,
                     status_code: int = 200) -> Template:
        group, groups = await chosen_group(current(request), slug)
        roles = await RosterRole.select().where(RosterRole.group == group["id"]).order_by(RosterRole.id)
        today = local_today(group["timezone"])
        tasks = await RosterTask.select().where((RosterTask.group == group["id"]) & (RosterTask.held_on >= today)
                                                ).order_by(RosterTask.held_on)
        obligations = await Obligation.select().where(Obligation.group == group["id"]).order_by(
            Obligation.starts_on, ascending=False)
        return page(request, "roster/roles.html", status_code=status_code, group=group, groups=groups,
                    roles=[r for r in roles if not r["archived_at"]], archived=[r for r in roles if r["archived_at"]],
                    tasks=tasks, obligations=obligations, role_form=role_form or Form({"people_needed": "1"}),
                    task_form=task_form or Form({"people_needed": "1"}), obligation_form=obligation_form or Form())

    @get("/roles", name="committee_roster_roles")
    async def roles(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._roles(request, slug)

    @post("/roles")
    async def add_role(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        role = RosterRole(group=group["id"], name=form.text("name", max_length=100),
                          description=form.text("description", required=False, max_length=1000),
                          people_needed=form.integer("people_needed", minimum=1, maximum=MAX_PEOPLE))
        if not form.ok:
            return await self._roles(request, slug, role_form=form, status_code=400)
        await RosterRole.insert(role)
        await sync_slots(group["id"])
        notice(request, _("The role is added."))
        return see_other(f"/committee/{slug}/roster/roles")

    @post("/roles/{role_id:int}")
    async def change_role(self, request: Request, slug: FromPath[str], role_id: FromPath[int]) -> Template | Redirect:
        """A new default number of people; the coming slots still at the old default follow it."""
        group, _groups = await chosen_group(current(request), slug)
        role = await RosterRole.select().where((RosterRole.id == role_id) & (RosterRole.group == group["id"])
                                               & RosterRole.archived_at.is_null()).first()
        ensure(role is not None)
        form = Form(await form_data(request))
        needed = form.integer(f"people_needed_{role_id}", minimum=1, maximum=MAX_PEOPLE)
        if not form.ok:
            return await self._roles(request, slug, role_form=form, status_code=400)
        async with write_transaction():
            await RosterRole.update({RosterRole.people_needed: needed}).where(RosterRole.id == role_id)
            await Slot.update({Slot.capacity: needed}).where(
                (Slot.role == role_id) & (Slot.held_on >= local_today(group["timezone"]))
                & (Slot.capacity == role["people_needed"]) & (Slot.taken <= needed))
        notice(request, _("The role is updated."))
        return see_other(f"/committee/{slug}/roster/roles")

    @post("/roles/{role_id:int}/archive")
    async def archive_role(self, request: Request, slug: FromPath[str], role_id: FromPath[int]) -> Redirect:
        group, _groups = await chosen_group(current(request), slug)
        archived = await RosterRole.update({RosterRole.archived_at: utcnow()}).where(
            (RosterRole.id == role_id) & (RosterRole.group == group["id"]) & RosterRole.archived_at.is_null()
        ).returning(RosterRole.id)
        ensure(bool(archived))
        notice(request, _("The role is archived: it no longer appears on the roster."))
        return see_other(f"/committee/{slug}/roster/roles")

    @post("/tasks")
    async def add_task(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        task = RosterTask(group=group["id"], title=form.text("title"),
                          description=form.text("task_description", required=False, max_length=1000),
                          held_on=form.date("held_on"), starts_at=form.time("starts_at"), ends_at=form.time("ends_at"),
                          place=form.text("place", required=False, max_length=300),
                          people_needed=form.integer("task_people_needed", minimum=1, maximum=MAX_PEOPLE))
        if task.starts_at and task.ends_at and task.ends_at <= task.starts_at:
            form.error("ends_at", _("The end must come after the start."))
        if task.held_on and task.held_on < local_today(group["timezone"]):
            form.error("held_on", _("Choose a date from today on."))
        if not form.ok:
            return await self._roles(request, slug, task_form=form, status_code=400)
        await RosterTask.insert(task)
        await sync_slots(group["id"])
        notice(request, _("The task is added to the roster."))
        return see_other(f"/committee/{slug}/roster/roles")

    @post("/obligations")
    async def add_obligation(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        obligation = Obligation(group=group["id"], starts_on=form.date("starts_on"), ends_on=form.date("ends_on"),
                                shifts=form.integer("shifts", minimum=0, maximum=MAX_PEOPLE * 5),
                                share_type_name=form.text("share_type_name", required=False, max_length=120))
        if obligation.starts_on and obligation.ends_on and obligation.ends_on <= obligation.starts_on:
            form.error("ends_on", _("The end must come after the start."))
        if form.ok and await Obligation.exists().where(
                (Obligation.group == group["id"]) & (Obligation.share_type_name == obligation.share_type_name)
                & (Obligation.starts_on <= obligation.ends_on) & (Obligation.ends_on >= obligation.starts_on)):
            form.error("starts_on", _("Another obligation already covers part of this period."))
        if not form.ok:
            return await self._roles(request, slug, obligation_form=form, status_code=400)
        await Obligation.insert(obligation)
        notice(request, _("The season's obligation is saved."))
        return see_other(f"/committee/{slug}/roster/roles")

    @post("/obligations/{obligation_id:int}/delete")
    async def remove_obligation(self, request: Request, slug: FromPath[str], obligation_id: FromPath[int]) -> Redirect:
        group, _groups = await chosen_group(current(request), slug)
        deleted = await Obligation.delete().where(
            (Obligation.id == obligation_id) & (Obligation.group == group["id"])).returning(Obligation.id)
        ensure(bool(deleted))
        notice(request, _("The obligation is removed."))
        return see_other(f"/committee/{slug}/roster/roles")

    # --- printing -----------------------------------------------------------------------------

    @get("/print", name="committee_roster_print")
    async def print_month(self, request: Request, slug: FromPath[str], month: FromQuery[str | None] = None) -> Template:
        group, groups = await chosen_group(current(request), slug)
        today = local_today(group["timezone"])
        try:
            first = date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
        except ValueError as error:
            raise NotFoundException() from error
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        roles, rows = await grid(group["id"], first, last)
        return page(request, "roster/print.html", group=group, groups=groups, roles=roles, rows=rows, month=first,
                    previous=(first - timedelta(days=1)).strftime("%Y-%m"), following=(last + timedelta(days=1)).strftime("%Y-%m"))
