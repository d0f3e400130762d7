"""Prepared selects (amap.lib.prepared) read exactly what the same Piccolo select reads."""

from __future__ import annotations

from datetime import time

from amap.groups.tables import Group, Membership, Place
from amap.lib.prepared import prepared
from tests.queries import counted_queries
from tests.world import build_world


def memberships_of(groups: list, status: str):
    """A joined select with a list, a plain value and a boolean in its conditions."""
    return Membership.select(
        Membership.id, Membership.status, Membership.group.name.as_alias("group_name"),
        Membership.group.accepts_members_at_once, Membership.household.name,
    ).where(Membership.group.is_in(groups) & (Membership.status == status)).order_by(Membership.id)


async def test_a_prepared_select_reads_what_piccolo_reads_for_every_shape_of_arguments():
    world = await build_world()
    builds = []
    query = prepared(lambda groups, status: builds.append(len(groups)) or memberships_of(groups, status))
    for groups, status in [([world.tilleuls], "active"), ([world.tilleuls, world.canal], "active"),
                           ([world.canal, world.tilleuls], "pending"), ([world.canal], "active"),
                           ([world.tilleuls, world.canal], "left")]:
        expected = await memberships_of(groups, status)
        assert await query(groups=groups, status=status) == expected
    # The SQL is written once per length of the list, then only bound.
    assert builds == [1, 2]
    assert await query(groups=[world.tilleuls], status="active") != []


async def test_first_gives_a_row_or_none_and_typed_values_come_back_typed():
    world = await build_world()
    place = prepared(lambda group: Place.select(Place.name, Place.starts_at, Place.group.created_at).where(
        Place.group == group).first())
    found = await place(group=world.tilleuls)
    assert found == await Place.select(Place.name, Place.starts_at, Place.group.created_at).where(
        Place.group == world.tilleuls).first()
    assert found["starts_at"] == time(18, 30)
    assert await place(group=-1) is None


async def test_shaping_arguments_change_the_sql_and_the_others_are_bound():
    world = await build_world()
    names = prepared(lambda ids, limit: Group.select(Group.name).where(Group.id.is_in(ids)).order_by(
        Group.name).limit(limit), shaping=("limit",))
    ids = [world.tilleuls, world.canal]
    assert await names(ids=ids, limit=1) == [{"name": "AMAP des Tilleuls"}]
    assert await names(ids=ids, limit=2) == [{"name": "AMAP des Tilleuls"}, {"name": "AMAP du Canal"}]


async def test_a_prepared_select_runs_in_the_current_transaction_as_one_statement():
    world = await build_world()  # written in this test's transaction, not yet committed
    count = prepared(lambda group: Membership.select(Membership.id).where(Membership.group == group))
    with counted_queries() as queries:
        rows = await count(group=world.canal)
    assert queries[0] == 1
    assert len(rows) == await Membership.count().where(Membership.group == world.canal) > 0


async def test_rows_piccolo_shapes_further_are_shaped_as_piccolo_shapes_them():
    """Most prepared reads only turn rows into dicts; nested output and counts still go through Piccolo."""
    world = await build_world()
    nested = prepared(lambda group: Membership.select(Membership.id, Membership.group.name).where(
        Membership.group == group).order_by(Membership.id).output(nested=True))
    rows = await nested(group=world.tilleuls)
    assert rows == await Membership.select(Membership.id, Membership.group.name).where(
        Membership.group == world.tilleuls).order_by(Membership.id).output(nested=True)
    assert rows and rows[0]["group"] == {"name": "AMAP des Tilleuls"}
    count = prepared(lambda group: Membership.count().where(Membership.group == group))
    assert await count(group=world.tilleuls) == await Membership.count().where(
        Membership.group == world.tilleuls) > 0
