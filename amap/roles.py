"""Granting roles, one function for the CLI, the admin page and the demo."""

from __future__ import annotations

from amap.accounts.tables import User
from amap.audit import log as audit
from amap.farms.tables import Farm, Farmer, FarmSupply
from amap.groups.services import appoint_coordinator, join_group
from amap.groups.tables import Group
from amap.lib.db import write_transaction
from amap.lib.i18n import _l
from amap.network.tables import Network, NetworkCoordinator

ROLES = {
    "member": _l("Member"),
    "coordinator": _l("Coordinator"),
    "farmer": _l("Farmer"),
    "network": _l("Network coordinator"),
    "admin": _l("Site administrator"),
}
"""Role codes and their labels; which target each role needs is in `grant_role`."""


class RoleError(ValueError):
    """A role grant that cannot be done, with a message for the person asking."""


async def grant_role(user_id: int, role: str, *, target: str | None = None, granted_by: int | None = None) -> None:
    """Give a role. `target` is the slug of the group (member, coordinator), farm or network."""
    if role == "admin":
        await User.update({User.is_admin: True}).where(User.id == user_id)
        return
    if not target:
        raise RoleError(_l("This role needs a group, farm or network."))
    if role in ("member", "coordinator"):
        group = await Group.select(Group.id).where(Group.slug == target).first()
        if group is None:
            raise RoleError(_l("No group has this short name."))
        user = await User.select(User.household).where(User.id == user_id).first()
        if role == "member" or user["household"] is not None:
            await join_group(user["household"], group["id"], granted_by)
        if role == "coordinator":
            await appoint_coordinator(group["id"], user_id, granted_by)
    elif role == "farmer":
        farm = await Farm.select(Farm.id).where(Farm.slug == target).first()
        if farm is None:
            raise RoleError(_l("No farm has this short name."))
        if not await Farmer.exists().where((Farmer.farm == farm["id"]) & (Farmer.user == user_id) & Farmer.ended_at.is_null()):
            await grant_farmer(user_id, farm["id"], granted_by)
    elif role == "network":
        network = await Network.select(Network.id).where(Network.slug == target).first()
        if network is None:
            raise RoleError(_l("No network has this short name."))
        if not await NetworkCoordinator.exists().where(
            (NetworkCoordinator.network == network["id"]) & (NetworkCoordinator.user == user_id)
            & NetworkCoordinator.ended_at.is_null()
        ):
            await NetworkCoordinator.insert(NetworkCoordinator(network=network["id"], user=user_id))
    else:
        raise RoleError(_l("Unknown role."))


async def grant_farmer(user_id: int, farm_id: int, granted_by: int | None) -> int:
    """Let the user act for the farm; each group the farm supplies finds it in its audit log."""
    async with write_transaction():
        farmer = (await Farmer.insert(Farmer(farm=farm_id, user=user_id)).returning(Farmer.id))[0]["id"]
        farm = await Farm.select(Farm.name).where(Farm.id == farm_id).first()
        for supply in await FarmSupply.select(FarmSupply.group).where(
                (FarmSupply.farm == farm_id) & FarmSupply.ended_at.is_null()):
            await audit.record(group=supply["group"], kind="farmer", subject_id=farmer, action="appointed",
                               actor=granted_by, details={"user": user_id, "farm_name": farm["name"]})
    return farmer
