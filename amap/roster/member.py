"""`/roster`: the member's shifts: open slots to take with one click, their own shifts to leave or
swap, swaps offered by others, and what the household still owes this season."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.groups.services import groups_by_id
from amap.lib.access import Principal, current, ensure, requires_login
from amap.lib.dates import DEFAULT_TIMEZONE, local_today
from amap.lib.db import utcnow
from amap.lib.i18n import _
from amap.lib.web import notice, page, see_other
from amap.roster import signups
from amap.roster.slots import sync_slots
from amap.roster.tables import Signup, SwapOffer


def roster_group_ids(principal: Principal) -> list[int]:
    """Groups whose roster the principal fills: as a member or as the committee."""
    return sorted(principal.member_groups | principal.coordinator_groups)


def _today(groups: dict[int, dict], group_ids: list[int]):
    return local_today(groups[group_ids[0]]["timezone"] if group_ids else DEFAULT_TIMEZONE)


async def today_of(group_ids: list[int]):
    return _today(await groups_by_id(group_ids), group_ids)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and not request.headers.get("hx-boosted")


async def roster_context(principal: Principal) -> dict:
    group_ids = roster_group_ids(principal)
    for group_id in group_ids:
        await sync_slots(group_id)  # idempotent: a distribution added since has its slots
    groups = principal.groups_among(group_ids)
    today, now = _today(groups, group_ids), utcnow()
    slots = await signups.open_slots(group_ids, today, user_id=principal.id)
    return {
        "has_groups": bool(group_ids), "slots": slots, "now": now, "today": today, "message": "", "error": False,
        "user_id": principal.id,
        "shifts": await signups.shifts_of(principal.household_id, today),
        "swaps": [s for s in await signups.open_swaps(group_ids, now) if s["offered_by"] != principal.id],
        "obligations": await signups.obligations(group_ids, principal.household_id, today, groups=groups),
    }


class RosterController(Controller):
    path = "/roster"
    guards = [requires_login]

    @get("", name="roster")
    async def index(self, request: Request) -> Template:
        """The whole page; htmx asks only for "My shifts" again after a click in the open slots."""
        return page(request, "roster/index.html", block="my_shifts", **await roster_context(current(request)))

    async def _slot(self, request: Request, slot_id: int) -> dict:
        row = await signups.slot(slot_id)
        ensure(row is not None and row["group"] in roster_group_ids(current(request)))
        return row

    async def _row(self, request: Request, slot_id: int, message: str = "", error: bool = False) -> Template:
        """The slot's row again, as the member now sees it (htmx swaps it in place)."""
        row = await self._slot(request, slot_id)
        row["names"] = (await signups.names_on([slot_id])).get(slot_id, [])
        signup = await signups.my_signup_on(slot_id, current(request).id)
        row["my_signup"] = signup["id"] if signup else None
        return page(request, "roster/index.html", block="slot_row", slots=[row], now=utcnow(), message=message,
                    error=error, headers={"HX-Trigger": "roster-changed"})

    @post("/slots/{slot_id:int}/take")
    async def take(self, request: Request, slot_id: FromPath[int]) -> Template | Redirect:
        principal = current(request)
        row = await self._slot(request, slot_id)
        ensure(principal.household_id is not None)
        try:
            await signups.sign_up(row, principal.id, principal.household_id, await today_of([row["group"]]))
        except signups.Refused as refused:
            if is_htmx(request):
                return await self._row(request, slot_id, str(refused), error=True)
            notice(request, str(refused), "error")
            return see_other("/roster")
        if is_htmx(request):
            return await self._row(request, slot_id, _("You are on this shift. Thank you!"))
        notice(request, _("You are on this shift. Thank you!"))
        return see_other("/roster")

    async def _own_signup(self, request: Request, signup_id: int) -> tuple[dict, dict]:
        """One's own current sign-up and its slot; anyone else's does not exist (404)."""
        signup = await Signup.select().where(Signup.id == signup_id).first()
        ensure(signup is not None and signup["user"] == current(request).id and signup["status"] == "signed")
        return signup, await self._slot(request, signup["slot"])

    @post("/signups/{signup_id:int}/leave")
    async def leave(self, request: Request, signup_id: FromPath[int]) -> Template | Redirect:
        signup, row = await self._own_signup(request, signup_id)
        try:
            await signups.leave(signup_id, row)
        except signups.Refused as refused:
            message, error = str(refused), True
        else:
            message, error = _("You have left this shift."), False
        if is_htmx(request):
            return await self._row(request, row["id"], message, error=error)
        notice(request, message, "error" if error else "success")
        return see_other("/roster")

    @post("/signups/{signup_id:int}/swap")
    async def swap(self, request: Request, signup_id: FromPath[int]) -> Template | Redirect:
        signup, row = await self._own_signup(request, signup_id)
        try:
            await signups.offer_swap(signup, row)
        except signups.Refused as refused:
            message, error = str(refused), True
        else:
            message, error = _("Your swap is offered: the other members see it on their roster."), False
        if is_htmx(request):
            return await self._row(request, row["id"], message, error=error)
        notice(request, message, "error" if error else "success")
        return see_other("/roster")

    @post("/swaps/{swap_id:int}/take")
    async def take_swap(self, request: Request, swap_id: FromPath[int]) -> Redirect:
        principal = current(request)
        swap = await SwapOffer.select(SwapOffer.signup.slot.group.as_alias("group")).where(
            SwapOffer.id == swap_id).first()
        ensure(swap is not None and swap["group"] in roster_group_ids(principal) and principal.household_id is not None)
        try:
            await signups.take_swap(swap_id, principal.id, principal.household_id)
        except signups.Refused as refused:
            notice(request, str(refused), "error")
        else:
            notice(request, _("You have taken the swap: the shift is yours."))
        return see_other("/roster")
