"""Joining: accepting an invitation, and the household page where adults invite each other."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.accounts.sessions import rotate_session_id
from amap.accounts.tables import Household, User
from amap.groups import services
from amap.groups.tables import Invitation
from amap.lib.access import SESSION_USER_KEY, current, requires_login
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language
from amap.lib.security import token_digest
from amap.lib.settings import get_settings
from amap.lib.web import form_data, notice, page, see_other
from amap.notifications.outbox import Recipient, notify


class InvitationController(Controller):
    path = "/invitations/{token:str}"

    async def _invitation(self, token: str) -> dict:
        invitation = await services.open_invitation(token)
        if invitation is None:
            raise NotFoundException(detail=_("This invitation link has expired or was already used."))
        return invitation

    async def _existing_user(self, email: str) -> dict | None:
        return await User.select(User.id, User.household).where(User.email == email).first()

    @get("")
    async def show(self, request: Request, token: FromPath[str]) -> Template:
        invitation = await self._invitation(token)
        existing = await self._existing_user(invitation["email"])
        return page(request, "groups/invitation.html", invitation=invitation, existing=existing, token=token,
                    form=Form({"email": invitation["email"]}))

    @post("")
    async def accept(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        invitation = await self._invitation(token)
        existing = await self._existing_user(invitation["email"])
        if existing is not None:
            # The invited address already has an account: it must be the one logged in.
            principal = request.user
            if principal is None or principal.id != existing["id"] or invitation["household"] is not None:
                return page(request, "groups/invitation.html", invitation=invitation, existing=existing,
                            token=token, form=Form(), status_code=400)
            await services.accept_invitation_as_existing_user(invitation, existing["id"], existing["household"])
            notice(request, _("Welcome to %(group)s!", group=invitation["group_name"]))
            return see_other("/me")
        form = Form(await form_data(request))
        name = form.text("name", max_length=200)
        password = form.new_password()
        if not form.ok:
            form.values["email"] = invitation["email"]
            return page(request, "groups/invitation.html", invitation=invitation, existing=None, token=token,
                        form=form, status_code=400)
        user_id = await services.accept_invitation_as_new_user(invitation, name=name, password=password)
        request.session.clear()
        request.session[SESSION_USER_KEY] = user_id
        rotate_session_id(request.session)
        notice(request, _("Welcome! Your account is ready."))
        return see_other("/me")


class HouseholdController(Controller):
    """A household's adults: each logs in on their own, all share the household's contracts."""

    path = "/profile/household"
    guards = [requires_login]

    async def _render(self, request: Request, form: Form | None = None, status_code: int = 200) -> Template:
        principal = current(request)
        household = await Household.objects().get(Household.id == principal.household_id)
        if household is None:
            raise NotFoundException()
        adults = await User.select(User.id, User.name, User.email).where(
            (User.household == household.id) & (User.is_active == True)).order_by(User.id)  # noqa: E712
        pending = await Invitation.select(Invitation.email, Invitation.expires_at).where(
            (Invitation.household == household.id) & Invitation.accepted_at.is_null()
        )
        return page(request, "groups/household.html", household=household, adults=adults, pending=pending,
                    form=form or Form({"household_name": household.name}), status_code=status_code)

    @get("", name="household")
    async def show(self, request: Request) -> Template:
        return await self._render(request)

    @post("")
    async def rename(self, request: Request) -> Template | Redirect:
        form = Form(await form_data(request))
        name = form.text("household_name", max_length=200)
        if not form.ok:
            return await self._render(request, form, status_code=400)
        await Household.update({Household.name: name}).where(Household.id == current(request).household_id)
        notice(request, _("The household is saved."))
        return see_other("/profile/household")

    @post("/invite")
    async def invite_adult(self, request: Request) -> Template | Redirect:
        principal = current(request)
        form = Form(await form_data(request))
        email = form.email()
        if form.ok and await User.exists().where(User.email == email):
            form.error("email", _("This address already has an account. Ask a coordinator to move it."))
        if not form.ok:
            return await self._render(request, form, status_code=400)
        token = await services.invite(email=email, invited_by=principal.id, household_id=principal.household_id)
        link = f"{get_settings().base_url}/invitations/{token}"
        await notify("household_invitation", f"household_invitation:{token_digest(token)}",
                     Recipient(email=email, language=get_language()), link=link, inviter=principal.name)
        notice(request, _("Invitation sent to %(email)s.", email=email))
        return see_other("/profile/household")
