"""Slots: generated from a group's roles for each distribution, and taken one place at a time."""

from __future__ import annotations

from amap.distributions.tables import Distribution
from amap.lib.db import write_transaction
from amap.roster.tables import RosterRole, RosterTask, Slot


async def sync_slots(group_id: int) -> int:
    """One slot per role and planned distribution, and per one-off task. Idempotent; returns how
    many slots were created. A role added later gets slots for the coming distributions too."""
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
