"""Pages for logging in and out, password resets, the profile and personal API tokens."""

from __future__ import annotations

from dataclasses import replace

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_429_TOO_MANY_REQUESTS

from amap.accounts import services
from amap.accounts.sessions import rotate_session_id
from amap.accounts.tables import ApiToken, User
from amap.lib.access import SESSION_USER_KEY, current, requires_login
from amap.lib.forms import Form
from amap.lib.i18n import LANGUAGES, _, get_language
from amap.lib.security import token_digest
from amap.lib.settings import get_settings
from amap.lib.web import client_address, form_data, notice, page, safe_next, see_other
from amap.notifications import preferences
from amap.notifications.outbox import notify, recipients


class LoginController(Controller):
    @get("/login", name="login")
    async def login_form(self, request: Request, next: FromQuery[str | None] = None) -> Template | Redirect:
        if request.user is not None:
            return see_other(safe_next(next))
        return page(request, "accounts/login.html", form=Form({"next": next or ""}))

    @post("/login")
    async def login(self, request: Request) -> Template | Redirect:
        form = Form(await form_data(request))
        email = form.email()
        password = form.password()
        if not password:
            form.error("password", _("Enter your password."))
        if not form.ok:
            return page(request, "accounts/login.html", form=form, status_code=400)
        address = client_address(request)
        if await services.login_blocked(email, address):
            form.error("email", _("Too many failed attempts. Wait a quarter of an hour, or reset your password."))
            return page(request, "accounts/login.html", form=form, status_code=HTTP_429_TOO_MANY_REQUESTS)
        user_id = await services.authenticate(email, password, address)
        if user_id is None:
            form.error("email", _("This e-mail address and password do not match an account."))
            return page(request, "accounts/login.html", form=form, status_code=400)
        language = request.session.get("language")
        request.session.clear()
        request.session[SESSION_USER_KEY] = user_id
        if language:
            request.session["language"] = language
        rotate_session_id(request.session)
        return see_other(safe_next(form.get("next")))

    @get("/logout", name="logout")
    async def logout_form(self, request: Request) -> Template | Redirect:
        if request.user is None:
            return see_other("/")
        return page(request, "accounts/logout.html")

    @post("/logout")
    async def logout(self, request: Request) -> Redirect:
        request.session.clear()
        rotate_session_id(request.session)
        notice(request, _("You are logged out."))
        return see_other("/login")

    @post("/language")
    async def choose_language(self, request: Request) -> Redirect:
        form = Form(await form_data(request))
        language = form.choice("language", LANGUAGES)
        if form.ok:
            request.session["language"] = language
            if request.user is not None:
                await User.update({User.language: language}).where(User.id == request.user.id)
        return see_other(safe_next(form.get("next"), default="/"))


class PasswordResetController(Controller):
    path = "/password/reset"

    @get("", name="password_reset")
    async def request_form(self, request: Request) -> Template:
        return page(request, "accounts/reset_request.html", form=Form(), sent=False)

    @post("")
    async def request_reset(self, request: Request) -> Template:
        form = Form(await form_data(request))
        email = form.email()
        if not form.ok:
            return page(request, "accounts/reset_request.html", form=form, sent=False, status_code=400)
        token = await services.start_password_reset(email)
        if token is not None:
            link = f"{get_settings().base_url}/password/reset/{token}"
            [recipient] = await recipients([await services.find_user_id(email)])
            await notify("password_reset", f"password_reset:{token_digest(token)}",
                         replace(recipient, language=recipient.language or get_language()), link=link)
        # Same answer whether or not the account exists: no way to probe for members.
        return page(request, "accounts/reset_request.html", form=form, sent=True)

    @get("/{token:str}")
    async def new_password_form(self, request: Request, token: FromPath[str]) -> Template:
        if await services.valid_reset_user(token) is None:
            return page(request, "accounts/reset_invalid.html", status_code=404)
        return page(request, "accounts/reset_new.html", form=Form(), token=token)

    @post("/{token:str}")
    async def set_new_password(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        form = Form(await form_data(request))
        password = form.new_password()
        if not form.ok:
            return page(request, "accounts/reset_new.html", form=form, token=token, status_code=400)
        if await services.finish_password_reset(token, password) is None:
            return page(request, "accounts/reset_invalid.html", status_code=404)
        notice(request, _("Your password is changed. You can log in with it now."))
        return see_other("/login")


class ProfileController(Controller):
    path = "/profile"
    guards = [requires_login]

    async def _render(self, request: Request, *, form: Form | None = None, password_form: Form | None = None,
                      token_form: Form | None = None, new_token: str | None = None, status_code: int = 200) -> Template:
        principal = current(request)
        user = await User.objects().get(User.id == principal.id)
        tokens = await ApiToken.select().where(ApiToken.user == principal.id).order_by(ApiToken.created_at, ascending=False)
        kinds = preferences.relevant_kinds(principal)
        refused = await preferences.refused(principal.id)
        return page(
            request,
            "accounts/profile.html",
            status_code=status_code,
            form=form or Form({"name": user.name, "phone": user.phone, "language": user.language}),
            password_form=password_form or Form(),
            token_form=token_form or Form(),
            tokens=tokens,
            new_token=new_token,
            user=user,
            languages=LANGUAGES,
            kinds=kinds,
            kinds_form=Form({f"receive_{kind.code}": "" if kind.code in refused else "on" for kind in kinds}),
            always_sent=preferences.always_sent(),
        )

    @get("", name="profile")
    async def show(self, request: Request) -> Template:
        return await self._render(request)

    @post("")
    async def update(self, request: Request) -> Template | Redirect:
        form = Form(await form_data(request))
        name = form.text("name", max_length=200)
        phone = form.text("phone", required=False, max_length=40)
        language = form.choice("language", LANGUAGES, required=False)
        if not form.ok:
            return await self._render(request, form=form, status_code=400)
        await User.update({User.name: name, User.phone: phone, User.language: language}).where(
            User.id == current(request).id
        )
        if language:
            request.session["language"] = language
        notice(request, _("Your profile is saved."))
        return see_other("/profile")

    @post("/notifications")
    async def choose_notifications(self, request: Request) -> Redirect:
        """One form for every optional kind shown: a box left unticked is a kind refused."""
        form = Form(await form_data(request))
        shown = [kind.code for kind in preferences.relevant_kinds(current(request))]
        received = {code for code in shown if form.checkbox(f"receive_{code}")}
        await preferences.save_choices(current(request).id, shown, received)
        notice(request, _("Your e-mail choices are saved."))
        return see_other("/profile#notifications-title")

    @post("/password")
    async def change_password(self, request: Request) -> Template | Redirect:
        form = Form(await form_data(request))
        principal = current(request)
        password = form.new_password("new_password", "new_password_confirm")
        if not await services.authenticate(
            principal.email, form.password("current_password"), client_address(request)
        ):
            form.error("current_password", _("Your current password is not right."))
        if not form.ok:
            return await self._render(request, password_form=form, status_code=400)
        await services.set_password(principal.id, password)
        rotate_session_id(request.session)
        notice(request, _("Your password is changed."))
        return see_other("/profile")

    @post("/tokens")
    async def create_token(self, request: Request) -> Template:
        form = Form(await form_data(request))
        name = form.text("token_name", max_length=100)
        if not form.ok:
            return await self._render(request, token_form=form, status_code=400)
        token = await services.create_api_token(current(request).id, name)
        return await self._render(request, new_token=token)

    @post("/tokens/{token_id:int}/revoke")
    async def revoke_token(self, request: Request, token_id: FromPath[int]) -> Redirect:
        if not await services.revoke_api_token(current(request).id, token_id):
            raise NotFoundException()
        notice(request, _("The token is revoked."))
        return see_other("/profile")
