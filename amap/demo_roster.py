"""The demo's roster: three roles, three shifts owed this season, past shifts done (a few missed),
coming ones mostly filled with gaps, the demo member behind with one coming shift, one swap offered."""

from __future__ import annotations

import random
from datetime import date, timedelta

from amap.demo_contracts import season_of
from amap.lib.db import utcnow
from amap.roster.slots import sync_slots
from amap.roster.tables import Obligation, RosterRole, Signup, Slot, SwapOffer

ROLES = (("Installation", 2, "Sortir les tables et les caisses, accueillir la ferme."),
         ("Émargement", 1, "Tenir la feuille d'émargement."),
         ("Rangement", 2, "Ranger, balayer, rapporter les caisses vides."))


async def load_roster(*, group_id: int, member: tuple[int, int], coordinator: int,
                      households: list[tuple[int, int]], today: date, rng: random.Random) -> None:
    """`member` and `households` are (user id, household id) pairs."""
    await RosterRole.insert(*[RosterRole(group=group_id, name=name, people_needed=needed, description=text)
                              for name, needed, text in ROLES])
    starts_on, ends_on = season_of(today)
    await Obligation.insert(Obligation(group=group_id, starts_on=starts_on, ends_on=ends_on, shifts=3))
    await sync_slots(group_id)
    slots = await Slot.select().where(Slot.group == group_id).order_by(Slot.held_on).order_by(Slot.id)
    coming_days = sorted({s["held_on"] for s in slots if s["held_on"] >= today})
    now = utcnow()
    # The demo member: one shift done, one coming (the second coming distribution's sign-off desk): behind.
    member_done = next((s["id"] for s in slots if s["held_on"] < today), None)
    member_coming = next((s["id"] for s in slots if len(coming_days) > 1 and s["held_on"] == coming_days[1]
                          and s["capacity"] == 1), None)
    swap_slot = next((s["id"] for s in slots if coming_days and s["held_on"] == coming_days[0]), None)
    signups = []
    for s in slots:
        past = s["held_on"] < today
        if past:
            wanted = s["capacity"]
        elif s["held_on"] - today <= timedelta(days=14):
            wanted = s["capacity"] - (1 if rng.random() < 0.25 else 0)  # a few gaps close by
        else:
            wanted = sum(1 for _ in range(s["capacity"]) if rng.random() < 0.5)  # later weeks fill up slowly
        people = []
        if s["id"] in (member_done, member_coming):
            people.append(member)
        for person in rng.sample(households, min(len(households), 6)):
            if len(people) >= min(wanted, s["capacity"]):
                break
            if person != member:
                people.append(person)
        if s["id"] == member_coming:
            people = [member]
        for user_id, household_id in people:
            status = ("no_show" if rng.random() < 0.08 and user_id != member[0] else "done") if past else "signed"
            signups.append(Signup(slot=s["id"], user=user_id, household=household_id, status=status,
                                  confirmed_by=coordinator if past else None, confirmed_at=now if past else None))
        await Slot.update({Slot.taken: len(people)}).where(Slot.id == s["id"])
    if signups:
        await Signup.insert(*signups)
    swapped = await Signup.select(Signup.id).where(
        (Signup.slot == (swap_slot or -1)) & (Signup.user != member[0])).first()
    if swapped:
        await SwapOffer.insert(SwapOffer(signup=swapped["id"]))
