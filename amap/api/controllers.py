"""`/api/v1`: resources as JSON. Each later domain adds its own controller here."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get

from amap.accounts.tables import Household, User
from amap.errors import api_errors
from amap.lib.access import current, requires_login


@dataclass
class GroupRoles:
    id: int
    name: str
    slug: str
    roles: list[str]


@dataclass
class MeOut:
    id: int
    email: str
    name: str
    household_id: int | None
    household_name: str | None
    household_adults: list[str]
    is_admin: bool
    groups: list[GroupRoles]
    farm_ids: list[int]
    network_ids: list[int]


class ApiMeController(Controller):
    path = "/api/v1"
    guards = [requires_login]
    security = [{"BearerToken": []}]
    tags = ["accounts"]

    @get("/me", responses=api_errors(), summary="The token holder's account, household and roles per group")
    async def me(self, request: Request) -> MeOut:
        principal = current(request)
        household = None
        adults: list[str] = []
        if principal.household_id is not None:
            household = await Household.select(Household.name).where(Household.id == principal.household_id).first()
            adults = [row["name"] for row in await User.select(User.name).where(
                User.household == principal.household_id).order_by(User.id)]
        roles_by_group: dict[int, list[str]] = {}
        for role, ids in (("member", principal.member_groups), ("pending", principal.pending_groups),
                          ("coordinator", principal.coordinator_groups), ("farmer", principal.farm_groups)):
            for group_id in ids:
                roles_by_group.setdefault(group_id, []).append(role)
        groups = principal.groups_among(roles_by_group)
        return MeOut(
            id=principal.id,
            email=principal.email,
            name=principal.name,
            household_id=principal.household_id,
            household_name=household["name"] if household else None,
            household_adults=adults,
            is_admin=principal.is_admin,
            groups=[GroupRoles(id=g["id"], name=g["name"], slug=g["slug"], roles=sorted(roles_by_group[g["id"]]))
                    for g in groups.values()],
            farm_ids=sorted(principal.farms),
            network_ids=sorted(principal.networks),
        )
