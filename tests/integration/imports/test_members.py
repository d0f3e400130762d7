"""Importing members and households from a spreadsheet: preview, all or nothing, invitations."""

from __future__ import annotations

import codecs

from amap.accounts.services import create_user
from amap.accounts.tables import Household, User
from amap.groups.tables import Membership
from amap.imports import members
from tests.integration.conftest import link_in, login, post_form
from tests.integration.imports.conftest import check_of, confirm, counts, imported, sent_back, upload

COTE = "Nom du foyer;Prénom;Nom;Courriel;Téléphone\r\nCôté;Hélène;Côté;helene.cote@example.org;06 12 34 56 78\r\n" \
       "Côté;Marc;Côté;marc.cote@example.org;\r\nMartin;Jeanne;Martin;jeanne.martin@example.org;07 98 76 54 32\r\n"


async def household_of(email: str) -> dict:
    user = await User.select(User.name, User.phone, User.password_hash, User.household,
                             User.household.name.as_alias("household_name")).where(User.email == email).first()
    assert user is not None, email
    return user


async def test_a_windows_1252_semicolon_file_imports_the_right_names_into_households(carol, world):
    await imported(carol, "members", COTE.encode("cp1252"), invite=False)
    helene, marc, jeanne = [await household_of(f"{who}@example.org")
                            for who in ("helene.cote", "marc.cote", "jeanne.martin")]
    assert (helene["name"], helene["household_name"], helene["phone"]) == ("Hélène Côté", "Côté", "06 12 34 56 78")
    assert marc["household"] == helene["household"] and jeanne["household"] != helene["household"]
    assert helene["password_hash"] == ""  # nobody can log in before choosing a password
    memberships = await Membership.select(Membership.status, Membership.accepted_by).where(
        Membership.household.is_in([helene["household"], jeanne["household"]]) & (Membership.group == world.tilleuls))
    assert memberships == [{"status": "active", "accepted_by": world.users["carol"]}] * 2


async def test_a_utf8_file_with_a_bom_and_commas_imports_too(carol, world):
    text = "Household,Name,Email,Phone\nCôté,Hélène Côté,Helene.Cote@Example.org,\n"
    await imported(carol, "members", codecs.BOM_UTF8 + text.encode())
    assert (await household_of("helene.cote@example.org"))["name"] == "Hélène Côté"


async def test_the_import_ends_on_the_committee_page_with_the_counts(carol, world):
    done = await imported(carol, "members", COTE.encode())
    assert done.headers["location"] == "/committee?group=tilleuls"
    page = await carol.get(done.headers["location"])
    assert "2 new households" in page.text and "3 adults" in page.text and "3 e-mails to choose a password" in page.text
    assert "Côté" in page.text and 'data-testid="committee-import-link"' in page.text


async def test_a_bad_address_a_duplicate_and_a_missing_name_are_shown_on_their_lines_and_nothing_is_imported(
        carol, world):
    text = ("Nom;Prénom;E-mail\nCôté;Hélène;helene.cote@example.org\nMartin;Jeanne;jeanne.martin@example\n"
            "Côté;Marc;HELENE.cote@example.org\n;;anonyme@example.org\nDurand;Paul;paul.durand@example.org\n")
    before = await counts()
    preview = await upload(carol, "members", text.encode())
    assert preview.status_code == 200 and 'data-testid="error-summary"' in preview.text
    assert "ok" in check_of(preview, 2) and "ok" in check_of(preview, 6)
    assert "name@example.org" in check_of(preview, 3)
    assert "Same e-mail address as line 2" in check_of(preview, 4)
    assert "Enter the person&#39;s name" in check_of(preview, 5)
    assert "3 rows have a problem" in preview.text and 'data-testid="confirm-form"' not in preview.text
    assert await counts() == before  # the preview keeps nothing
    # The confirmation posted anyway (an old tab, a crafted form) is refused the same way.
    content = __import__("base64").b64encode(text.encode()).decode()
    refused = await confirm(carol, "members", content)
    assert refused.status_code == 400 and "Nothing was imported" in refused.text
    assert await counts() == before


async def test_an_address_taken_between_the_preview_and_the_import_refuses_the_whole_import(carol, world):
    preview = await upload(carol, "members", COTE.encode())
    before = await counts()
    await create_user("marc.cote@example.org", "Marc", None)  # someone else, meanwhile
    refused = await confirm(carol, "members", sent_back(preview))
    assert refused.status_code == 400 and "outside this group" in check_of(refused, 3)
    after = await counts()
    assert after["app_user"] == before["app_user"] + 1 and after["membership"] == before["membership"]
    assert after["outbox_message"] == before["outbox_message"]
    assert await User.count().where(User.email == "helene.cote@example.org") == 0


async def test_a_write_refused_in_the_middle_undoes_the_rows_written_before_it(carol, world, monkeypatch):
    """Two imports racing: the second adult's address is taken at the very moment of writing."""
    preview = await upload(carol, "members", COTE.encode())
    before = await counts()
    real = members.create_user

    async def racing(email, *args, **kwargs):
        if email == "marc.cote@example.org":
            await User.insert(User(email=email, name="Marc"))
        return await real(email, *args, **kwargs)

    monkeypatch.setattr(members, "create_user", racing)
    refused = await confirm(carol, "members", sent_back(preview))
    assert refused.status_code == 400 and "Someone saved the same thing" in check_of(refused, 3)
    assert await counts() == before
    assert await Household.count().where(Household.name == "Côté") == 0


async def test_an_unexpected_error_in_the_middle_undoes_everything_with_a_clear_message(carol, world, monkeypatch):
    preview = await upload(carol, "members", COTE.encode())
    before = await counts()
    real, calls = members.join_group, []

    async def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return await real(*args, **kwargs)

    monkeypatch.setattr(members, "join_group", failing)
    response = await confirm(carol, "members", sent_back(preview))
    assert response.status_code == 500 and "nothing was saved" in response.text
    assert await counts() == before


async def test_importing_the_same_file_twice_imports_it_once(carol, world, outbox):
    preview = await upload(carol, "members", COTE.encode())
    await confirm(carol, "members", sent_back(preview))
    after_first = await counts()
    again = await confirm(carol, "members", sent_back(preview))  # a double click, or the back button
    assert again.status_code == 303
    assert "Nothing to import" in (await carol.get(again.headers["location"])).text
    assert await counts() == after_first
    assert len(await outbox.messages(kind="account_welcome")) == 3


async def test_members_already_in_the_group_are_skipped_and_their_household_welcomes_a_new_adult(carol, world):
    text = ("Foyer,Nom,Email\nAlice,Alice,alice@example.org\nAlice,Albert,albert@example.org\n"
            "Erin,Erin,erin@example.org\nPaula,Paula,paula@example.org\n")
    preview = await upload(carol, "members", text.encode())
    assert "Already a member: skipped" in check_of(preview, 2) and "ok" in check_of(preview, 3)
    assert "outside this group" in check_of(preview, 4)  # Erin is of the Canal: invited, not imported
    assert "accept it on the committee page" in check_of(preview, 5)  # Paula asked to join
    ok = "Foyer,Nom,Email\nAlice,Alice,alice@example.org\nAlice,Albert,albert@example.org\n"
    await imported(carol, "members", ok.encode())
    assert (await household_of("albert@example.org"))["household"] == world.households["alice"]


async def test_each_imported_adult_gets_one_mail_whose_link_sets_a_password_to_log_in_with(carol, client, world, outbox):
    await imported(carol, "members", COTE.encode())
    mails = await outbox.messages(kind="account_welcome")
    assert sorted(mail.to for mail in mails) == ["helene.cote@example.org", "jeanne.martin@example.org",
                                                 "marc.cote@example.org"]
    mail = next(mail for mail in mails if mail.to == "helene.cote@example.org")
    assert "AMAP des Tilleuls" in mail.subject and "Hélène Côté" in mail.text and "Carol" in mail.text
    await post_form(carol, "/logout")
    refused = await post_form(client, "/login", {"email": "helene.cote@example.org", "password": "anything at all"})
    assert refused.status_code == 400  # no password yet: the account cannot be entered
    path = link_in(mail.text)
    assert (await client.get(path)).status_code == 200
    chosen = await post_form(client, path, {"password": "mon panier du jeudi", "password_confirm": "mon panier du jeudi"})
    assert chosen.status_code == 303
    await login(client, "helene.cote@example.org", "mon panier du jeudi")
    assert "AMAP des Tilleuls" in (await client.get("/me")).text


async def test_without_the_box_ticked_no_mail_is_sent(carol, world, outbox):
    await imported(carol, "members", COTE.encode(), invite=False)
    assert await outbox.messages(kind="account_welcome") == []


async def test_the_preview_shows_the_columns_left_aside_and_the_invitation_box_ticked(carol, world):
    text = "Nom;Prénom;E-mail;Adhésion payée;Remarques\nCôté;Hélène;helene.cote@example.org;oui;\n"
    preview = await upload(carol, "members", text.encode())
    assert "Adhésion payée, Remarques" in preview.text
    assert 'name="invite" type="checkbox" checked' in preview.text and "Import 1 row" in preview.text


async def test_an_overlong_name_phone_or_household_is_that_rows_problem(carol, world):
    text = (f"Household;Name;Email;Phone\n{'F' * 201};Ada;ada@example.org;\nX;{'N' * 201};nina2@example.org;\n"
            f"X;Noé;noe@example.org;{'0' * 41}\nX;Léa;{'l' * 250}@example.org;\n")
    before = await counts()
    preview = await upload(carol, "members", text.encode())
    assert preview.status_code == 200 and "4 rows have a problem" in preview.text
    assert all("At most" in check_of(preview, line) or "e-mail address like" in check_of(preview, line)
               for line in (2, 3, 4, 5))
    assert await counts() == before


async def test_the_history_of_an_imported_membership_says_it_came_from_a_file(carol, world):
    await imported(carol, "members", COTE.encode(), invite=False)
    household = (await household_of("jeanne.martin@example.org"))["household"]
    membership = await Membership.select(Membership.id).where(Membership.household == household).first()
    page = await carol.get(f"/committee/tilleuls/history/membership/{membership['id']}")
    assert page.status_code == 200
    assert "Joined the group. Imported from a file." in page.text
    # The preview ran the same functions and undid them: it left no event behind.
    assert page.text.count("Imported from a file.") == 1
