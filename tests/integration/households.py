"""More member households than tests/world.py has, for the lists that page and search them."""

from __future__ import annotations

from amap.accounts.services import create_user
from amap.accounts.tables import User
from amap.groups.services import join_group
from amap.groups.tables import Membership
from tests.world import World


async def add_household(world: World, who: str, group: int, *, status: str = "active", name: str | None = None,
                        second_adult: str | None = None) -> int:
    """The household of `who` (e-mail who@example.org), a member of the group (or asking to be), with a
    second adult when named; kept in `world.users` and `world.households` under `who`. Returns its id."""
    world.users[who] = await create_user(f"{who}@example.org", name or who.capitalize(), None, password_hash="x",
                                         household_name=f"Foyer {name or who.capitalize()}")
    household = (await User.select(User.household).where(User.id == world.users[who]).first())["household"]
    world.households[who] = household
    if second_adult:
        world.users[f"{who}-bis"] = await create_user(f"{who}-bis@example.org", second_adult, "0600000000",
                                                      password_hash="x", household_id=household)
    if status == "active":
        await join_group(household, group, None)
    else:
        await Membership.insert(Membership(household=household, group=group, status=status))
    return household


async def add_households(world: World, group: int, count: int, *, prefix: str = "member") -> list[str]:
    """`count` member households named `Foyer Member 01`… (who: member01…), in that order of names."""
    names = [f"{prefix}{number:02d}" for number in range(1, count + 1)]
    for who in names:
        await add_household(world, who, group)
    return names
