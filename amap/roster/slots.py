"""Slots: generated from a group's roles for each distribution, read with what they are, and taken
one place at a time."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from amap.distributions.tables import Distribution
from amap.lib.db import write_transaction
from amap.lib.prepared import prepared
from amap.roster.tables import RosterRole, RosterTask, Slot

# Is a slot missing: a planned distribution without the slot of an active role, or a task without its slot?
# Pages call sync_slots on every view (a distribution planned, a role or a task added since has its
# slots at once), and almost always nothing is missing: this one read spares the four of the sync
# and its write transaction (a write lock on SQLite). A condition, to be read alone or beside other
# columns (each {} the group).
MISSING_SLOTS = """(EXISTS (SELECT 1 FROM distribution JOIN roster_role ON roster_role."group" = distribution."group"
    WHERE distribution."group" = {} AND distribution.status = 'planned' AND roster_role.archived_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM roster_slot WHERE roster_slot.distribution = distribution.id
                    AND roster_slot.role = roster_role.id AND roster_slot."group" = distribution."group"))
  OR EXISTS (SELECT 1 FROM roster_task WHERE roster_task."group" = {}
    AND NOT EXISTS (SELECT 1 FROM roster_slot WHERE roster_slot.task = roster_task.id
                    AND roster_slot."group" = roster_task."group")))"""

_MISSING = prepared(lambda group: Slot.raw(f"SELECT {MISSING_SLOTS} AS missing", group, group))


async def sync_slots(group_id: int) -> int:
    """One slot per role and planned distribution, and per one-off task. Idempotent; returns how
    many slots were created. A role added later gets slots for the coming distributions too."""
    if not (await _MISSING(group=group_id))[0]["missing"]:
        return 0
    return await add_missing_slots(group_id)


async def add_missing_slots(group_id: int) -> int:
    """What sync_slots does once it has found a slot missing (MISSING_SLOTS), for a caller that read
    that condition itself."""
    async with write_transaction():
        roles = await RosterRole.select().where((RosterRole.group == group_id) & RosterRole.archived_at.is_null())
        distributions = await Distribution.select(Distribution.id, Distribution.held_on).where(
            (Distribution.group == group_id) & (Distribution.status == "planned"))
        tasks = await RosterTask.select().where(RosterTask.group == group_id)
        existing = await Slot.select(Slot.distribution, Slot.role, Slot.task).where(Slot.group == group_id)
        by_distribution = {(row["distribution"], row["role"]) for row in existing if row["distribution"]}
        by_task = {row["task"] for row in existing if row["task"]}
        new = [Slot(group=group_id, distribution=d["id"], role=role["id"], held_on=d["held_on"],
                    capacity=role["people_needed"])
               for d in distributions for role in roles if (d["id"], role["id"]) not in by_distribution]
        new += [Slot(group=group_id, task=task["id"], held_on=task["held_on"], capacity=task["people_needed"])
                for task in tasks if task["id"] not in by_task]
        if new:
            await Slot.insert(*new)
    return len(new)


def is_live():
    """Slots still worth showing and taking: their distribution is not cancelled, their role not
    archived (the rows stay, with their sign-ups, as history)."""
    return ((Slot.distribution.is_null() | (Slot.distribution.status == "planned"))
            & (Slot.role.is_null() | Slot.role.archived_at.is_null()))


async def take_place(slot_id: int) -> bool:
    """One conditional UPDATE: of many volunteers clicking for the last place, exactly one gets it."""
    taken = await Slot.raw(
        "UPDATE roster_slot SET taken = taken + 1 WHERE id = {} AND taken < capacity RETURNING id", slot_id)
    return bool(taken)


async def free_place(slot_id: int) -> None:
    await Slot.raw("UPDATE roster_slot SET taken = taken - 1 WHERE id = {} AND taken > 0", slot_id)


def _described(slot) -> tuple:
    """What describe() reads beside a slot's own columns; `slot` is Slot, or a foreign key to it."""
    return (slot.role.name.as_alias("role_name"), slot.task.title.as_alias("task_title"),
            slot.task.place.as_alias("task_place"), slot.task.starts_at.as_alias("task_starts_at"),
            slot.distribution.starts_at.as_alias("distribution_starts_at"),
            slot.distribution.ends_at.as_alias("distribution_ends_at"), slot.task.ends_at.as_alias("task_ends_at"),
            slot.distribution.place.name.as_alias("place_name"),
            slot.group.name.as_alias("group_name"), slot.group.timezone.as_alias("timezone"),
            slot.group.shift_leave_notice_hours.as_alias("notice_hours"))


@cache
def slot_columns() -> tuple:
    """A slot with what it is (role or task), when and where, and its group's rules. Built once:
    each joined column (`Slot.task.title`) makes Piccolo copy the joined table's columns."""
    return (Slot.all_columns(), *_described(Slot))


def slot_columns_through(foreign_key) -> tuple:
    """slot_columns() read through a foreign key to Slot (`Signup.slot`), under the same names: the
    row of a sign-up or a swap is then a slot row for describe(). For prepared selects (built once)."""
    return (*(getattr(foreign_key, column._meta.name).as_alias(column._meta.name) for column in Slot._meta.columns),
            *_described(foreign_key))


def describe(row: dict) -> dict:
    """Add the title, place, start and leaving deadline a page shows for a slot row."""
    start = row["distribution_starts_at"] or row["task_starts_at"] or time(0, 0)
    end = row["distribution_ends_at"] or row["task_ends_at"]
    starts = datetime.combine(row["held_on"], start, tzinfo=ZoneInfo(row["timezone"]))
    ends = datetime.combine(row["held_on"], end, tzinfo=starts.tzinfo) if end and end > start else starts + timedelta(
        hours=2)
    return {**row, "title": row["role_name"] or row["task_title"] or "",
            "place": row["place_name"] or row["task_place"] or "", "starts": starts, "ends": ends,
            "leave_until": starts - timedelta(hours=row["notice_hours"]),
            "free": max(row["capacity"] - row["taken"], 0)}
