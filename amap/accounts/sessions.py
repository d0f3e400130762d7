"""Server-side sessions whose id changes at login and logout (no session fixation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from amap.lib.access import SESSION_USER_KEY
from amap.principal import read_session

ROTATE_KEY = "_rotate_id"


def rotate_session_id(session: dict) -> None:
    """Ask for a fresh session id when this response is sent (call at login/logout)."""
    session[ROTATE_KEY] = True


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar keeps whatever id the incoming cookie carries; an attacker could plant one
    before the victim logs in. When the handler asks for it, the old id is deleted from the
    store and the data moves to a new random id. Unlike Litestar's, it sends the cookie only
    when the store wrote the session."""

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        """Litestar's, but the session's user and roles are read in the same statement (amap.principal)."""
        if session_id := connection.cookies.get(self.config.key):
            data = await read_session(self.config.get_store_from_app(connection.scope["app"]), session_id,
                                      connection.scope)
            if data is not None:
                return self.deserialize_data(data)
        return {}

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        if not scope_session:
            # Nothing to keep: no row and no cookie for visitors, health checks and API calls;
            # an emptied session (logout) deletes its row.
            if connection.cookies.get(self.config.key) not in (None, "null"):
                await super().store_in_message(Empty, message, connection)
            return
        store = self.config.get_store_from_app(connection.scope["app"])
        rotate = scope_session.pop(ROTATE_KEY, False)
        data = self.serialize_data(scope_session, connection.scope)
        if rotate:
            if old_id := connection.cookies.get(self.config.key):
                await self.delete(old_id, store=store)
            session_id = self.generate_session_id()
        else:
            session_id = self.get_session_id(connection)
        # The cookie's Max-Age slides with the stored expiry, so it is sent again only when the store
        # wrote (a new or changed session, or an expiry moved by RENEWAL_STEP: DatabaseStore.set says
        # False otherwise), not with every page.
        user_id = scope_session.get(SESSION_USER_KEY)
        if await store.set(session_id, data, expires_in=self.config.max_age,
                           user_id=user_id if isinstance(user_id, int) else None) is False:
            return
        cookie_params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        MutableScopeHeaders.from_message(message).add(
            "Set-Cookie", Cookie(value=session_id, key=self.config.key, **cookie_params).to_header(header="")
        )


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    # Private attribute of Litestar 2.x; the session tests in tests/integration/accounts/test_login.py guard it.
    _backend_class = RotatingSessionBackend
