"""What volunteers and coordinators are told about the roster: a reminder two days before a shift,
a coordinator's invitation to take a free one, a swap taken, and each morning the coordinators'
digest of the coming week's gaps. Every message is keyed by its event, so nothing is told twice."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from amap.accounts.tables import User
from amap.groups.tables import Coordinator, Group
from amap.notifications.outbox import event_key, notify, recipients
from amap.notifications.samples import register
from amap.roster.slots import describe, is_live, slot_columns
from amap.roster.tables import Signup, Slot

REMINDER_DAYS = 2
REMINDER_FROM = time(9, 0)
"""Shift reminders leave from this hour of the group's clock: a morning mail, not one at midnight."""
GAP_DAYS = 7
GAPS_FROM = time(8, 0)
"""The coordinators' digest of gaps leaves from this hour of the group's clock."""
ON_SHIFT = ("signed",)


async def group_of(group_id: int) -> dict:
    return await Group.select(Group.id, Group.name, Group.slug, Group.timezone, Group.language, Group.vocabulary).where(
        Group.id == group_id).first()


def today_from(timezone: str, now: datetime, hour: time) -> date | None:
    """The group's today once its clock has reached `hour`; None before (the job comes back later)."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.date() if local.time() >= hour else None


async def live_slots(group_id: int, first: date, last: date) -> list[dict]:
    rows = await Slot.select(*slot_columns()).where(
        (Slot.group == group_id) & (Slot.held_on >= first) & (Slot.held_on <= last) & is_live())
    return sorted((describe(row) for row in rows), key=lambda s: (s["starts"], s["title"], s["id"]))


def shift_view(slot: dict) -> dict:
    """A slot as the mails show it."""
    return {"id": slot["id"], "title": slot["title"], "place": slot["place"], "held_on": slot["held_on"],
            "starts": slot["starts"], "ends": slot["ends"], "free": slot["free"]}


async def shifts_on(group_id: int, day: date) -> dict[int, list[dict]]:
    """Each person's shifts in the group on that day, by user id (for the eve of a distribution)."""
    slots = {s["id"]: s for s in await live_slots(group_id, day, day)}
    found: dict[int, list[dict]] = {}
    if slots:
        for row in await Signup.select(Signup.user, Signup.slot).where(
                Signup.slot.is_in(list(slots)) & Signup.status.is_in(list(ON_SHIFT))).order_by(Signup.id):
            found.setdefault(row["user"], []).append(shift_view(slots[row["slot"]]))
    return found


# --- Reminders ------------------------------------------------------------------------------------

async def remind_shifts(group: dict, now: datetime) -> int:
    """From 9:00, remind each volunteer of a shift held within two days (a missed morning catches
    up the next), once per sign-up, naming who else is on it."""
    today = today_from(group["timezone"], now, REMINDER_FROM)
    if today is None:
        return 0
    slots = {s["id"]: s for s in await live_slots(group["id"], today, today + timedelta(days=REMINDER_DAYS))}
    if not slots:
        return 0
    signups = await Signup.select(Signup.id, Signup.user, Signup.slot, Signup.user.name.as_alias("name")).where(
        Signup.slot.is_in(list(slots)) & Signup.status.is_in(list(ON_SHIFT))).order_by(Signup.id)
    people = {r.user_id: r for r in await recipients({s["user"] for s in signups})}
    queued = 0
    for signup in signups:
        person = people.get(signup["user"])
        if person is None:
            continue
        slot = slots[signup["slot"]]
        others = [(s["name"] or "").split(" ")[0] for s in signups
                  if s["slot"] == signup["slot"] and s["user"] != signup["user"]]
        queued += await notify("shift_reminder", event_key("shift_reminder", signup["id"]), person, group=group,
                               words={"date": slot["held_on"], "role": slot["title"]},
                               shift=shift_view(slot), others=others)
    return queued


@register("shift_reminder")
def sample_reminder(group: dict) -> dict:
    shift = sample_shift(group)
    return {"words": {"date": shift["held_on"], "role": shift["title"]}, "shift": shift, "others": ["Bob", "Chloé"]}


# --- Gaps, for the coordinators -----------------------------------------------------------------------

async def coordinators(group_id: int) -> list[int]:
    return [row["user"] for row in await Coordinator.select(Coordinator.user).where(
        (Coordinator.group == group_id) & Coordinator.ended_at.is_null())]


async def alert_gaps(group: dict, now: datetime) -> int:
    """From 8:00, one digest a day to each coordinator listing every slot of the coming seven days
    with free places; nothing when the week is covered."""
    today = today_from(group["timezone"], now, GAPS_FROM)
    if today is None:
        return 0
    gaps = [shift_view(s) for s in await live_slots(group["id"], today, today + timedelta(days=GAP_DAYS))
            if s["free"] > 0]
    if not gaps:
        return 0
    queued = 0
    for person in await recipients(await coordinators(group["id"])):
        key = event_key("roster_gaps", group["id"], today.isoformat(), person.user_id)
        queued += await notify("roster_gaps", key, person, group=group, gaps=gaps,
                               places=sum(gap["free"] for gap in gaps))
    return queued


@register("roster_gaps")
def sample_gaps(group: dict) -> dict:
    first = sample_shift(group)
    second = {**first, "id": 2, "title": "Rangement", "free": 2}
    return {"words": {}, "gaps": [first, second], "places": 3}


# --- Invitations and swaps, told at the moment they happen ------------------------------------------

async def invite(group: dict, slot_id: int, user_ids: list[int], *, invited_by: str) -> int:
    """Ask these people to take a free slot; returns how many were asked now. Asking the same person
    for the same slot again sends nothing (the coordinator pressing the button twice)."""
    slot = await Slot.select(*slot_columns()).where(Slot.id == slot_id).first()
    if slot is None:
        return 0
    shift = shift_view(describe(slot))
    queued = 0
    for person in await recipients(user_ids):
        queued += await notify("roster_invitation", event_key("roster_invitation", slot_id, person.user_id), person,
                               group=group, words={"date": shift["held_on"], "role": shift["title"]},
                               shift=shift, invited_by=invited_by)
    return queued


@register("roster_invitation")
def sample_invitation(group: dict) -> dict:
    shift = sample_shift(group)
    return {"words": {"date": shift["held_on"], "role": shift["title"]}, "shift": shift, "invited_by": "Carole"}


async def tell_swap_taken(swap_id: int, slot: dict, offered_by: int, taker_id: int) -> bool:
    """Tell the member who offered a swap who took it: they are free of the shift."""
    people = await recipients([offered_by])
    if not people:
        return False
    taker = await User.select(User.name).where(User.id == taker_id).first()
    shift = shift_view(slot)
    return await notify("swap_taken", event_key("swap_taken", swap_id), people[0], group=await group_of(slot["group"]),
                        words={"date": shift["held_on"], "role": shift["title"]},
                        shift=shift, taker=taker["name"] if taker else "")


@register("swap_taken")
def sample_swap(group: dict) -> dict:
    shift = sample_shift(group)
    return {"words": {"date": shift["held_on"], "role": shift["title"]}, "shift": shift, "taker": "Bob Martin"}


def sample_shift(group: dict) -> dict:
    zone = ZoneInfo(group.get("timezone") or "Europe/Paris")
    return {"id": 1, "title": "Installation", "place": "Cour de l'école", "held_on": date(2027, 4, 8),
            "starts": datetime(2027, 4, 8, 18, 30, tzinfo=zone), "ends": datetime(2027, 4, 8, 20, 0, tzinfo=zone),
            "free": 1}
