"""Loads the request's Principal: the session's user (pages) or the bearer token's (API)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from piccolo.columns import Boolean

from amap.accounts.tables import ApiToken, User
from amap.groups.tables import Group
from amap.lib.access import SESSION_USER_KEY, Principal
from amap.lib.db import utcnow
from amap.lib.prepared import prepared
from amap.lib.security import token_digest

# A person, every role of theirs and the groups of those roles, in one statement: this runs on every
# request, where each query counts, and most pages then need the groups (their names, their time zone).
# Each {} is the user's id; no row when the account is closed, one row with no role when it has none.
PRINCIPAL_SQL = """
SELECT app_user.id AS user_id, app_user.email, app_user.name, app_user.household, app_user.language,
  app_user.is_admin, roles.kind, roles.id, roles.status, {group_columns}
FROM app_user LEFT JOIN (
  SELECT 'membership' AS kind, membership."group" AS id, membership.status FROM membership
   WHERE membership.household = (SELECT household FROM app_user WHERE id = {{}})
  UNION ALL
  SELECT 'coordinator', "group", '' FROM coordinator WHERE "user" = {{}} AND ended_at IS NULL
  UNION ALL
  SELECT 'farm', farm, '' FROM farmer WHERE "user" = {{}} AND ended_at IS NULL
  UNION ALL
  SELECT 'farm_group', farm_supply."group", '' FROM farm_supply JOIN farmer ON farmer.farm = farm_supply.farm
   WHERE farmer."user" = {{}} AND farmer.ended_at IS NULL AND farm_supply.ended_at IS NULL
  UNION ALL
  SELECT 'network', network, '' FROM network_coordinator WHERE "user" = {{}} AND ended_at IS NULL
) roles ON 1 = 1
LEFT JOIN amap_group ON amap_group.id = roles.id AND roles.kind IN ('membership', 'coordinator', 'farm_group')
WHERE app_user.id = {{}} AND app_user.is_active = {{}}
""".format(group_columns=", ".join(f'amap_group."{column._meta.db_column_name}" AS "group_{column._meta.name}"'
                                   for column in Group._meta.columns))
_PRINCIPAL = prepared(lambda user: User.raw(PRINCIPAL_SQL, *[user] * 6, True))
# A group as Group.select() gives it; SQLite answers a raw boolean as 0 or 1.
_GROUP_FIELDS = [(column._meta.name, f"group_{column._meta.name}", isinstance(column, Boolean))
                 for column in Group._meta.columns]
_GROUP_ROLES = {"membership": ("active", "pending"), "coordinator": ("",), "farm_group": ("",)}


async def load_principal(user_id: int) -> Principal | None:
    rows = await _PRINCIPAL(user=user_id)
    if not rows:
        return None
    user = rows[0]

    def ids(kind: str, status: str | None = None) -> frozenset[int]:
        return frozenset(row["id"] for row in rows if row["kind"] == kind and status in (None, row["status"]))

    groups = {}
    for row in rows:
        if row["status"] in _GROUP_ROLES.get(row["kind"], ()) and row["id"] not in groups:
            groups[row["id"]] = {name: bool(row[alias]) if boolean else row[alias]
                                 for name, alias, boolean in _GROUP_FIELDS}
    # The member's own group's words; in several groups, the first one's.
    member_of = sorted((row["id"], row["group_vocabulary"]) for row in rows
                       if row["kind"] == "membership" and row["status"] == "active")

    return Principal(
        id=user["user_id"],
        email=user["email"],
        name=user["name"],
        household_id=user["household"],
        language=user["language"],
        is_admin=bool(user["is_admin"]),
        member_groups=ids("membership", "active"),
        pending_groups=ids("membership", "pending"),
        coordinator_groups=ids("coordinator"),
        farms=ids("farm"),
        farm_groups=ids("farm_group"),
        networks=ids("network"),
        vocabulary=member_of[0][1] if member_of else "",
        groups=dict(sorted(groups.items(), key=lambda item: (item[1]["name"], item[0]))),
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


