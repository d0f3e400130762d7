"""The member's side of the roster: open slots, signing up, leaving before the deadline, offering
and taking swaps after it, and the shifts a household still owes this season."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from piccolo.querystring import QueryString

from amap.groups.tables import Group
from amap.lib.db import utcnow, write_transaction
from amap.lib.i18n import _
from amap.lib.prepared import prepared
from amap.roster import notices
from amap.roster.obligations import household_progress
from amap.roster.slots import describe, free_place, is_live, slot_columns, slot_columns_through, take_place
from amap.roster.tables import Signup, Slot, SwapOffer

ROSTER_AHEAD = timedelta(days=60)
HOLDING = ("signed", "done", "no_show")  # statuses of a person who held the place on the day


class Refused(Exception):
    """A roster rule says no; the message is for the member."""


class Full(Refused):
    """The last place went to someone else."""


async def slot(slot_id: int) -> dict | None:
    row = await Slot.select(*slot_columns()).where((Slot.id == slot_id) & is_live()).first()
    return describe(row) if row else None


_NAMES_ON = prepared(lambda slots: Signup.select(Signup.slot, Signup.user.name.as_alias("name")).where(
    Signup.slot.is_in(slots) & Signup.status.is_in(list(HOLDING))).order_by(Signup.signed_at).order_by(Signup.id))
# The people on the slots of these groups between two days: a superset of the open slots' people,
# read without the list of their ids (its length would make one SQL per number of open slots).
_PEOPLE_BETWEEN = prepared(lambda groups, first, last: Signup.select(
    Signup.id, Signup.slot, Signup.user, Signup.status, Signup.user.name.as_alias("name")).where(
    Signup.slot.group.is_in(groups) & (Signup.slot.held_on >= first) & (Signup.slot.held_on <= last)
    & Signup.status.is_in(list(HOLDING))).order_by(Signup.signed_at).order_by(Signup.id))
_OPEN_SLOTS = prepared(lambda groups, first, last: Slot.select(*slot_columns()).where(
    Slot.group.is_in(groups) & (Slot.held_on >= first) & (Slot.held_on <= last) & (Slot.taken < Slot.capacity)
    & is_live()))


def _first_names(rows: list[dict]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for row in rows:
        names.setdefault(row["slot"], []).append((row["name"] or "").split(" ")[0])
    return names


async def names_on(slot_ids: Iterable[int]) -> dict[int, list[str]]:
    """The first names of the people on each slot."""
    ids = sorted(set(slot_ids))
    return _first_names(await _NAMES_ON(slots=ids)) if ids else {}


async def open_slots(group_ids: Iterable[int], today: date, last: date | None = None, *,
                     user_id: int | None = None) -> list[dict]:
    """Slots with a free place from today: soonest first, then the emptiest. With `user_id`, each says
    that person's own sign-up on it (`my_signup`, None when they are not on it)."""
    ids = sorted(group_ids)
    if not ids:
        return []
    last = last or today + ROSTER_AHEAD
    slots = [describe(row) for row in await _OPEN_SLOTS(groups=ids, first=today, last=last)]
    slots.sort(key=lambda s: (s["held_on"], -s["free"], s["starts"], s["title"], s["id"]))
    people = await _PEOPLE_BETWEEN(groups=ids, first=today, last=last) if slots else []
    names = _first_names(people)
    mine = {row["slot"]: row["id"] for row in people if row["user"] == user_id and row["status"] == "signed"}
    for s in slots:
        s["names"] = names.get(s["id"], [])
        if user_id is not None:
            s["my_signup"] = mine.get(s["id"])
    return slots


# shifts_of is read by /me and /roster on every view: its SQL is written once, and the sign-ups come
# with their slots (read through Signup.slot under the slot's own names) and whether a swap is offered.
_SWAP_OFFERED = QueryString(
    f'EXISTS (SELECT 1 FROM {SwapOffer._meta.tablename} AS offered WHERE offered.signup = "{Signup._meta.tablename}"."id" '
    "AND offered.taken_by IS NULL AND offered.withdrawn_at IS NULL)", alias="swap_offered")
_COMING_SIGNUPS = prepared(lambda by, who, today: Signup.select(
    Signup.id.as_alias("signup_id"), Signup.user.as_alias("user_id"), Signup.user.name.as_alias("user_name"),
    *slot_columns_through(Signup.slot), _SWAP_OFFERED).where(
    (getattr(Signup, by) == who) & (Signup.status == "signed") & (Signup.slot.held_on >= today)), shaping=("by",))
_GROUP_NAMES = prepared(lambda ids: Group.select(Group.id, Group.name).where(Group.id.is_in(ids)).order_by(Group.name))


async def shifts_of(household_id: int | None, today: date, *, user_id: int | None = None) -> list[dict]:
    """The coming shifts (status "signed") of a household, or of one person, soonest first."""
    if household_id is None and user_id is None:
        return []
    if user_id is not None:
        rows = await _COMING_SIGNUPS(by="user", who=user_id, today=today)
    else:
        rows = await _COMING_SIGNUPS(by="household", who=household_id, today=today)
    shifts = [{**describe(r), "swap_offered": bool(r["swap_offered"])} for r in rows]
    return sorted(shifts, key=lambda s: (s["starts"], s["title"]))


async def my_signup_on(slot_id: int, user_id: int) -> dict | None:
    return await Signup.select().where(
        (Signup.slot == slot_id) & (Signup.user == user_id) & (Signup.status == "signed")).first()


async def obligations(group_ids: Iterable[int], household_id: int | None, today: date, *,
                      groups: dict[int, dict] | None = None) -> list[dict]:
    """The household's progress this season in each of these groups that asks for shifts, counted
    by the committee's own rule (amap.roster.obligations.progress), so both sides read the same.
    `groups`: these groups as groups_by_id() gives them (by name), when the caller has read them."""
    if household_id is None:
        return []
    rows = []
    named = list(groups.values()) if groups is not None else await _GROUP_NAMES(ids=sorted(group_ids) or [-1])
    standing = await household_progress([group["id"] for group in named], household_id, today)
    for group in named:
        mine = standing[group["id"]]
        if mine.owed:
            rows.append({"id": group["id"], "group_name": group["name"], "owed": mine.owed, "done": mine.done,
                         "coming": mine.upcoming, "no_shows": mine.no_shows, "behind": mine.behind})
    return rows


async def sign_up(slot_row: dict, user_id: int, household_id: int, today: date, *,
                  signed_by: int | None = None) -> int:
    """Take one place on the slot; returns the new sign-up's id. Raises Full for the last place lost."""
    if slot_row["held_on"] < today:
        raise Refused(_("This shift is over."))
    async with write_transaction():
        if await my_signup_on(slot_row["id"], user_id) is not None:
            raise Refused(_("You are already on this shift."))
        if not await take_place(slot_row["id"]):
            raise Full(_("Someone took the last place a moment ago."))
        rows = await Signup.insert(Signup(slot=slot_row["id"], user=user_id, household=household_id,
                                          signed_by=signed_by)).returning(Signup.id)
    return rows[0]["id"]


def may_leave(slot_row: dict, now: datetime) -> bool:
    return now < slot_row["leave_until"]


async def leave(signup_id: int, slot_row: dict, now: datetime | None = None) -> None:
    """Leave a shift before the group's notice; after it, the member offers a swap instead."""
    now = now or utcnow()
    if not may_leave(slot_row, now):
        raise Refused(_("It is too late to leave this shift: offer a swap instead."))
    async with write_transaction():
        rows = await Signup.update({Signup.status: "left", Signup.ended_at: now}).where(
            (Signup.id == signup_id) & (Signup.status == "signed")).returning(Signup.id)
        if not rows:
            raise Refused(_("You are no longer on this shift."))
        await free_place(slot_row["id"])


async def offer_swap(signup: dict, slot_row: dict, now: datetime | None = None) -> int:
    """Offer one's place to the other members; returns the swap's id (the open one if already offered)."""
    now = now or utcnow()
    if signup["status"] != "signed" or slot_row["starts"] <= now:
        raise Refused(_("This shift can no longer be swapped."))
    async with write_transaction():
        existing = await SwapOffer.select(SwapOffer.id).where(
            (SwapOffer.signup == signup["id"]) & SwapOffer.taken_by.is_null() & SwapOffer.withdrawn_at.is_null()).first()
        if existing:
            return existing["id"]
        rows = await SwapOffer.insert(SwapOffer(signup=signup["id"], offered_at=now)).returning(SwapOffer.id)
    return rows[0]["id"]


_OPEN_SWAPS = prepared(lambda groups: SwapOffer.select(
    SwapOffer.id.as_alias("swap_id"), SwapOffer.signup.user.as_alias("offered_by"),
    SwapOffer.signup.user.name.as_alias("offered_by_name"), *slot_columns_through(SwapOffer.signup.slot)).where(
    SwapOffer.taken_by.is_null() & SwapOffer.withdrawn_at.is_null() & (SwapOffer.signup.status == "signed")
    & SwapOffer.signup.slot.group.is_in(groups)))


async def open_swaps(group_ids: Iterable[int], now: datetime) -> list[dict]:
    """Swaps offered and not yet taken on coming slots of these groups."""
    ids = sorted(group_ids)
    if not ids:
        return []
    swaps = [{**describe(r), "offered_by_name": (r["offered_by_name"] or "").split(" ")[0]}
             for r in await _OPEN_SWAPS(groups=ids)]
    return sorted((s for s in swaps if s["starts"] > now), key=lambda s: (s["starts"], s["title"]))


async def take_swap(swap_id: int, user_id: int, household_id: int, now: datetime | None = None) -> int:
    """The first taker replaces the member who offered the swap; returns the taker's sign-up id.
    The slot's count of places does not move: one person hands over to another."""
    now = now or utcnow()
    async with write_transaction():
        swap = await SwapOffer.select(SwapOffer.id, SwapOffer.signup, SwapOffer.signup.slot.as_alias("slot"),
                                      SwapOffer.signup.user.as_alias("offered_by")).where(
            SwapOffer.id == swap_id).first()
        if swap is None:
            raise Refused(_("This swap no longer exists."))
        if swap["offered_by"] == user_id or await my_signup_on(swap["slot"], user_id) is not None:
            raise Refused(_("You are already on this shift."))
        # Conditional: of two members taking the same swap at once, exactly one gets it.
        taken = await SwapOffer.update({SwapOffer.taken_by: user_id, SwapOffer.taken_at: now}).where(
            (SwapOffer.id == swap_id) & SwapOffer.taken_by.is_null() & SwapOffer.withdrawn_at.is_null()
        ).returning(SwapOffer.id)
        if not taken:
            raise Full(_("Someone else took this swap a moment ago."))
        await Signup.update({Signup.status: "swapped", Signup.ended_at: now}).where(Signup.id == swap["signup"])
        signup_id = (await Signup.insert(Signup(slot=swap["slot"], user=user_id, household=household_id,
                                                signed_at=now)).returning(Signup.id))[0]["id"]
        # In the same transaction: the swap and the message telling the one who offered it go together.
        slot_row = await Slot.select(*slot_columns()).where(Slot.id == swap["slot"]).first()
        await notices.tell_swap_taken(swap_id, describe(slot_row), swap["offered_by"], user_id)
    return signup_id
