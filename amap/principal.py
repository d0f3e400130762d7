"""Loads the request's Principal: the session's user (pages) or the bearer token's (API)."""

from __future__ import annotations

from datetime import timedelta

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import Scope
from piccolo.columns import Boolean

from amap.accounts.tables import ApiToken, User
from amap.groups.tables import Group
from amap.lib.access import SESSION_USER_KEY, Principal
from amap.lib.db import utcnow
from amap.lib.prepared import prepared
from amap.lib.security import token_digest
from amap.system.store import DatabaseStore
from amap.system.tables import StoreEntry


# A person, every role of theirs and the groups of those roles, in one statement: this runs on every
# request, where each query counts, and most pages then need the groups (their names, their time zone).
# `user` is the SQL giving the user's id; the {} left is is_active. No row when the account is closed,
# one row with no role when it has none.
def _principal_sql(user: str) -> str:
    group_columns = ", ".join(f'amap_group."{column._meta.db_column_name}" AS "group_{column._meta.name}"'
                              for column in Group._meta.columns)
    return f"""
SELECT app_user.id AS user_id, app_user.email, app_user.name, app_user.household, app_user.language,
  app_user.is_admin, roles.kind, roles.id, roles.status, {group_columns}
FROM app_user LEFT JOIN (
  SELECT 'membership' AS kind, membership."group" AS id, membership.status FROM membership
   WHERE membership.household = (SELECT household FROM app_user WHERE id = {user})
  UNION ALL
  SELECT 'coordinator', "group", '' FROM coordinator WHERE "user" = {user} AND ended_at IS NULL
  UNION ALL
  SELECT 'farm', farm, '' FROM farmer WHERE "user" = {user} AND ended_at IS NULL
  UNION ALL
  SELECT 'farm_group', farm_supply."group", '' FROM farm_supply JOIN farmer ON farmer.farm = farm_supply.farm
   WHERE farmer."user" = {user} AND farmer.ended_at IS NULL AND farm_supply.ended_at IS NULL
  UNION ALL
  SELECT 'network', network, '' FROM network_coordinator WHERE "user" = {user} AND ended_at IS NULL
) roles ON 1 = 1
LEFT JOIN amap_group ON amap_group.id = roles.id AND roles.kind IN ('membership', 'coordinator', 'farm_group')
WHERE app_user.id = {user} AND app_user.is_active = {{}}
"""


PRINCIPAL_SQL = _principal_sql("{}")
# A page's session and its user's principal in one statement (DatabaseStore.get_with): the session's
# row, with the principal's rows beside it, or with NULLs when it names no user (or a closed account).
# The {} are the session's key and is_active.
SESSION_PRINCIPAL_SQL = f"""
WITH current_session AS (SELECT value, expires_at, user_id FROM store_entry WHERE key = {{}})
SELECT current_session.value AS entry_value, current_session.expires_at AS entry_expires_at, principal.*
FROM current_session LEFT JOIN ({_principal_sql("(SELECT user_id FROM current_session)")}) principal ON 1 = 1
"""
_SESSION_PRINCIPAL = prepared(lambda key: StoreEntry.raw(SESSION_PRINCIPAL_SQL, key, True))
# Where the session backend leaves the principal's rows for PrincipalMiddleware.
PRINCIPAL_ROWS = "amap.principal_rows"
_PRINCIPAL = prepared(lambda user: User.raw(PRINCIPAL_SQL, *[user] * 6, True))
# A group as Group.select() gives it; SQLite answers a raw boolean as 0 or 1.
_GROUP_FIELDS = [(column._meta.name, f"group_{column._meta.name}", isinstance(column, Boolean))
                 for column in Group._meta.columns]
_GROUP_ROLES = {"membership": ("active", "pending"), "coordinator": ("",), "farm_group": ("",)}


async def load_principal(user_id: int) -> Principal | None:
    return principal_from(await _PRINCIPAL(user=user_id))


async def read_session(store: DatabaseStore, session_id: str, scope: Scope) -> bytes | None:
    """The session's data, as the store's get() gives it; its user's principal rows are read in the same
    statement and left in the scope for PrincipalMiddleware."""
    data, rows = await store.get_with(session_id, _SESSION_PRINCIPAL)
    if rows and rows[0]["user_id"] is not None:
        scope[PRINCIPAL_ROWS] = rows
    return data


def principal_from(rows: list[dict]) -> Principal | None:
    """The Principal of PRINCIPAL_SQL's rows; None without rows (no such user, or a closed account)."""
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


# Recording a token's use is a write, which SQLite lets one request at a time make, on every API call:
# a token used again within this time keeps the time of its previous use (the profile shows it).
LAST_USE_STEP = timedelta(minutes=1)
_LIVE_TOKEN = prepared(lambda digest: ApiToken.select(ApiToken.id, ApiToken.user, ApiToken.last_used_at).where(
    (ApiToken.token_digest == digest) & ApiToken.revoked_at.is_null()).first())


async def user_id_for_api_token(token: str) -> int | None:
    row = await _LIVE_TOKEN(digest=token_digest(token))
    if row is None:
        return None
    now = utcnow()
    if row["last_used_at"] is None or now - row["last_used_at"] >= LAST_USE_STEP:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
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
            rows = connection.scope.pop(PRINCIPAL_ROWS, None)  # read with the session
            if user_id is not None and rows and rows[0]["user_id"] == user_id:
                return AuthenticationResult(user=principal_from(rows), auth=None)
        principal = await load_principal(user_id) if user_id is not None else None
        return AuthenticationResult(user=principal, auth=None)


