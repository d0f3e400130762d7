"""E-mails go out in their recipient's language (Spanish and Portuguese too), else in the group's.

The payment reminder of 2 June 2027: Alice (with Arthur in her household) has a cheque of 88,40 €
due on 5 June 2027."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from amap.accounts.tables import User
from amap.groups.tables import Group
from amap.lib.i18n import LANGUAGES, using_language
from amap.lib.money import format_cents
from amap.notifications.outbox import Recipient, render
from amap.notifications.samples import sample_context
from amap.payments.services import record_payment
from jobs.payments import send_payment_reminders
from tests.integration.payments.conftest import Season, sign
from tests.world import World, add_offer

REMINDER_TIME = datetime(2027, 6, 2, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
async def season(world: World) -> Season:
    offer = await add_offer(world)
    season = Season(offer=offer, alice=await sign(world, offer, "alice", offer.full_share, offer.plan_five),
                    bob=await sign(world, offer, "bob", offer.half_share, offer.plan_one))
    # Bob paid his only cheque: the reminders are Alice's household's
    await record_payment(subscription_id=season.bob, amount_cents=26000, method="cheque", received_on=date(2027, 3, 1),
                         recorded_by=world.users["carol"])
    return season


async def speak(world: World, who: str, language: str) -> None:
    await User.update({User.language: language}).where(User.id == world.users[who])


async def test_a_member_who_reads_spanish_gets_the_reminder_in_spanish(world, season, outbox):
    await speak(world, "arthur", "es")
    await send_payment_reminders(REMINDER_TIME)
    [mail] = await outbox.messages(kind="payment_due", to="arthur@example.org")
    assert "Hola, Arthur:" in mail.text and "5 de junio de 2027" in mail.subject
    assert format_cents(8840, "es") == "88,40\u00a0€" and "88,40\u00a0€" in mail.text
    assert 'lang="es"' in mail.html
    alice = (await outbox.messages(kind="payment_due", to="alice@example.org"))[0]
    assert "juin 2027" in alice.subject  # her household shares the reminder, not the language


async def test_a_member_who_reads_portuguese_gets_the_reminder_in_portuguese(world, season, outbox):
    await speak(world, "alice", "pt")
    await send_payment_reminders(REMINDER_TIME)
    [mail] = await outbox.messages(kind="payment_due", to="alice@example.org")
    assert "Olá, Alice," in mail.text and "5 de junho de 2027" in mail.subject
    assert "€\u00a088,40" in mail.text  # Brazilian Portuguese puts the sign first
    assert 'lang="pt"' in mail.html


async def test_members_without_a_language_of_their_own_read_the_groups_default(world, season, outbox):
    await Group.update({Group.language: "es"}).where(Group.id == world.tilleuls)
    await speak(world, "alice", "pt")
    await send_payment_reminders(REMINDER_TIME)
    arthur = (await outbox.messages(kind="payment_due", to="arthur@example.org"))[0]
    alice = (await outbox.messages(kind="payment_due", to="alice@example.org"))[0]
    assert "Hola, Arthur:" in arthur.text
    assert "Olá, Alice," in alice.text  # her own choice wins over the group's


@pytest.mark.parametrize("kind", ["payment_due", "payment_digest"])
async def test_the_samples_of_the_wording_editor_render_in_all_four_languages(world, kind):
    group = await Group.select().where(Group.id == world.tilleuls).first()
    context = sample_context(kind, group)
    words = context.pop("words")
    subjects = set()
    for language in LANGUAGES:
        with using_language(language):
            rendered = render(kind, recipient=Recipient("zoe@example.org", 1, "Zoé", language), group=group,
                              wording={}, words=words, **context)
        assert f'lang="{language}"' in rendered.html and "{" not in rendered.subject
        subjects.add(rendered.subject)
    assert len(subjects) == len(LANGUAGES)  # each in its own words
