"""A group's own words: chosen in its settings, read by its members on every page and in its mails.

The Tilleuls choose "part de récolte" for "panier" and "créneau bénévole" for "permanence"; the Canal
keep the catalogs' words. Alice is a Tilleuls member, Erin a Canal member, Carol coordinates the Tilleuls.
"""

from __future__ import annotations

import re
from datetime import date

import httpx
from icalendar import Calendar

from amap.accounts.tables import User
from amap.groups.services import join_group
from amap.groups.tables import Group
from amap.home.feed import replace_token
from amap.principal import load_principal
from jobs.roster import send_shift_reminders
from tests.integration.conftest import login, post_form
from tests.integration.notifications.test_roster_notices import TUESDAY_AT_NINE, mail_to, on_slot, roster
from tests.world import add_offer

OUR_WORDS = {"words_share": "harvest_share", "words_shift": "volunteer_slot", "words_group": ""}
SHARE_TYPES = ("Panier complet", "Demi-panier")  # the farm's own names: data, never rewritten


def words_of(html: str) -> str:
    """What a reader sees: the text without tags, the farm's share type names left out."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")
    for name in SHARE_TYPES:
        text = text.replace(name, "")
    return text


async def choose(client, words: dict[str, str], slug: str = "tilleuls"):
    await login(client, "carol@example.org")
    return await post_form(client, f"/committee/{slug}/settings/words", words)


async def as_member(client, who: str) -> None:
    await post_form(client, "/logout")
    await login(client, f"{who}@example.org")


async def vocabulary_of(group_id: int) -> str:
    return (await Group.select(Group.vocabulary).where(Group.id == group_id).first())["vocabulary"]


async def test_members_read_their_groups_words_on_their_pages(client, world):
    slots = await roster(world)
    await on_slot(world, slots[date(2027, 4, 8)], "alice")
    response = await choose(client, OUR_WORDS)
    assert response.status_code == 303
    assert await vocabulary_of(world.tilleuls) == "share=harvest_share shift=volunteer_slot"
    await as_member(client, "alice")
    me, contracts, roster_page = [words_of((await client.get(path)).text) for path in ("/me", "/contracts", "/roster")]
    assert "La part de récolte de la semaine" in me  # "Le panier de la semaine": the article follows
    assert "Prenez un créneau bénévole en un clic." in roster_page  # "Prenez une permanence en un clic."
    assert "Mes créneaux bénévoles" in roster_page and "Créneaux bénévoles" in me  # the menu too
    assert "Part de récolte" in contracts
    for text in (me, contracts, roster_page):
        assert not re.search("panier|permanence", text, re.IGNORECASE), re.findall(r".{30}(?:anier|ermanence).{30}", text)


async def test_another_groups_members_keep_the_catalogs_words(client, world):
    await roster(world)
    await choose(client, OUR_WORDS)
    await as_member(client, "erin")
    roster_page = words_of((await client.get("/roster")).text)
    assert "Prenez une permanence en un clic." in roster_page and "créneau" not in roster_page
    me = words_of((await client.get("/me")).text)
    assert "Permanences" in me and "part de récolte" not in me.lower()


async def test_a_page_about_a_group_speaks_that_groups_words(client, world):
    await add_offer(world)
    await choose(client, OUR_WORDS)
    await as_member(client, "erin")  # a Canal member looking at the Tilleuls' public page
    tilleuls = words_of((await client.get("/groups/tilleuls")).text)
    assert "Part de récolte" in tilleuls and "Créneaux bénévoles" in tilleuls
    assert "Permanences" in words_of((await client.get("/groups/canal")).text)


async def test_english_readers_get_the_english_words(client, world):
    await roster(world)
    await choose(client, OUR_WORDS)
    await User.update({User.language: "en"}).where(User.id == world.users["alice"])
    await as_member(client, "alice")
    roster_page = words_of((await client.get("/roster")).text)
    assert "Take a volunteer slot with one click." in roster_page and "My volunteer slots" in roster_page
    assert not re.search(r"\bshifts?\b", roster_page, re.IGNORECASE)
    assert "This week's harvest share" in words_of((await client.get("/me")).text)


async def test_a_shift_reminder_speaks_the_groups_words(world, outbox):
    slots = await roster(world)
    await on_slot(world, slots[date(2027, 4, 8)], "alice")
    await on_slot(world, slots[date(2027, 4, 8)], "carol")
    await User.update({User.language: "en"}).where(User.id == world.users["carol"])
    await Group.update({Group.vocabulary: "shift=volunteer_slot"}).where(Group.id == world.tilleuls)
    assert await send_shift_reminders(TUESDAY_AT_NINE) == 2
    alice = await mail_to(outbox, world, "alice", "shift_reminder")
    assert alice.subject.startswith("Votre créneau bénévole du jeudi 8 avril 2027")
    assert "permanence" not in (alice.subject + alice.text).lower()
    carol = await mail_to(outbox, world, "carol", "shift_reminder")
    assert carol.subject == "Your volunteer slot on Thursday, April 8, 2027: Installation"


async def test_the_calendar_feed_speaks_the_members_groups_words(running_app, world):
    slots = await roster(world)
    await on_slot(world, slots[date(2027, 4, 8)], "alice")
    await Group.update({Group.vocabulary: "shift=volunteer_slot"}).where(Group.id == world.tilleuls)
    transport = httpx.ASGITransport(app=running_app, client=("10.9.9.9", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anonymous:
        response = await anonymous.get(f"/calendar/{await replace_token(world.users['alice'])}.ics")
    summaries = [str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert "Créneau bénévole : Installation" in summaries


async def test_a_word_not_offered_is_refused_and_nothing_is_saved(client, world):
    await Group.update({Group.vocabulary: "shift=volunteer_slot"}).where(Group.id == world.tilleuls)
    response = await choose(client, {"words_share": "bushel", "words_shift": "", "words_group": "association"})
    assert response.status_code == 400
    assert 'href="#words_share"' in response.text and 'id="words_share-error"' in response.text
    assert 'value="association" selected' in response.text  # what was chosen is kept
    assert await vocabulary_of(world.tilleuls) == "shift=volunteer_slot"


async def test_the_default_words_store_nothing_and_change_nothing(client, world):
    await roster(world)
    await Group.update({Group.vocabulary: "shift=volunteer_slot"}).where(Group.id == world.tilleuls)
    response = await choose(client, {"words_share": "", "words_shift": "", "words_group": ""})
    assert response.status_code == 303
    assert await vocabulary_of(world.tilleuls) == ""
    await as_member(client, "alice")
    assert "Prenez une permanence en un clic." in words_of((await client.get("/roster")).text)


async def test_the_settings_page_shows_the_choice_with_each_languages_words(client, world):
    await Group.update({Group.vocabulary: "group=association"}).where(Group.id == world.tilleuls)
    await login(client, "carol@example.org")
    page = (await client.get("/committee/tilleuls/settings")).text
    assert 'value="association" selected' in page
    assert "part de récolte (harvest share · parte de la cosecha · parte da colheita)" in page
    assert "Réglages de l'association" in words_of(page)  # the page itself speaks the group's words


async def test_a_member_of_several_groups_reads_the_first_groups_words(world):
    await Group.update({Group.vocabulary: "shift=volunteer_slot"}).where(Group.id == world.tilleuls)
    await Group.update({Group.vocabulary: "shift=slot"}).where(Group.id == world.canal)
    await join_group(world.households["erin"], world.tilleuls, None)
    assert (await load_principal(world.users["erin"])).vocabulary == "shift=volunteer_slot"
    assert (await load_principal(world.users["alice"])).vocabulary == "shift=volunteer_slot"
    assert (await load_principal(world.users["ada"])).vocabulary == ""  # in no group
