"""The request's Principal: a person's roles and the groups of those roles, read in one statement."""

from amap.groups.services import groups_by_id
from amap.groups.tables import Group, Membership
from amap.principal import load_principal


async def test_the_principal_brings_the_groups_of_its_roles_as_the_groups_table_gives_them(world):
    # A boolean set and a second group: both engines must answer them as Group.select() does.
    await Group.update({Group.accepts_members_at_once: True}).where(Group.id == world.tilleuls)
    await Membership.insert(Membership(household=world.households["carol"], group=world.canal, status="left"))
    expected = {
        "alice": [world.tilleuls],  # member
        "paula": [world.tilleuls],  # waiting for the committee
        "carol": [world.tilleuls],  # member and committee; her old membership of the Canal is not one
        "dan": [world.tilleuls],  # the farm's group
        "fanny": [world.canal],
        "nina": [],  # the network's coordinator: no group
    }
    for who, group_ids in expected.items():
        principal = await load_principal(world.users[who])
        assert principal.groups == await groups_by_id(group_ids), who
        assert list(principal.groups) == list(await groups_by_id(group_ids))  # by name
    carol = await load_principal(world.users["carol"])
    assert carol.groups[world.tilleuls]["accepts_members_at_once"] is True
    assert carol.groups_among([world.canal, world.tilleuls]) == {world.tilleuls: carol.groups[world.tilleuls]}
    assert carol.groups_among([world.canal]) == {}


async def test_a_member_of_two_groups_gets_both_by_name(world):
    await Membership.insert(Membership(household=world.households["alice"], group=world.canal, status="active"))
    alice = await load_principal(world.users["alice"])
    assert list(alice.groups) == [world.tilleuls, world.canal]  # AMAP des Tilleuls, AMAP du Canal
    assert alice.groups == await groups_by_id([world.tilleuls, world.canal])
