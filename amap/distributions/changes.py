"""Exceptions to a distribution day, decided by the group's committee: another date, another time,
another place, or cancelled. Each one updates the distribution and records a DistributionChange
with the value before and after, why, who and when; nothing is deleted."""

from __future__ import annotations

from datetime import date, time

from amap.audit import log as audit
from amap.distributions.tables import Distribution, DistributionChange
from amap.lib.db import write_transaction

KINDS = ("moved", "time", "place", "cancelled")


def time_window(starts_at: time, ends_at: time) -> str:
    return f"{starts_at:%H:%M}–{ends_at:%H:%M}"


def place_text(name: str | None, address: str | None) -> str:
    return ", ".join(part for part in (name, address) if part)[:300]


async def _record(distribution_id: int, kind: str, values: dict, *, before: str, after: str, reason: str,
                  by_user: int) -> bool:
    """Apply the change to a distribution still planned and not closed; False if it no longer is."""
    async with write_transaction():
        updated = await Distribution.update(values).where(
            (Distribution.id == distribution_id) & (Distribution.status == "planned") & Distribution.closed_at.is_null()
        ).returning(Distribution.id, Distribution.group, Distribution.held_on)
        if not updated:
            return False
        await DistributionChange.insert(DistributionChange(
            distribution=distribution_id, kind=kind, before=before[:300], after=after[:300], reason=reason,
            changed_by=by_user))
        await audit.record(group=updated[0]["group"], kind="distribution", subject_id=distribution_id,
                           action="cancelled" if kind == "cancelled" else "changed", actor=by_user,
                           details={"change": kind, "before": before[:300], "after": after[:300], "reason": reason,
                                    "held_on": updated[0]["held_on"]})
    return True


async def move(distribution: dict, held_on: date, reason: str, by_user: int) -> bool:
    """Hold the distribution on another day. Its deliveries keep the contract date they were due on."""
    return await _record(distribution["id"], "moved", {Distribution.held_on: held_on},
                         before=distribution["held_on"].isoformat(), after=held_on.isoformat(), reason=reason,
                         by_user=by_user)


async def change_time(distribution: dict, starts_at: time, ends_at: time, reason: str, by_user: int) -> bool:
    return await _record(distribution["id"], "time", {Distribution.starts_at: starts_at, Distribution.ends_at: ends_at},
                         before=time_window(distribution["starts_at"], distribution["ends_at"]),
                         after=time_window(starts_at, ends_at), reason=reason, by_user=by_user)


async def change_place(distribution: dict, place: dict, reason: str, by_user: int) -> bool:
    """Another of the group's places (`place` is its row)."""
    return await _record(distribution["id"], "place", {Distribution.place: place["id"]},
                         before=place_text(distribution["place_name"], distribution["place_address"]),
                         after=place_text(place["name"], place["address"]), reason=reason, by_user=by_user)


async def cancel(distribution: dict, reason: str, by_user: int) -> bool:
    """The whole day is off. What follows for each contract (a catch-up or a shared loss) is the
    delivery's outcome, recorded with the farm."""
    return await _record(distribution["id"], "cancelled", {Distribution.status: "cancelled"},
                         before="planned", after="cancelled", reason=reason, by_user=by_user)
