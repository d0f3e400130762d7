"""Who belongs to a network now: its member groups (with their kind) and producers, joining and leaving.

Leaving never deletes: the row gets `left_at` and `left_by`, so the network's history (who was
a member, from when to when) stays; joining again adds a new row.
"""

from __future__ import annotations

from amap.lib.db import utcnow
from amap.lib.i18n import _l
from amap.network.tables import NetworkFarm, NetworkGroup

GROUP_KINDS = {
    "amap": _l("AMAP"),
    "collective": _l("consumer collective"),
    "kitchen": _l("community kitchen"),
    "restaurant": _l("popular restaurant"),
}


async def group_ids(network_id: int) -> list[int]:
    """The network's member groups today."""
    rows = await NetworkGroup.select(NetworkGroup.group).where(
        (NetworkGroup.network == network_id) & NetworkGroup.left_at.is_null())
    return sorted({row["group"] for row in rows})


async def farm_ids(network_id: int) -> list[int]:
    """The network's producers today."""
    rows = await NetworkFarm.select(NetworkFarm.farm).where(
        (NetworkFarm.network == network_id) & NetworkFarm.left_at.is_null())
    return sorted({row["farm"] for row in rows})


async def member_groups(network_id: int) -> list[dict]:
    """Member groups with their kind, town and slug, by name."""
    return await NetworkGroup.select(
        NetworkGroup.group.id.as_alias("id"), NetworkGroup.group.name.as_alias("name"),
        NetworkGroup.group.slug.as_alias("slug"), NetworkGroup.group.city.as_alias("city"), NetworkGroup.kind,
        NetworkGroup.joined_at,
    ).where((NetworkGroup.network == network_id) & NetworkGroup.left_at.is_null()).order_by(NetworkGroup.group.name)


async def member_farms(network_id: int) -> list[dict]:
    """Producers with their public profile fields, by name."""
    return await NetworkFarm.select(
        NetworkFarm.farm.id.as_alias("id"), NetworkFarm.farm.name.as_alias("name"),
        NetworkFarm.farm.slug.as_alias("slug"), NetworkFarm.farm.production.as_alias("production"),
        NetworkFarm.farm.address.as_alias("address"), NetworkFarm.joined_at,
    ).where((NetworkFarm.network == network_id) & NetworkFarm.left_at.is_null()).order_by(NetworkFarm.farm.name)


async def former_members(network_id: int) -> list[dict]:
    """Groups and producers that left, the latest first: the network's memory of its members."""
    groups = await NetworkGroup.select(
        NetworkGroup.group.name.as_alias("name"), NetworkGroup.joined_at, NetworkGroup.left_at,
        NetworkGroup.left_by.name.as_alias("left_by_name"),
    ).where((NetworkGroup.network == network_id) & NetworkGroup.left_at.is_not_null())
    farms = await NetworkFarm.select(
        NetworkFarm.farm.name.as_alias("name"), NetworkFarm.joined_at, NetworkFarm.left_at,
        NetworkFarm.left_by.name.as_alias("left_by_name"),
    ).where((NetworkFarm.network == network_id) & NetworkFarm.left_at.is_not_null())
    rows = [{**row, "what": "group"} for row in groups] + [{**row, "what": "farm"} for row in farms]
    return sorted(rows, key=lambda row: row["left_at"], reverse=True)


async def add_group(network_id: int, group_id: int, kind: str) -> bool:
    """Brings a group in; False when it is a member already (then nothing changes)."""
    if await NetworkGroup.exists().where((NetworkGroup.network == network_id) & (NetworkGroup.group == group_id)
                                         & NetworkGroup.left_at.is_null()):
        return False
    await NetworkGroup.insert(NetworkGroup(network=network_id, group=group_id, kind=kind))
    return True


async def set_group_kind(network_id: int, group_id: int, kind: str) -> bool:
    rows = await NetworkGroup.update({NetworkGroup.kind: kind}).where(
        (NetworkGroup.network == network_id) & (NetworkGroup.group == group_id) & NetworkGroup.left_at.is_null()
    ).returning(NetworkGroup.id)
    return bool(rows)


async def remove_group(network_id: int, group_id: int, by_user: int) -> bool:
    """The group leaves the network; False when it was not a member."""
    rows = await NetworkGroup.update({NetworkGroup.left_at: utcnow(), NetworkGroup.left_by: by_user}).where(
        (NetworkGroup.network == network_id) & (NetworkGroup.group == group_id) & NetworkGroup.left_at.is_null()
    ).returning(NetworkGroup.id)
    return bool(rows)


async def add_farm(network_id: int, farm_id: int) -> bool:
    if await NetworkFarm.exists().where((NetworkFarm.network == network_id) & (NetworkFarm.farm == farm_id)
                                        & NetworkFarm.left_at.is_null()):
        return False
    await NetworkFarm.insert(NetworkFarm(network=network_id, farm=farm_id))
    return True


async def remove_farm(network_id: int, farm_id: int, by_user: int) -> bool:
    rows = await NetworkFarm.update({NetworkFarm.left_at: utcnow(), NetworkFarm.left_by: by_user}).where(
        (NetworkFarm.network == network_id) & (NetworkFarm.farm == farm_id) & NetworkFarm.left_at.is_null()
    ).returning(NetworkFarm.id)
    return bool(rows)
