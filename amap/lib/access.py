"""Who is asking and what they may do: the Principal, route guards, per-object checks.

Route guards answer "may this kind of user open this page at all" (403); `ensure()` answers
"may they see this object" and says 404 otherwise, so ids of other groups' or farms'
objects reveal nothing. The Principal is loaded by amap.principal for each request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

SESSION_USER_KEY = "user_id"


@dataclass(frozen=True)
class Principal:
    """A logged-in user and every role they hold, loaded once per request."""

    id: int
    email: str
    name: str
    household_id: int | None
    language: str
    is_admin: bool = False
    member_groups: frozenset[int] = field(default_factory=frozenset)
    pending_groups: frozenset[int] = field(default_factory=frozenset)
    coordinator_groups: frozenset[int] = field(default_factory=frozenset)
    farms: frozenset[int] = field(default_factory=frozenset)
    farm_groups: frozenset[int] = field(default_factory=frozenset)
    networks: frozenset[int] = field(default_factory=frozenset)
    vocabulary: str = ""
    """The words of the member's own group (Group.vocabulary), spoken on pages not about another group."""
    groups: Mapping[int, dict] = field(default_factory=dict, compare=False)
    """The groups of those roles (active or pending member, committee, farm), as Group.select() gives
    them, by name: read with the roles, so pages about one's own groups need not read them again."""

    def groups_among(self, group_ids: Iterable[int]) -> dict[int, dict]:
        """These of one's own groups, by name."""
        wanted = set(group_ids)
        return {group_id: group for group_id, group in self.groups.items() if group_id in wanted}

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_groups)

    @property
    def is_farmer(self) -> bool:
        return bool(self.farms)

    @property
    def is_network_coordinator(self) -> bool:
        return bool(self.networks)

    def coordinates(self, group_id: int) -> bool:
        return self.is_admin or group_id in self.coordinator_groups

    def belongs_to(self, group_id: int) -> bool:
        """Member, coordinator or farmer of the group: may see its members-only pages."""
        return (
            self.is_admin
            or group_id in self.member_groups
            or group_id in self.coordinator_groups
            or group_id in self.farm_groups
        )

    def runs_farm(self, farm_id: int) -> bool:
        return self.is_admin or farm_id in self.farms

    def coordinates_network(self, network_id: int) -> bool:
        return self.is_admin or network_id in self.networks


def current(connection: ASGIConnection) -> Principal:
    principal = connection.scope.get("user")
    if principal is None:
        raise NotAuthorizedException()
    return principal


# Guards are coroutines: Litestar runs a plain function guard in its thread pool, a thread hop on
# every request for a check that reads one attribute.
async def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    current(connection)


def _requires(check: Callable[[Principal], bool]) -> Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]:
    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        principal = current(connection)
        if not (principal.is_admin or check(principal)):
            raise PermissionDeniedException()

    return guard


requires_coordinator = _requires(lambda p: p.is_coordinator)
requires_farmer = _requires(lambda p: p.is_farmer)
requires_network_coordinator = _requires(lambda p: p.is_network_coordinator)
requires_admin = _requires(lambda p: False)


def ensure(allowed: bool) -> None:
    """Per-object authorization: an object the principal may not see does not exist for them."""
    if not allowed:
        raise NotFoundException()
