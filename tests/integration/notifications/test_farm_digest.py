"""The farmers' weekly digest, on Monday 10 May 2027 (Europe/Paris) for the Ferme des Tilleuls.

The week told runs from Monday 3 to Sunday 9 May. Alice signed a full share during it, Bob a
half share long before; the Tilleuls' vegetables are delivered on Thursdays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from amap.accounts.tables import User
from amap.contracts import lifecycle
from amap.contracts.tables import Amendment, Subscription
from amap.distributions.calendar import sync_group
from amap.farms.tables import Farmer
from amap.groups.tables import Group
from amap.lib.i18n import LANGUAGES, gettext, using_language
from amap.lib.money import format_cents
from amap.notifications.outbox import Recipient, render
from amap.notifications.samples import sample_context
from amap.notifications.tables import OptOut
from amap.payments.services import record_payment
from amap.payments.tables import Payment
from jobs.farms import send_farm_digests
from tests.integration.payments.conftest import Season, sign
from tests.world import World, add_offer

PARIS = ZoneInfo("Europe/Paris")
IN_THE_WEEK = datetime(2027, 5, 5, 10, 0, tzinfo=UTC)
BEFORE_THE_WEEK = datetime(2027, 4, 20, 10, 0, tzinfo=UTC)


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def euros(cents: int, language: str = "fr") -> str:
    return format_cents(cents, language)


@pytest.fixture
async def season(world: World) -> Season:
    offer = await add_offer(world)
    season = Season(offer=offer, alice=await sign(world, offer, "alice", offer.full_share, offer.plan_five),
                    bob=await sign(world, offer, "bob", offer.half_share, offer.plan_one))
    await Subscription.update({Subscription.signed_at: IN_THE_WEEK}).where(Subscription.id == season.alice)
    await Subscription.update({Subscription.signed_at: BEFORE_THE_WEEK}).where(Subscription.id == season.bob)
    await sync_group(world.tilleuls)
    return season


async def pay(world: World, subscription: int, cents: int, recorded_at: datetime) -> None:
    payment = await record_payment(subscription_id=subscription, amount_cents=cents, method="cheque",
                                   received_on=recorded_at.date(), recorded_by=world.users["carol"])
    await Payment.update({Payment.recorded_at: recorded_at}).where(Payment.id == payment)


async def test_each_farmer_gets_the_weeks_digest_on_monday_from_seven(world, season, outbox):
    await pay(world, season.alice, 8840, IN_THE_WEEK)
    await pay(world, season.bob, 26000, datetime(2027, 5, 9, 21, 59, tzinfo=UTC))  # Sunday 23:59 in Paris
    await pay(world, season.alice, 8840, BEFORE_THE_WEEK)  # told last week
    await pay(world, season.alice, 8840, datetime(2027, 5, 9, 22, 0, tzinfo=UTC))  # Monday 0:00: next week's
    assert await send_farm_digests(paris("2027-05-10 06:59")) == 0
    assert await send_farm_digests(paris("2027-05-10 07:00")) == 1
    [mail] = await outbox.messages(kind="farm_digest")
    assert mail.to == "dan@example.org" and mail.key.endswith(":2027-W19")
    assert "Ferme des Tilleuls" in mail.subject
    joined = mail.text.split("Nouveaux contrats signés (1)\n")[1].split("\n\n")[0]
    assert joined == "- Alice, Légumes 2027 (AMAP des Tilleuls)\u00a0: Panier complet × 1"
    assert f"Alice, Légumes 2027\u00a0: {euros(8840)}" in mail.text
    assert f"Bob, Légumes 2027\u00a0: {euros(26000)}" in mail.text
    assert f"Total\u00a0: {euros(34840)}" in mail.text and euros(34840) in mail.html
    # Thursdays 13 and 20 May; 27 May is beyond the two weeks.
    assert "jeudi 13 mai 2027, AMAP des Tilleuls, Légumes 2027\u00a0: Demi-panier 1, Panier complet 1" in mail.text
    assert "jeudi 20 mai 2027" in mail.text and "27 mai" not in mail.text
    assert "/farm?farm=ferme-tilleuls" in mail.text and "/farm?farm=ferme-tilleuls" in mail.html
    assert await send_farm_digests(paris("2027-05-10 07:15")) == 0
    assert await send_farm_digests(paris("2027-05-11 07:00")) == 0  # Tuesday
    assert len(await outbox.messages(kind="farm_digest")) == 1


async def test_a_household_leaving_is_told_and_no_longer_counted_in_the_deliveries(world, season, outbox):
    amendment = await lifecycle.request_leave(season.bob, date(2027, 5, 20), "Déménagement", world.users["bob"])
    await lifecycle.decide_leave(amendment, True, world.users["carol"], date(2027, 5, 6))
    await Amendment.update({Amendment.decided_at: IN_THE_WEEK}).where(Amendment.id == amendment)
    await send_farm_digests(paris("2027-05-10 08:00"))
    [mail] = await outbox.messages(kind="farm_digest")
    leaving = mail.text.split("Départs (1)\n")[1].split("\n")[0]
    assert leaving.startswith("- Bob, Légumes 2027 (AMAP des Tilleuls)\u00a0: ") and leaving.endswith(" 20 mai 2027")
    assert "jeudi 13 mai 2027, AMAP des Tilleuls, Légumes 2027\u00a0: Demi-panier 1, Panier complet 1" in mail.text
    assert "jeudi 20 mai 2027, AMAP des Tilleuls, Légumes 2027\u00a0: Panier complet 1\n" in mail.text


async def test_a_farm_without_a_contract_in_season_gets_no_digest(world, season, outbox):
    await send_farm_digests(paris("2027-05-10 07:00"))
    assert await outbox.messages(kind="farm_digest", to="fanny@example.org") == []  # the Canal's farm
    assert await send_farm_digests(paris("2028-05-08 07:00")) == 0  # the 2027 season is long over


async def test_a_farmer_who_refused_the_digest_or_stopped_farming_gets_none(world, season, outbox):
    await OptOut.insert(OptOut(user=world.users["dan"], kind="farm_digest"))
    assert await send_farm_digests(paris("2027-05-10 07:00")) == 0
    await OptOut.delete().where(OptOut.user == world.users["dan"])
    await Farmer.update({Farmer.ended_at: IN_THE_WEEK}).where(Farmer.user == world.users["dan"])
    assert await send_farm_digests(paris("2027-05-10 07:00")) == 0


async def test_the_digest_follows_the_timezone_of_the_first_group_the_farm_supplies(world, season, outbox):
    await Group.update({Group.timezone: "America/Guadeloupe"}).where(Group.id == world.tilleuls)
    assert await send_farm_digests(paris("2027-05-10 12:59")) == 0  # 6:59 in Guadeloupe
    assert await send_farm_digests(paris("2027-05-10 13:00")) == 1


async def test_the_farmer_reads_the_digest_in_their_language(world, season, outbox):
    await pay(world, season.alice, 8840, IN_THE_WEEK)
    await User.update({User.language: "en"}).where(User.id == world.users["dan"])
    await send_farm_digests(paris("2027-05-10 07:00"))
    [mail] = await outbox.messages(kind="farm_digest")
    assert "Hello Dan," in mail.text and "Total: €88.40" in mail.text and "Thursday, May 13, 2027" in mail.text


async def test_the_sample_renders_in_every_language(world):
    group = await Group.select().where(Group.id == world.tilleuls).first()
    context = sample_context("farm_digest", group)
    assert context is not None
    words = context.pop("words")
    for language in LANGUAGES:
        with using_language(language):
            rendered = render("farm_digest", recipient=Recipient("zoe@example.org", 1, "Zoé", language),
                              words=words, **context)
            hello = gettext("Hello %(name)s,", name="Zoé")  # "Bonjour Zoé,", "Hola, Zoé:", "Olá, Zoé,"
        assert "Ferme des Quatre Saisons" in rendered.subject and rendered.text.startswith(hello)
        assert "AMAP des Tilleuls" in rendered.text and "Panier complet" in rendered.html
