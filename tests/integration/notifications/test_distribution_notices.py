"""This week's share and the eve of a distribution, told by mail through the outbox.

The Tilleuls' vegetables: 26 Thursdays from 1 April 2027, 18:30-20:00 at "Cour AMAP des Tilleuls",
1 place du Marché. Alice (with Arthur in her household) holds two full shares, Bob a half share;
Carol is a member without a contract. Clocks are Europe/Paris (+02:00 in April) unless said.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from amap.accounts.tables import User
from amap.contracts import lifecycle
from amap.distributions import changes
from amap.distributions.tables import Absence, Announcement, Delivery
from amap.groups.tables import Group
from amap.lib.db import utcnow
from amap.lib.i18n import LANGUAGES, using_language
from amap.notifications.outbox import Recipient, render
from amap.notifications.samples import sample_context
from amap.notifications.tables import OptOut
from amap.roster.slots import sync_slots
from amap.roster.tables import RosterRole, Signup, Slot
from jobs.distributions import tell_distribution_eve, tell_published_shares
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_calendar_pages import distribution_on, season

MONDAY = datetime.fromisoformat("2027-04-05 10:00+02:00")
EVE_BEFORE_FIVE = datetime.fromisoformat("2027-04-07 16:59+02:00")
EVE_AT_FIVE = datetime.fromisoformat("2027-04-07 17:00+02:00")
EIGHTH = date(2027, 4, 8)


@pytest.fixture
async def vegetables(world):
    offer = await season(world)
    await lifecycle.sign(request_for(world, offer, "alice", quantity=2))
    await lifecycle.sign(request_for(world, offer, "bob", share=offer.half_share))
    return offer


async def announce(offer_share: int, day: date = EIGHTH, *, items=None, note: str = "", published: bool = True):
    distribution = await distribution_on(day)
    delivery = await Delivery.objects().get(Delivery.distribution == distribution["id"])
    await Announcement.insert(Announcement(
        delivery=delivery.id, offer_share=offer_share, note=note, published_at=utcnow() if published else None,
        items=items or [{"name": "Carottes", "quantity": "1.5", "unit": "kg"},
                        {"name": "Salade", "quantity": "1", "unit": "pièce"}]))
    return distribution


def plain(text: str) -> str:
    """Babel's narrow and non-breaking spaces ("6:30\u202fPM", "Carottes\u00a0:") as plain ones."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


async def mail_to(outbox, world, who: str):
    """The one mail stored for this person, its text and HTML with plain spaces."""
    mails = await outbox.messages(to=world.email(who))
    assert len(mails) == 1, mails
    return replace(mails[0], text=plain(mails[0].text), html=plain(mails[0].html))


async def speaks_english(world, who: str) -> None:
    await User.update({User.language: "en"}).where(User.id == world.users[who])


# --- This week's share ------------------------------------------------------------------------------

async def test_each_adult_of_the_households_collecting_learns_what_their_share_holds(world, vegetables, outbox):
    eighth = await announce(vegetables.full_share, note="Premiers radis")
    await speaks_english(world, "alice")
    assert await tell_published_shares(MONDAY) == 2  # Alice and Arthur; Bob's half share is not announced yet
    delivery = await Delivery.objects().get(Delivery.distribution == eighth["id"])
    alice = await mail_to(outbox, world, "alice")
    assert alice.kind == "share_published" and alice.key == f"share_published:{delivery.id}:{world.users['alice']}"
    assert alice.subject == "This week's share from Ferme des Tilleuls, April 8, 2027"
    assert "Panier complet × 2" in alice.text and "Carottes: 1.5 kg" in alice.text and "Premiers radis" in alice.text
    assert f"http://testserver/distributions/{eighth['id']}" in alice.text
    assert f'href="http://testserver/distributions/{eighth["id"]}"' in alice.html and "Carottes" in alice.html
    arthur = await mail_to(outbox, world, "arthur")  # no language of his own: the group's, French
    assert "Ferme des Tilleuls" in arthur.subject and "8 avril 2027" in arthur.subject
    assert "Carottes : 1,5 kg" in arthur.text and "jeudi 8 avril 2027" in arthur.text
    assert await outbox.messages(to=world.email("bob")) == [] and await outbox.messages(to=world.email("carol")) == []


async def test_a_second_run_or_a_corrected_announcement_sends_nothing_again(world, vegetables, outbox):
    await announce(vegetables.full_share)
    assert await tell_published_shares(MONDAY) == 2
    assert await tell_published_shares(MONDAY) == 0
    await Announcement.update({Announcement.items: [{"name": "Poireaux", "quantity": "1", "unit": "kg"}]}).where(
        Announcement.offer_share == vegetables.full_share)
    assert await tell_published_shares(MONDAY) == 0
    assert len(await outbox.messages(kind="share_published")) == 2


async def test_a_share_type_announced_later_is_told_when_it_is(world, vegetables, outbox):
    await announce(vegetables.full_share)
    await tell_published_shares(MONDAY)
    await announce(vegetables.half_share, items=[{"name": "Navets", "quantity": "500", "unit": "g"}])
    assert await tell_published_shares(MONDAY) == 1
    bob = await mail_to(outbox, world, "bob")
    assert "Demi-panier" in bob.text and "Navets" in bob.text and "Carottes" not in bob.text


async def test_drafts_past_days_and_cancelled_distributions_are_not_told(world, vegetables, outbox):
    await announce(vegetables.full_share, published=False)
    await announce(vegetables.full_share, day=date(2027, 4, 1))  # before Monday the 5th
    fifteenth = await announce(vegetables.full_share, day=date(2027, 4, 15))
    await changes.cancel(fifteenth, "Cour inondée", world.users["carol"])
    assert await tell_published_shares(MONDAY) == 0
    assert await outbox.messages(kind="share_published") == []


async def test_the_partner_household_of_a_shared_contract_is_told_too(world, outbox):
    offer = await season(world)
    await lifecycle.sign(request_for(world, offer, "alice", co_household_id=world.households["bob"],
                                     sharing="together"))
    await announce(offer.full_share)
    assert await tell_published_shares(MONDAY) == 3
    assert {mail.to for mail in await outbox.messages(kind="share_published")} == {
        world.email("alice"), world.email("arthur"), world.email("bob")}


async def test_a_member_who_refused_these_mails_gets_none(world, vegetables, outbox):
    await OptOut.insert(OptOut(user=world.users["alice"], kind="share_published"))
    await announce(vegetables.full_share)
    assert await tell_published_shares(MONDAY) == 1
    assert [mail.to for mail in await outbox.messages(kind="share_published")] == [world.email("arthur")]


# --- The eve of a distribution ----------------------------------------------------------------------

async def test_nothing_is_told_before_five_the_day_before(world, vegetables, outbox):
    assert await tell_distribution_eve(EVE_BEFORE_FIVE) == 0
    assert await tell_distribution_eve(datetime.fromisoformat("2027-04-08 10:00+02:00")) == 0  # the day itself
    assert await outbox.messages(kind="distribution_eve") == []


async def test_from_five_the_day_before_each_member_learns_where_when_and_what_once(world, vegetables, outbox):
    await speaks_english(world, "alice")
    assert await tell_distribution_eve(EVE_AT_FIVE) == 3  # Alice, Arthur, Bob; Carol collects nothing
    assert await tell_distribution_eve(datetime.fromisoformat("2027-04-07 23:45+02:00")) == 0
    eighth = await distribution_on(EIGHTH)
    alice = await mail_to(outbox, world, "alice")
    assert alice.key == f"distribution_eve:{eighth['id']}:{world.users['alice']}"
    assert alice.subject == "Distribution tomorrow at 6:30 PM, Cour AMAP des Tilleuls"
    assert "Thursday, April 8, 2027, from 6:30 PM to 8:00 PM" in alice.text
    assert "Cour AMAP des Tilleuls, 1 place du Marché" in alice.text
    assert "You collect:" in alice.text and "Ferme des Tilleuls, Légumes 2027: Panier complet × 2" in alice.text
    assert f"http://testserver/distributions/{eighth['id']}" in alice.text and "1 place du Marché" in alice.html
    bob = await mail_to(outbox, world, "bob")  # French: the structure, whatever the catalog says
    assert "18:30" in bob.subject and "Cour AMAP des Tilleuls" in bob.subject
    assert "jeudi 8 avril 2027" in bob.text and "Demi-panier" in bob.text and "× " not in bob.text
    assert await outbox.messages(to=world.email("carol")) == []


async def test_a_group_in_another_timezone_is_told_at_its_own_five(world, vegetables, outbox):
    await Group.update({Group.timezone: "America/Montevideo"}).where(Group.id == world.tilleuls)  # UTC-3
    assert await tell_distribution_eve(EVE_AT_FIVE) == 0  # 12:00 in Montevideo
    assert await tell_distribution_eve(datetime.fromisoformat("2027-04-07 19:59+00:00")) == 0
    assert await tell_distribution_eve(datetime.fromisoformat("2027-04-07 20:00+00:00")) == 3
    # 01:00 on the 8th in Paris, still the eve in Montevideo: told already, nothing again.
    assert await tell_distribution_eve(datetime.fromisoformat("2027-04-07 23:00+00:00")) == 0
    assert len(await outbox.messages(kind="distribution_eve")) == 3


async def test_a_member_who_refused_the_eve_mail_gets_none(world, vegetables, outbox):
    await OptOut.insert(OptOut(user=world.users["alice"], kind="distribution_eve"))
    assert await tell_distribution_eve(EVE_AT_FIVE) == 2
    assert await outbox.messages(to=world.email("alice")) == []


async def test_a_cancelled_distribution_has_no_eve(world, vegetables, outbox):
    await changes.cancel(await distribution_on(EIGHTH), "Cour inondée", world.users["carol"])
    assert await tell_distribution_eve(EVE_AT_FIVE) == 0


async def test_a_cancelled_delivery_is_said_and_a_household_with_only_that_gets_nothing(world, vegetables, outbox):
    await Delivery.update({Delivery.outcome: "cancelled"}).where(
        Delivery.distribution == (await distribution_on(EIGHTH))["id"])
    assert await tell_distribution_eve(EVE_AT_FIVE) == 0


async def test_an_absent_household_is_told_who_collects_and_the_collector_what_for_whom(world, vegetables, outbox):
    eighth = await distribution_on(EIGHTH)
    await Absence.insert(Absence(household=world.households["alice"], distribution=eighth["id"], choice="collector",
                                 collector_household=world.households["bob"], declared_by=world.users["alice"]))
    for who in ("alice", "bob"):
        await speaks_english(world, who)
    assert await tell_distribution_eve(EVE_AT_FIVE) == 3
    alice = await mail_to(outbox, world, "alice")
    assert "You told us you will be away: Bob collects your shares." in alice.text
    assert "Your shares:" in alice.text and "Panier complet × 2" in alice.text
    bob = await mail_to(outbox, world, "bob")
    assert "You collect:" in bob.text and "Demi-panier" in bob.text
    assert "You also collect the shares of Alice:" in bob.text and "Panier complet × 2" in bob.text


async def test_a_guest_collector_is_named_and_donated_shares_leave_nothing_to_tell(world, vegetables, outbox):
    eighth = await distribution_on(EIGHTH)
    await Absence.insert(Absence(household=world.households["alice"], distribution=eighth["id"], choice="collector",
                                 collector_name="Mamie Jo", declared_by=world.users["alice"]),
                         Absence(household=world.households["bob"], distribution=eighth["id"], choice="donated",
                                 declared_by=world.users["bob"]))
    await speaks_english(world, "alice")
    assert await tell_distribution_eve(EVE_AT_FIVE) == 2  # Alice and Arthur; Bob's household gave its share
    alice = await mail_to(outbox, world, "alice")
    assert "Mamie Jo (guest) collects your shares" in alice.text
    assert await outbox.messages(to=world.email("bob")) == []


async def test_a_member_who_took_offered_shares_is_told_though_they_hold_no_contract(world, vegetables, outbox):
    eighth = await distribution_on(EIGHTH)
    await Absence.insert(Absence(household=world.households["alice"], distribution=eighth["id"], choice="offered",
                                 taken_by_household=world.households["carol"], declared_by=world.users["alice"]))
    for who in ("alice", "carol"):
        await speaks_english(world, who)
    assert await tell_distribution_eve(EVE_AT_FIVE) == 4  # Alice, Arthur, Bob and Carol
    carol = await mail_to(outbox, world, "carol")
    assert "You collect the shares of Carol" not in carol.text and "You collect:" not in carol.text
    assert "You collect the shares of Alice:" in carol.text and "Panier complet × 2" in carol.text
    assert "Carol collects your shares." in (await mail_to(outbox, world, "alice")).text


async def test_a_volunteer_is_reminded_of_their_own_shift_that_day(world, vegetables, outbox):
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=2))
    await sync_slots(world.tilleuls)
    slot = await Slot.objects().get(Slot.held_on == EIGHTH)
    await Signup.insert(Signup(slot=slot.id, user=world.users["alice"], household=world.households["alice"]))
    await speaks_english(world, "alice")
    await speaks_english(world, "arthur")
    await tell_distribution_eve(EVE_AT_FIVE)
    assert "Your shift: Installation, from 6:30 PM to 8:00 PM" in (await mail_to(outbox, world, "alice")).text
    assert "Your shift" not in (await mail_to(outbox, world, "arthur")).text


# --- Samples for the committee's wording preview ----------------------------------------------------

@pytest.mark.parametrize("kind", ["share_published", "distribution_eve"])
async def test_the_sample_contexts_render_in_every_language(world, kind):
    group = await Group.select().where(Group.id == world.tilleuls).first()
    context = sample_context(kind, group)
    words = context.pop("words")
    for language in LANGUAGES:
        with using_language(language):
            mail = render(kind, recipient=Recipient(email="a@example.org", user_id=1, name="Alice Martin",
                                                    language=language), group=group, words=words,
                          unsubscribe="http://testserver/unsubscribe/x", **context)
        assert mail.subject and "Alice" in mail.text and "Ferme des Tilleuls" in mail.text
        assert "http://testserver/unsubscribe/x" in mail.text and "<html" in mail.html
