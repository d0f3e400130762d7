"""Loads the request's Principal: the session's user (pages) or the bearer token's (API)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from amap.accounts.tables import ApiToken, User
from amap.lib.access import SESSION_USER_KEY, Principal
from amap.lib.db import utcnow
from amap.lib.prepared import prepared
from amap.lib.security import token_digest

# Every role of a person in one statement: this runs on every request, where each query counts
# (on SQLite each one opens its own connection).
ROLES_SQL = """
SELECT 'membership' AS kind, "group" AS id, status FROM membership WHERE household = {}
UNION ALL
SELECT 'coordinator', "group", '' FROM coordinator WHERE "user" = {} AND ended_at IS NULL
UNION ALL
SELECT 'farm', farm, '' FROM farmer WHERE "user" = {} AND ended_at IS NULL
UNION ALL
SELECT 'farm_group', farm_supply."group", '' FROM farm_supply JOIN farmer ON farmer.farm = farm_supply.farm
 WHERE farmer."user" = {} AND farmer.ended_at IS NULL AND farm_supply.ended_at IS NULL
UNION ALL
SELECT 'network', network, '' FROM network_coordinator WHERE "user" = {} AND ended_at IS NULL
"""


_ACTIVE_USER = prepared(lambda user: User.select(
    User.id, User.email, User.name, User.household, User.language, User.is_admin
).where((User.id == user) & (User.is_active == True)).first())  # noqa: E712


async def load_principal(user_id: int) -> Principal | None:
    user = await _ACTIVE_USER(user=user_id)
    if user is None:
        return None
    rows = await User.raw(ROLES_SQL, user["household"] or 0, user_id, user_id, user_id, user_id)

    def ids(kind: str, status: str | None = None) -> frozenset[int]:
        return frozenset(row["id"] for row in rows if row["kind"] == kind and status in (None, row["status"]))

    return Principal(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        household_id=user["household"],
        language=user["language"],
        is_admin=user["is_admin"],
        member_groups=ids("membership", "active"),
        pending_groups=ids("membership", "pending"),
        coordinator_groups=ids("coordinator"),
        farms=ids("farm"),
        farm_groups=ids("farm_group"),
        networks=ids("network"),
    )


async def user_id_for_api_token(token: str) -> int | None:
    row = await ApiToken.select(ApiToken.id, ApiToken.user).where(
        (ApiToken.token_digest == token_digest(token)) & ApiToken.revoked_at.is_null()
    ).first()
    if row is None:
        return None
    await ApiToken.update({ApiToken.last_used_at: utcnow()}).where(ApiToken.id == row["id"])
    return row["user"]


class PrincipalMiddleware(AbstractAuthenticationMiddleware):
    """Sets `request.user` to a Principal or None; never refuses by itself (guards do).

    Pages authenticate by session cookie; /api only by bearer token, so a browser's cookie
    can never drive the API (which is why /api is exempt from CSRF).
    """

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        user_id: int | None = None
        if connection.scope["path"].startswith("/api/"):
            scheme, _, token = connection.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                user_id = await user_id_for_api_token(token.strip())
        else:
            value = connection.scope.get("session", {}).get(SESSION_USER_KEY)
            user_id = value if isinstance(value, int) else None
        principal = await load_principal(user_id) if user_id is not None else None
        return AuthenticationResult(user=principal, auth=None)


