"""Payment reminders to households and the treasurer's weekly digest, on a fixed season.

Alice (with Arthur in her household) pays a full share in five cheques of 88,40 € due on the 5th
of April to August 2027; Bob a half share in one cheque of 260 € due on 5 April 2027. Clocks
are Europe/Paris, the Tilleuls' timezone.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from amap.accounts.tables import User
from amap.contracts import lifecycle
from amap.groups.services import appoint_coordinator
from amap.groups.tables import Coordinator, Group
from amap.lib.i18n import LANGUAGES, using_language
from amap.lib.money import format_cents
from amap.notifications.outbox import Recipient, render
from amap.notifications.samples import sample_context
from amap.notifications.tables import OptOut
from amap.payments.notices import names_treasurer
from amap.payments.outstanding import Line, cover, unpaid_installments
from amap.payments.services import balances, record_payment
from amap.roster.tables import Responsibility
from jobs.payments import send_payment_digests, send_payment_reminders
from tests.integration.payments.conftest import Season, sign
from tests.world import World, add_offer

PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def euros(cents: int, language: str = "fr") -> str:
    return format_cents(cents, language)


@pytest.fixture
async def season(world: World) -> Season:
    offer = await add_offer(world)
    return Season(offer=offer, alice=await sign(world, offer, "alice", offer.full_share, offer.plan_five),
                  bob=await sign(world, offer, "bob", offer.half_share, offer.plan_one))


async def pay(world: World, subscription: int, cents: int, on: date = date(2027, 3, 1)) -> None:
    await record_payment(subscription_id=subscription, amount_cents=cents, method="cheque", received_on=on,
                         recorded_by=world.users["carol"])


# Which part of an installment is unpaid ------------------------------------------------------------


def test_payments_cover_the_schedule_oldest_first_and_a_leave_cuts_its_end():
    lines = [Line(n, n, date(2027, n, 5), 8840) for n in range(1, 6)]
    assert [unpaid for _, _, unpaid in cover(lines, 44200, 20000)] == [0, 0, 6520, 8840, 8840]
    assert [(owed, unpaid) for _, owed, unpaid in cover(lines, 30000, 0)][3:] == [(3480, 3480), (0, 0)]
    assert [unpaid for _, _, unpaid in cover(lines, 44200, -500)] == [8840] * 5


async def test_unpaid_installments_due_before_a_day_add_up_to_the_overdue_balance(world, season):
    await pay(world, season.alice, 10000)
    today = date(2027, 6, 10)
    unpaid = await unpaid_installments([season.alice, season.bob])
    found = await balances([season.alice, season.bob], today)
    for subscription in (season.alice, season.bob):
        assert sum(item.unpaid_cents for item in unpaid
                   if item.subscription_id == subscription and item.due_on < today) == found[subscription].overdue_cents
    assert [(item.number, item.unpaid_cents) for item in unpaid if item.subscription_id == season.alice] == [
        (2, 7680), (3, 8840), (4, 8840), (5, 8840)]


# Reminders to households --------------------------------------------------------------------------


async def test_the_household_is_reminded_three_days_before_an_installment_from_nine(world, season, outbox):
    await pay(world, season.bob, 26000)
    await pay(world, season.alice, 20000)  # the first two cheques and 23,20 € of the third
    assert await send_payment_reminders(paris("2027-06-02 08:59")) == 0
    assert await send_payment_reminders(paris("2027-06-02 09:00")) == 2
    mails = await outbox.messages(kind="payment_due")
    assert sorted(mail.to for mail in mails) == ["alice@example.org", "arthur@example.org"]
    alice = next(mail for mail in mails if mail.to == "alice@example.org")
    assert "Légumes 2027" in alice.subject
    assert euros(6520) in alice.text and euros(8840) in alice.text  # what is left of the third cheque
    assert "Ferme des Tilleuls" in alice.text and "3 sur 5" in alice.text
    assert f"/subscriptions/{season.alice}" in alice.text and euros(6520) in alice.html
    assert alice.key.startswith("payment_due:") and ":soon:" in alice.key


async def test_a_reminder_is_stored_once_however_often_the_job_runs(world, season, outbox):
    await pay(world, season.bob, 26000)
    assert await send_payment_reminders(paris("2027-06-02 09:00")) == 2
    assert await send_payment_reminders(paris("2027-06-02 09:15")) == 0
    assert await send_payment_reminders(paris("2027-06-04 18:00")) == 0  # still "soon": already told
    assert len(await outbox.messages(kind="payment_due")) == 2


async def test_an_installment_covered_by_recorded_payments_is_not_reminded(world, season, outbox):
    await pay(world, season.bob, 26000)
    await pay(world, season.alice, 26520)  # three cheques handed over at signing
    assert await send_payment_reminders(paris("2027-06-02 10:00")) == 0
    assert await send_payment_reminders(paris("2027-07-02 10:00")) == 2  # the fourth one is not covered
    assert await outbox.messages(kind="payment_due", to="bob@example.org") == []


async def test_a_payment_a_week_late_is_reminded_once_and_kindly(world, season, outbox):
    assert await send_payment_reminders(paris("2027-04-11 12:00")) == 0  # six days late: not yet
    assert await send_payment_reminders(paris("2027-04-12 09:30")) == 3  # Alice, Arthur, Bob
    assert await send_payment_reminders(paris("2027-04-13 09:30")) == 0
    bob = (await outbox.messages(kind="payment_due", to="bob@example.org"))[0]
    assert ":overdue:" in bob.key and euros(26000) in bob.text and "trouverons une solution" in bob.text
    alice = (await outbox.messages(kind="payment_due", to="alice@example.org"))[0]
    assert euros(8840) in alice.text and "1 sur 5" in alice.text


async def test_old_debts_start_no_reminder_the_first_time_the_job_runs(world, season, outbox):
    assert await send_payment_reminders(paris("2027-04-28 09:00")) == 0  # 5 April is three weeks behind


async def test_a_household_that_left_is_not_reminded(world, season, outbox):
    await pay(world, season.bob, 26000)
    amendment = await lifecycle.request_leave(season.alice, date(2027, 5, 20), "Déménagement", world.users["alice"])
    await lifecycle.decide_leave(amendment, True, world.users["carol"], date(2027, 5, 15))
    assert await send_payment_reminders(paris("2027-06-02 09:00")) == 0
    assert await outbox.messages(kind="payment_due") == []


async def test_an_adult_who_refused_payment_reminders_gets_none(world, season, outbox):
    await pay(world, season.bob, 26000)
    await OptOut.insert(OptOut(user=world.users["arthur"], kind="payment_due"))
    assert await send_payment_reminders(paris("2027-06-02 09:00")) == 1
    assert [mail.to for mail in await outbox.messages(kind="payment_due")] == ["alice@example.org"]


async def test_each_adult_reads_the_reminder_in_their_language(world, season, outbox):
    await pay(world, season.bob, 26000)
    await User.update({User.language: "en"}).where(User.id == world.users["arthur"])
    await send_payment_reminders(paris("2027-06-02 09:00"))
    arthur = (await outbox.messages(kind="payment_due", to="arthur@example.org"))[0]
    alice = (await outbox.messages(kind="payment_due", to="alice@example.org"))[0]
    assert "€88.40" in arthur.text and "Hello Arthur," in arthur.text and "June 5, 2027" in arthur.subject
    assert euros(8840) in alice.text and "juin 2027" in alice.subject


async def test_reminders_leave_at_nine_in_the_groups_own_timezone(world, season, outbox):
    await pay(world, season.bob, 26000)
    await Group.update({Group.timezone: "America/Guadeloupe"}).where(Group.id == world.tilleuls)
    assert await send_payment_reminders(paris("2027-06-02 14:59")) == 0  # 8:59 in Guadeloupe
    assert await send_payment_reminders(paris("2027-06-02 15:00")) == 2


# The treasurer's digest -----------------------------------------------------------------------------


async def test_the_treasurer_gets_the_weekly_digest_on_monday_from_eight(world, season, outbox):
    assert await send_payment_digests(paris("2027-05-31 07:59")) == 0
    assert await send_payment_digests(paris("2027-05-31 08:00")) == 1
    [mail] = await outbox.messages(kind="payment_digest")
    assert mail.to == "carol@example.org" and mail.key.endswith("2027-W22")
    # Due this week: Alice's third cheque. Late: Alice's first two, Bob's only one.
    assert f"Alice, {format_date_fr(date(2027, 6, 5))}\u00a0: {euros(8840)}" in mail.text
    assert f"Alice\u00a0: {euros(17680)}" in mail.text and f"Bob\u00a0: {euros(26000)}" in mail.text
    assert f"{euros(8840)}\n" in mail.text and f"{euros(43680)} (2 foyers)" in mail.text
    assert f"/offers/{season.offer.offer}/payments" in mail.text
    assert "/committee/tilleuls/balances?overdue=true" in mail.html
    assert await send_payment_digests(paris("2027-05-31 08:15")) == 0
    assert await send_payment_digests(paris("2027-06-01 08:00")) == 0  # Tuesday


def format_date_fr(day: date) -> str:
    from amap.lib.dates import format_date

    return format_date(day, "fr")


async def test_a_payment_recorded_shrinks_the_next_digest(world, season, outbox):
    await pay(world, season.alice, 20000)
    await send_payment_digests(paris("2027-05-31 09:00"))
    [mail] = await outbox.messages(kind="payment_digest")
    # Alice's late cheques are covered and 23,20 € of the third: only Bob is late now.
    assert f"{euros(6520)} (" in mail.text and f"{euros(26000)} (1 foyer)" in mail.text


async def test_no_digest_when_nothing_is_due_or_late(world, season, outbox):
    await pay(world, season.alice, 44200)
    await pay(world, season.bob, 26000)
    assert await send_payment_digests(paris("2027-05-31 08:00")) == 0


async def test_the_digest_goes_to_whoever_holds_the_treasurer_responsibility(world, season, outbox):
    await Coordinator.update({Coordinator.title: "Présidente"}).where(Coordinator.user == world.users["carol"])
    await Responsibility.insert(Responsibility(group=world.tilleuls, title="Trésorière", user=world.users["bob"],
                                               since=date(2027, 1, 1)))
    await send_payment_digests(paris("2027-05-31 08:00"))
    assert [mail.to for mail in await outbox.messages(kind="payment_digest")] == ["bob@example.org"]


async def test_without_a_treasurer_every_coordinator_gets_the_digest(world, season, outbox):
    await Coordinator.update({Coordinator.title: "Présidente"}).where(Coordinator.user == world.users["carol"])
    await appoint_coordinator(world.tilleuls, world.users["alice"], None, "Permanences")
    await send_payment_digests(paris("2027-05-31 08:00"))
    assert sorted(mail.to for mail in await outbox.messages(kind="payment_digest")) == [
        "alice@example.org", "carol@example.org"]


async def test_a_treasurer_who_refused_the_digest_gets_none(world, season, outbox):
    await OptOut.insert(OptOut(user=world.users["carol"], kind="payment_digest"))
    assert await send_payment_digests(paris("2027-05-31 08:00")) == 0


async def test_the_digest_reads_in_the_treasurers_language(world, season, outbox):
    await User.update({User.language: "en"}).where(User.id == world.users["carol"])
    await send_payment_digests(paris("2027-05-31 08:00"))
    [mail] = await outbox.messages(kind="payment_digest")
    assert "Hello Carol," in mail.text and "€436.80" in mail.text and "May 31, 2027" in mail.subject


# Samples for the committee's wording preview --------------------------------------------------------


@pytest.mark.parametrize("kind", ["payment_due", "payment_digest"])
async def test_the_samples_render_in_every_language(world, kind):
    group = await Group.select().where(Group.id == world.tilleuls).first()
    context = sample_context(kind, group)
    assert context is not None
    words = context.pop("words")
    for language in LANGUAGES:
        with using_language(language):
            rendered = render(kind, recipient=Recipient("zoe@example.org", 1, "Zoé", language), group=group,
                              wording={"subject": "{group}: {date}", "intro": "Bonjour {name}"}, words=words,
                              **context)
        assert rendered.subject.startswith("AMAP des Tilleuls: ") and "{" not in rendered.subject
        assert rendered.text.startswith("Bonjour Zoé") and "Bonjour Zoé" in rendered.html


@pytest.mark.parametrize(("title", "keeps_the_money"), [
    ("Trésorière", True), ("TREASURER", True), ("tesorera", True), ("Tesoureira", True), ("Tresorier adjoint", True),
    ("Présidente", False), ("", False),
])
def test_a_treasurer_is_recognised_by_the_title_in_any_of_our_languages(title, keeps_the_money):
    assert names_treasurer(title) is keeps_the_money
