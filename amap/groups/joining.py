"""Joining a group from its public page: an account for the household, then its contracts."""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_429_TOO_MANY_REQUESTS

from amap.accounts.services import create_user, find_user_id
from amap.accounts.sessions import rotate_session_id
from amap.accounts.tables import User
from amap.audit import log as audit
from amap.groups.tables import Group, Membership
from amap.lib.access import SESSION_USER_KEY, ensure
from amap.lib.db import utcnow, write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _, set_vocabulary
from amap.lib.security import hash_password
from amap.lib.web import client_address, form_data, notice, page, see_other
from amap.system import store

SIGNUPS_PER_ADDRESS_PER_HOUR = 10


async def join(*, group: dict, email: str, name: str, password: str, household_name: str) -> int:
    """Create the household's first account and its membership: pending, or active at once if the
    group chose so. The membership fee of the group is asked with it. Returns the user's id."""
    password_hash = await hash_password(password)
    at_once = group["accepts_members_at_once"]
    async with write_transaction():
        user_id = await create_user(email, name, None, household_name=household_name or name,
                                    password_hash=password_hash)
        household = (await User.select(User.household).where(User.id == user_id).first())["household"]
        membership = (await Membership.insert(Membership(
            household=household, group=group["id"], status="active" if at_once else "pending",
            accepted_at=utcnow() if at_once else None, fee_cents=group["membership_fee_cents"],
        )).returning(Membership.id))[0]["id"]
        await audit.record(group=group["id"], kind="membership", subject_id=membership,
                           action="joined" if at_once else "requested", actor=user_id,
                           details={"household": household, "fee_cents": group["membership_fee_cents"]})
    return user_id


class JoinController(Controller):
    path = "/groups/{slug:str}/join"

    async def _group(self, slug: str) -> dict:
        group = await Group.select().where(Group.slug == slug).first()
        ensure(group is not None)
        set_vocabulary(group["vocabulary"])
        return group

    @get("", name="join")
    async def form(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group = await self._group(slug)
        if request.user is not None:
            return see_other(f"/contracts?group={slug}")
        return page(request, "groups/join.html", group=group, form=Form())

    @post("")
    async def submit(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group = await self._group(slug)
        form = Form(await form_data(request))
        name = form.text("name")
        email = form.email()
        household_name = form.text("household_name", required=False)
        password = form.new_password()
        if "email" not in form.errors and await find_user_id(email) is not None:
            form.error("email", _("This address already has an account: log in with it instead."))
        if not form.ok:
            return page(request, "groups/join.html", group=group, form=form, status_code=400)
        if await store.increment(f"signup:address:{client_address(request)}",
                                 timedelta(hours=1)) > SIGNUPS_PER_ADDRESS_PER_HOUR:
            form.error("email", _("Too many accounts were created from this connection. Try again in an hour."))
            return page(request, "groups/join.html", group=group, form=form, status_code=HTTP_429_TOO_MANY_REQUESTS)
        user_id = await join(group=group, email=email, name=name, password=password, household_name=household_name)
        request.session.clear()
        request.session[SESSION_USER_KEY] = user_id
        rotate_session_id(request.session)
        notice(request, _("Welcome! Your account is ready: now choose your contracts."))
        return see_other(f"/contracts?group={slug}")
