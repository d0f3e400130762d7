"""Roster mails through the outbox: shift reminders, the coordinators' daily digest of gaps, invitations
to fill a gap and swaps taken.

Four Thursday distributions (1, 8, 15 and 22 April 2027, 18:30-20:00) with one role, "Installation".
Carol coordinates the Tilleuls; clocks are Europe/Paris (+02:00 in April) unless said.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from amap.accounts.tables import User
from amap.distributions import changes
from amap.distributions.calendar import sync_group
from amap.groups.tables import Group
from amap.lib.i18n import LANGUAGES, using_language
from amap.notifications.outbox import Recipient, render
from amap.notifications.samples import sample_context
from amap.notifications.tables import OptOut
from amap.roster import notices, signups
from amap.roster.slots import sync_slots
from amap.roster.tables import RosterRole, Signup, Slot
from jobs.roster import send_roster_gap_alerts, send_shift_reminders
from tests.integration.distributions.test_calendar_pages import distribution_on
from tests.world import add_offer

TUESDAY_BEFORE_NINE = datetime.fromisoformat("2027-04-06 08:59+02:00")
TUESDAY_AT_NINE = datetime.fromisoformat("2027-04-06 09:00+02:00")


async def roster(world, people_needed: int = 2) -> dict[date, int]:
    """The Installation slot of each Thursday, by day."""
    await add_offer(world, deliveries=4)
    await sync_group(world.tilleuls)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=people_needed))
    await sync_slots(world.tilleuls)
    return {row["held_on"]: row["id"] for row in await Slot.select(Slot.id, Slot.held_on)}


async def on_slot(world, slot_id: int, who: str, status: str = "signed") -> int:
    await Slot.update({Slot.taken: Slot.taken + 1}).where(Slot.id == slot_id)
    rows = await Signup.insert(Signup(slot=slot_id, user=world.users[who], household=world.households[who],
                                      status=status)).returning(Signup.id)
    return rows[0]["id"]


async def speaks_english(world, *people: str) -> None:
    await User.update({User.language: "en"}).where(User.id.is_in([world.users[who] for who in people]))


async def mail_to(outbox, world, who: str, kind: str):
    """The one mail of this kind stored for this person, with Babel's narrow spaces made plain."""
    mails = await outbox.messages(kind=kind, to=world.email(who))
    assert len(mails) == 1, mails
    return replace(mails[0], text=mails[0].text.replace("\u202f", " ").replace("\u00a0", " "))


# --- Shift reminders ---------------------------------------------------------------------------------

async def test_volunteers_are_reminded_from_nine_two_days_before_their_shift_once(world, outbox):
    slots = await roster(world)
    alices = await on_slot(world, slots[date(2027, 4, 8)], "alice")
    await on_slot(world, slots[date(2027, 4, 8)], "carol")
    await on_slot(world, slots[date(2027, 4, 15)], "bob")
    await speaks_english(world, "alice")
    assert await send_shift_reminders(TUESDAY_BEFORE_NINE) == 0
    assert await send_shift_reminders(TUESDAY_AT_NINE) == 2  # Alice and Carol; Bob's shift is next week
    assert await send_shift_reminders(TUESDAY_AT_NINE) == 0
    assert await send_shift_reminders(datetime.fromisoformat("2027-04-07 09:00+02:00")) == 0
    alice = await mail_to(outbox, world, "alice", "shift_reminder")
    assert alice.key == f"shift_reminder:{alices}"
    assert alice.subject == "Your shift on Thursday, April 8, 2027: Installation"
    assert "from 6:30 PM to 8:00 PM" in alice.text and "With Carol." in alice.text
    assert "http://testserver/roster" in alice.text and "Installation" in alice.html
    carol = await mail_to(outbox, world, "carol", "shift_reminder")  # French: the structure
    assert "jeudi 8 avril 2027" in carol.subject and "Installation" in carol.subject and "Alice" in carol.text
    assert await send_shift_reminders(datetime.fromisoformat("2027-04-13 09:00+02:00")) == 1
    assert (await mail_to(outbox, world, "bob", "shift_reminder")).key.startswith("shift_reminder:")


async def test_a_group_in_another_timezone_is_reminded_at_its_own_nine(world, outbox):
    slots = await roster(world)
    await on_slot(world, slots[date(2027, 4, 8)], "alice")
    await Group.update({Group.timezone: "America/Montevideo"}).where(Group.id == world.tilleuls)  # UTC-3
    assert await send_shift_reminders(TUESDAY_AT_NINE) == 0  # 04:00 in Montevideo
    assert await send_shift_reminders(datetime.fromisoformat("2027-04-06 11:59+00:00")) == 0
    assert await send_shift_reminders(datetime.fromisoformat("2027-04-06 12:00+00:00")) == 1


async def test_no_reminder_for_a_cancelled_distribution_a_shift_left_or_a_member_who_refused_them(world, outbox):
    slots = await roster(world)
    await on_slot(world, slots[date(2027, 4, 8)], "alice")
    await on_slot(world, slots[date(2027, 4, 8)], "bob", status="left")
    await on_slot(world, slots[date(2027, 4, 15)], "alice")
    await on_slot(world, slots[date(2027, 4, 15)], "carol")
    await changes.cancel(await distribution_on(date(2027, 4, 8)), "Cour inondée", world.users["carol"])
    await OptOut.insert(OptOut(user=world.users["carol"], kind="shift_reminder"))
    assert await send_shift_reminders(TUESDAY_AT_NINE) == 0
    assert await send_shift_reminders(datetime.fromisoformat("2027-04-13 09:00+02:00")) == 1  # Alice only
    assert [mail.to for mail in await outbox.messages(kind="shift_reminder")] == [world.email("alice")]


# --- The coordinators' digest of gaps -------------------------------------------------------------------

async def test_coordinators_get_one_digest_a_day_of_the_coming_weeks_gaps_from_eight(world, outbox):
    slots = await roster(world, people_needed=1)
    await on_slot(world, slots[date(2027, 4, 8)], "bob")  # 8 April is covered
    await speaks_english(world, "carol")
    assert await send_roster_gap_alerts(datetime.fromisoformat("2027-03-31 07:59+02:00")) == 0
    assert await send_roster_gap_alerts(datetime.fromisoformat("2027-03-31 08:00+02:00")) == 1
    assert await send_roster_gap_alerts(datetime.fromisoformat("2027-03-31 16:00+02:00")) == 0
    digest = await mail_to(outbox, world, "carol", "roster_gaps")
    assert digest.key == f"roster_gaps:{world.tilleuls}:2027-03-31:{world.users['carol']}"
    assert digest.subject == "Roster: 1 free place in the coming week"
    assert "Thursday, April 1, 2027, 6:30 PM: Installation, 1 place free" in digest.text
    assert f"http://testserver/committee/tilleuls/roster/slots/{slots[date(2027, 4, 1)]}" in digest.text
    assert "April 8" not in digest.text  # covered
    assert "http://testserver/committee/tilleuls/roster" in digest.html
    # A new day, a new digest: 1 April still lacks someone, and 8 April is within the week either way.
    assert await send_roster_gap_alerts(datetime.fromisoformat("2027-04-01 08:00+02:00")) == 1
    assert {mail.to for mail in await outbox.messages(kind="roster_gaps")} == {world.email("carol")}


async def test_a_covered_week_sends_no_digest(world, outbox):
    slots = await roster(world, people_needed=1)
    await on_slot(world, slots[date(2027, 4, 1)], "alice")
    assert await send_roster_gap_alerts(datetime.fromisoformat("2027-03-29 08:00+02:00")) == 0
    assert await outbox.messages(kind="roster_gaps") == []


# --- Invitations and swaps, told at the moment ----------------------------------------------------------

async def test_an_invitation_names_the_shift_and_links_to_it(world, outbox):
    slots = await roster(world)
    await speaks_english(world, "alice")
    group = await notices.group_of(world.tilleuls)
    slot_id = slots[date(2027, 4, 1)]
    assert await notices.invite(group, slot_id, [world.users["alice"], world.users["bob"]], invited_by="Carol") == 2
    assert await notices.invite(group, slot_id, [world.users["alice"]], invited_by="Carol") == 0
    alice = await mail_to(outbox, world, "alice", "roster_invitation")
    assert alice.subject == "Could you take the Installation shift on Thursday, April 1, 2027?"
    assert "Carol, for the committee" in alice.text and "2 places are still free." in alice.text
    assert f"http://testserver/roster#slot-{slot_id}" in alice.text


async def test_the_member_who_offered_a_swap_learns_who_took_it(world, outbox):
    slots = await roster(world)
    bobs = await on_slot(world, slots[date(2027, 4, 15)], "bob")
    await speaks_english(world, "bob")
    swap_id = await signups.offer_swap(await Signup.select().where(Signup.id == bobs).first(),
                                       await signups.slot(slots[date(2027, 4, 15)]),
                                       now=datetime.fromisoformat("2027-04-13 10:00+02:00"))
    await signups.take_swap(swap_id, world.users["alice"], world.households["alice"],
                            now=datetime.fromisoformat("2027-04-13 11:00+02:00"))
    bob = await mail_to(outbox, world, "bob", "swap_taken")
    assert bob.subject == "Alice took your shift of April 15, 2027"
    assert "You are no longer on it." in bob.text and "Installation: Thursday, April 15, 2027" in bob.text
    assert await outbox.messages(to=world.email("alice")) == []  # she knows: she took it


# --- Samples for the committee's wording preview ----------------------------------------------------

@pytest.mark.parametrize("kind", ["shift_reminder", "roster_gaps", "roster_invitation", "swap_taken"])
async def test_the_sample_contexts_render_in_every_language(world, kind):
    group = await Group.select().where(Group.id == world.tilleuls).first()
    context = sample_context(kind, group)
    words = context.pop("words")
    for language in LANGUAGES:
        with using_language(language):
            mail = render(kind, recipient=Recipient(email="a@example.org", user_id=1, name="Alice Martin",
                                                    language=language), group=group, words=words,
                          unsubscribe="http://testserver/unsubscribe/x", **context)
        assert mail.subject and "Alice" in mail.text and "Installation" in mail.text
        assert "http://testserver/unsubscribe/x" in mail.text and "<html" in mail.html
