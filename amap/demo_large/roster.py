"""The large demo's rosters: three roles per group sized to it, slots synced once per group, past
shifts done (a few missed), coming ones filling up with gaps; member@ behind with one coming shift."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from amap.demo_large.bulk import insert
from amap.demo_large.data import ROLES
from amap.demo_large.world import World, at
from amap.roster.slots import sync_slots
from amap.roster.tables import Obligation, RosterRole, Signup, Slot, SwapOffer

SHIFTS_OWED = 3


def wanted(capacity: int, days_ahead: int, world: World) -> int:
    """How many have signed up: every place of a past shift, most of the next two weeks', half later."""
    if days_ahead < 0:
        return capacity
    if days_ahead <= 14:
        return capacity - (1 if world.rng.random() < 0.25 else 0)
    return sum(1 for _ in range(capacity) if world.rng.random() < 0.5)


async def load_roster(world: World) -> None:
    rng, today = world.rng, world.today
    await insert(RosterRole, [
        RosterRole(group=info.id, name=name, description=text, people_needed=max(minimum, round(len(info.homes) / per)))
        for info in world.groups for name, per, minimum, text in ROLES])
    await insert(Obligation, [Obligation(group=info.id, starts_on=world.starts_on, ends_on=world.ends_on,
                                         shifts=SHIFTS_OWED) for info in world.groups])
    for info in world.groups:
        await sync_slots(info.id)
    index_of = {info.id: info.index for info in world.groups}
    days: dict[tuple[int, object], list[dict]] = defaultdict(list)
    for slot in await Slot.select(Slot.id, Slot.group, Slot.held_on, Slot.capacity, Slot.role.name.as_alias("role")).where(
            Slot.group.is_in(list(index_of))).order_by(Slot.held_on, Slot.group, Slot.role):
        days[(index_of[slot["group"]], slot["held_on"])].append(slot)

    member = world.member_home
    member_days = sorted(day for g, day in days if g == 0)
    member_done = next((day for day in member_days if day < today), None)
    coming = [day for day in member_days if day >= today]
    member_coming = coming[1] if len(coming) > 1 else None
    signups = []
    for (g, day), slots in days.items():
        info = world.groups[g]
        counts = [min(wanted(slot["capacity"], (day - today).days, world), slot["capacity"]) for slot in slots]
        people = [home for home in rng.sample(info.homes, min(sum(counts), len(info.homes))) if home != member]
        for slot, count in zip(slots, counts, strict=True):
            here = [people.pop() for _ in range(min(count, len(people)))]
            if g == 0 and ((day == member_done and slot is slots[0])
                           or (day == member_coming and slot["role"] == "Émargement")):
                here = [member, *here][:max(count, 1)]
            for user, household in here:
                past = day < today
                status = ("no_show" if rng.random() < 0.08 and user != member[0] else "done") if past else "signed"
                signed_on = (day if past else today) - timedelta(days=rng.randint(2, 30))
                signups.append(Signup(slot=slot["id"], user=user, household=household, status=status,
                                      signed_at=at(signed_on, 21), confirmed_by=info.coordinators[0] if past else None,
                                      confirmed_at=at(day, 21) if past else None))
    await insert(Signup, signups)
    # Each slot's places taken are its sign-ups that still hold one.
    await Slot.raw("UPDATE roster_slot SET taken = (SELECT COUNT(*) FROM roster_signup WHERE roster_signup.slot = "
                   "roster_slot.id AND roster_signup.status IN ('signed', 'done', 'no_show'))")
    if coming:
        swapped = await Signup.select(Signup.id).where(
            (Signup.slot.is_in([slot["id"] for slot in days[(0, coming[0])]])) & (Signup.user != member[0])
        ).order_by(Signup.id).first()
        if swapped:
            await SwapOffer.insert(SwapOffer(signup=swapped["id"], offered_at=at(today - timedelta(days=1), 20)))
