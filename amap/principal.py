"""Loads the request's Principal: the session's user (pages) or the bearer token's (API)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from amap.accounts.tables import ApiToken, User
from amap.farms.tables import Farmer, FarmSupply
from amap.groups.tables import Coordinator, Membership
from amap.lib.access import SESSION_USER_KEY, Principal
from amap.lib.db import utcnow
from amap.lib.security import token_digest
from amap.network.tables import NetworkCoordinator


async def load_principal(user_id: int) -> Principal | None:
    user = await User.select(
        User.id, User.email, User.name, User.household, User.language, User.is_admin
    ).where((User.id == user_id) & (User.is_active == True)).first()  # noqa: E712
    if user is None:
        return None
    memberships = []
    if user["household"] is not None:
        memberships = await Membership.select(Membership.group, Membership.status).where(
            Membership.household == user["household"]
        )
    coordinator = await Coordinator.select(Coordinator.group).where(
        (Coordinator.user == user_id) & Coordinator.ended_at.is_null()
    )
    farms = await Farmer.select(Farmer.farm).where((Farmer.user == user_id) & Farmer.ended_at.is_null())
    farm_ids = frozenset(row["farm"] for row in farms)
    farm_groups: frozenset[int] = frozenset()
    if farm_ids:
        supplies = await FarmSupply.select(FarmSupply.group).where(
            FarmSupply.farm.is_in(list(farm_ids)) & FarmSupply.ended_at.is_null()
        )
        farm_groups = frozenset(row["group"] for row in supplies)
    networks = await NetworkCoordinator.select(NetworkCoordinator.network).where(
        (NetworkCoordinator.user == user_id) & NetworkCoordinator.ended_at.is_null()
    )
    return Principal(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        household_id=user["household"],
        language=user["language"],
        is_admin=user["is_admin"],
        member_groups=frozenset(m["group"] for m in memberships if m["status"] == "active"),
        pending_groups=frozenset(m["group"] for m in memberships if m["status"] == "pending"),
        coordinator_groups=frozenset(row["group"] for row in coordinator),
        farms=farm_ids,
        farm_groups=farm_groups,
        networks=frozenset(row["network"] for row in networks),
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


