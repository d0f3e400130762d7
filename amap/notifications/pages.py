"""`/unsubscribe/{token}`: the link at the bottom of every optional e-mail, and its one-click POST.

No login: the signed token is the permission. The POST also answers RFC 8058 one-click requests
that mail clients send without a session or a CSRF token, which is why it alone is exempt from
CSRF (`exclude_from_csrf`): a forged request would need the secret token anyway, and the GET
page keeps its CSRF token for the forms of the layout.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from amap.accounts.tables import User
from amap.lib.access import ensure
from amap.lib.web import form_data, page
from amap.notifications import preferences
from amap.notifications.kinds import KINDS, Kind
from amap.notifications.signing import read_unsubscribe_token
from amap.notifications.tables import OptOut


async def read_link(token: str) -> tuple[int, Kind]:
    """The account and the optional kind the link was made for; 404 when it was altered."""
    found = read_unsubscribe_token(token)
    ensure(found is not None)
    user_id, code = found
    kind = KINDS.get(code)
    ensure(kind is not None and kind.optional and await User.exists().where(User.id == user_id))
    return user_id, kind


class UnsubscribeController(Controller):
    path = "/unsubscribe/{token:str}"

    async def _render(self, request: Request, token: str, user_id: int, kind: Kind, *, just_changed: bool = False
                      ) -> Template:
        stopped = await OptOut.exists().where((OptOut.user == user_id) & (OptOut.kind == kind.code))
        return page(request, "notifications/unsubscribe.html", token=token, kind=kind, stopped=stopped,
                    just_changed=just_changed, logged_in=request.scope.get("user") is not None)

    @get("", name="unsubscribe")
    async def show(self, request: Request, token: FromPath[str]) -> Template:
        """Only shows what the link stops: mail scanners open links, and must not unsubscribe anyone."""
        user_id, kind = await read_link(token)
        return await self._render(request, token, user_id, kind)

    @post("", exclude_from_csrf=True)
    async def change(self, request: Request, token: FromPath[str]) -> Template:
        """Stop the kind (the button, or a mail client's `List-Unsubscribe=One-Click`), or, with
        `resubscribe`, receive it again. Both are idempotent."""
        user_id, kind = await read_link(token)
        if (await form_data(request)).get("resubscribe"):
            await preferences.opt_in(user_id, kind.code)
        else:
            await preferences.opt_out(user_id, kind.code)
        return await self._render(request, token, user_id, kind, just_changed=True)
