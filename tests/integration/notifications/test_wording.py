"""A group's own wording of the automatic e-mails: listed per kind and language, checked, previewed,
used by notify in the recipient's language, and back to the default."""

from datetime import date

import pytest
from jinja2 import ChoiceLoader, DictLoader

from amap.groups.tables import Group
from amap.notifications import wording
from amap.notifications.outbox import mail_environment, notify, recipients
from amap.notifications.tables import Wording
from tests.integration.conftest import login, post_form

WORDING = "/committee/tilleuls/wording"
EDIT = f"{WORDING}/shift_reminder"
# A stand-in for the roster's reminder: these tests do not depend on how the roster words it.
STUB = {
    "mail/shift_reminder.txt": (
        "{% block subject %}Shift: {{ shift.title }}{% endblock %}\n"
        "{% block intro %}Hello {{ recipient.name }},{% endblock %}\n"
        "{% block body %}{{ intro }}\n\nYou hold the {{ shift.title }} shift on {{ shift.day | date }}.\n{% endblock %}\n"),
    "mail/shift_reminder.html": (
        '{% extends "mail/_layout.html" %}{% block content %}<p>{{ shift.title }}</p>{% endblock %}'),
}
SAMPLE = {"words": {"name": "Dominique", "date": date(2027, 4, 1), "role": "Accueil"},
          "shift": {"title": "Accueil", "day": date(2027, 4, 1)}}


@pytest.fixture(autouse=True)
def english(client):
    client.headers["accept-language"] = "en"


@pytest.fixture(autouse=True)
def stub_template(monkeypatch):
    env = mail_environment()
    monkeypatch.setattr(env, "loader", ChoiceLoader([DictLoader(STUB), env.loader]))


@pytest.fixture
def no_sample(monkeypatch):
    monkeypatch.setattr(wording, "sample_context", lambda kind, group: None)


@pytest.fixture
def a_sample(monkeypatch):
    monkeypatch.setattr(wording, "sample_context", lambda kind, group: SAMPLE if kind == "shift_reminder" else None)


async def tilleuls() -> dict:
    return await Group.select().where(Group.slug == "tilleuls").first()


def block(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split("</")[0]


async def test_the_list_shows_the_editable_kinds_and_which_have_the_groups_own_wording(client, world):
    await Wording.insert(Wording(group=world.tilleuls, kind="shift_reminder", language="fr", subject="Permanence"))
    await login(client, world.email("carol"))
    page = (await client.get(WORDING)).text
    assert 'data-testid="wording-share_published"' in page and 'data-testid="wording-payment_due"' in page
    assert "wording-group_message" not in page and "wording-password_reset" not in page
    row = page.split('data-testid="wording-shift_reminder"')[1].split("</tr>")[0]
    assert row.count("our own wording") == 1 and f'href="{EDIT}?language=fr"' in row and "default" in row


async def test_the_saved_wording_is_used_by_notify_in_its_language_only(client, world, outbox, no_sample):
    await login(client, world.email("carol"))
    page = await client.get(f"{EDIT}?language=fr")
    assert page.status_code == 200 and "{group}" in block(page.text, "placeholders") and "{role}" in page.text
    saved = await post_form(client, EDIT, {"language": "fr", "subject": "Permanence du {date} à {group}",
                                           "intro": "Bonjour {name} !"})
    assert saved.status_code == 303 and saved.headers["location"] == f"{EDIT}?language=fr"
    group = await tilleuls()
    bob, alice = await recipients([world.users["bob"]]) + await recipients([world.users["alice"]])
    from dataclasses import replace
    for person, language in ((bob, "fr"), (alice, "en")):
        assert await notify("shift_reminder", f"test:{person.user_id}", replace(person, language=language),
                            group=group, words={"date": date(2027, 4, 1), "role": "Accueil"},
                            shift={"title": "Accueil", "day": date(2027, 4, 1)})
    [to_bob] = await outbox.messages(to="bob@example.org")
    assert to_bob.subject == "Permanence du 1 avril 2027 à AMAP des Tilleuls"
    assert to_bob.text.startswith("Bonjour Bob !") and "Bonjour Bob !" in to_bob.html
    [to_alice] = await outbox.messages(to="alice@example.org")  # no English wording: the default
    assert to_alice.subject == "Shift: Accueil" and to_alice.text.startswith("Hello Alice,")


async def test_without_a_sample_the_preview_fills_subject_and_opening_with_example_words(client, world, no_sample):
    await login(client, world.email("carol"))
    await post_form(client, EDIT, {"language": "fr", "subject": "Permanence à {group}", "intro": "Bonjour {name} !"})
    page = (await client.get(f"{EDIT}?language=fr")).text
    assert block(page, "preview-subject") == ' lang="fr">Permanence à AMAP des Tilleuls'
    assert "Bonjour Camille !" in block(page, "preview-intro") and "preview-text" not in page
    typed = await post_form(client, f"{EDIT}/preview", {"language": "fr", "subject": "", "intro": "Salut {name}"},
                            headers={"hx-request": "true"})
    assert typed.status_code == 200 and "<html" not in typed.text
    assert "(objet par défaut)" in typed.text and "Salut Camille" in typed.text  # the default needs a real shift
    stored = await Wording.objects().first()
    assert (stored.subject, stored.intro) == ("Permanence à {group}", "Bonjour {name} !")  # the preview stored nothing


async def test_with_a_sample_the_preview_is_the_whole_message_in_the_chosen_language(client, world, a_sample):
    await login(client, world.email("carol"))
    await post_form(client, EDIT, {"language": "en", "subject": "{role} on {date}", "intro": "Dear {name},"})
    page = (await client.get(f"{EDIT}?language=en")).text
    assert "Accueil on April 1, 2027" in block(page, "preview-subject")
    text = page.split('data-testid="preview-text"')[1].split("</pre>")[0]
    assert "Dear Dominique," in text and "You hold the Accueil shift on April 1, 2027." in text
    french = (await client.get(f"{EDIT}?language=fr")).text  # no French wording: the default, in French
    assert "Shift: Accueil" in block(french, "preview-subject") and "1 avril 2027" in french


async def test_back_to_the_default_removes_the_groups_wording(client, world, no_sample):
    await login(client, world.email("carol"))
    await post_form(client, EDIT, {"language": "fr", "subject": "Permanence", "intro": ""})
    assert await Wording.count() == 1
    assert 'data-testid="wording-reset"' in (await client.get(f"{EDIT}?language=fr")).text
    reset = await post_form(client, f"{EDIT}/reset", {"language": "fr"})
    assert reset.status_code == 303 and await Wording.count() == 0
    await post_form(client, EDIT, {"language": "fr", "subject": "Permanence", "intro": ""})
    await post_form(client, EDIT, {"language": "fr", "subject": "", "intro": ""})  # both emptied: the default
    assert await Wording.count() == 0


@pytest.mark.parametrize("data, field", [
    ({"language": "fr", "subject": "Prix : {price}", "intro": ""}, "subject"),
    ({"language": "fr", "subject": "", "intro": "Bonjour {farm}"}, "intro"),  # no farm in a shift reminder
    ({"language": "fr", "subject": "x" * 201, "intro": ""}, "subject"),
    ({"language": "fr", "subject": "", "intro": "x" * 2001}, "intro"),
    ({"language": "de", "subject": "Schicht", "intro": ""}, "language"),
])
async def test_bad_wording_is_refused_next_to_the_field_and_nothing_is_stored(client, world, no_sample, data, field):
    await login(client, world.email("carol"))
    response = await post_form(client, EDIT, data)
    assert response.status_code == 400
    assert f'href="#{field}"' in response.text
    if field != "language":
        assert f'id="{field}-error"' in response.text
    assert await Wording.count() == 0


async def test_unknown_or_fixed_kinds_and_unknown_languages_are_not_found(client, world, no_sample):
    await login(client, world.email("carol"))
    for url in (f"{WORDING}/group_message", f"{WORDING}/password_reset", f"{WORDING}/nothing",
                f"{EDIT}?language=de"):
        assert (await client.get(url)).status_code == 404, url
    response = await post_form(client, f"{WORDING}/group_message", {"language": "fr", "subject": "Hello"})
    assert response.status_code == 404 and await Wording.count() == 0


@pytest.mark.parametrize("who, status", [("alice", 403), ("cyril", 404)])
async def test_members_and_other_groups_coordinators_cannot_reach_the_wording(client, world, no_sample, who, status):
    await login(client, world.email(who))
    assert (await client.get(WORDING)).status_code == status
    assert (await client.get(f"{EDIT}?language=fr")).status_code == status
    saved = await post_form(client, EDIT, {"language": "fr", "subject": "Hacked"}, page="/profile")
    assert saved.status_code == status
    assert (await post_form(client, f"{EDIT}/reset", {"language": "fr"})).status_code == status
    assert await Wording.count() == 0


@pytest.mark.parametrize("kind", [kind.code for kind in wording.editable_kinds()])
async def test_every_editable_kind_opens_for_editing_even_when_examples_cannot_fill_its_subject(client, world, kind):
    # roster_gaps' subject counts free places (ngettext): the example words hold no count.
    await login(client, world.email("carol"))
    response = await client.get(f"{WORDING}/{kind}")
    assert response.status_code == 200
