"""Recording what people are to be told (reminders, gap alerts, invitations): each event once."""

from __future__ import annotations

from datetime import date, timedelta

from amap.groups.tables import Coordinator
from amap.roster.tables import RosterEvent, Signup, Slot

REMINDER_DAYS = 2
GAP_ALERT_DAYS = 7


async def record(events: list[RosterEvent]) -> int:
    """Insert the events whose key is new; returns how many were. Safe to run twice."""
    if not events:
        return 0
    # DO NOTHING rather than catching the error: on PostgreSQL a failed INSERT spoils the transaction.
    rows = await RosterEvent.insert(*events).on_conflict(target=RosterEvent.key, action="DO NOTHING").returning(
        RosterEvent.id)
    return len(rows)


async def record_gap_alerts(group_id: int, today: date) -> int:
    """Tell each coordinator of the group about the slots of the coming seven days with free places."""
    slots = await Slot.select(Slot.id).where(
        (Slot.group == group_id) & (Slot.held_on >= today) & (Slot.held_on <= today + timedelta(days=GAP_ALERT_DAYS))
        & (Slot.taken < Slot.capacity))
    coordinators = await Coordinator.select(Coordinator.user).where(
        (Coordinator.group == group_id) & Coordinator.ended_at.is_null())
    return await record([
        RosterEvent(group=group_id, kind="gap_alert", key=f"gap_alert:{slot['id']}:{today.isoformat()}",
                    user=coordinator["user"], slot=slot["id"])
        for slot in slots for coordinator in coordinators
    ]) if slots and coordinators else 0


async def record_reminders(group_id: int, today: date) -> int:
    """A reminder for each shift held within two days (a missed run catches up); once per sign-up."""
    signups = await Signup.select(Signup.id, Signup.user, Signup.slot).where(
        (Signup.slot.group == group_id) & (Signup.status == "signed") & (Signup.slot.held_on >= today)
        & (Signup.slot.held_on <= today + timedelta(days=REMINDER_DAYS)))
    return await record([
        RosterEvent(group=group_id, kind="reminder", key=f"reminder:{signup['id']}", user=signup["user"],
                    slot=signup["slot"])
        for signup in signups
    ])


async def record_invitations(group_id: int, slot_id: int, user_ids: list[int]) -> int:
    return await record([
        RosterEvent(group=group_id, kind="invited", key=f"invited:{slot_id}:{user_id}", user=user_id, slot=slot_id)
        for user_id in user_ids
    ])
