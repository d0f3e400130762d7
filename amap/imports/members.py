"""Importing members: one row per adult; the rows with the same household name make one household.

Each new household becomes an active member of the group; each adult gets an account without a
password (nobody can log in to it) and, when asked, an e-mail with a link to choose one.
Adults already in a member household of the group are skipped, so the same list can be
imported again after adding a few names; an address with an account outside the group is a
problem: that household is invited from the committee page instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from amap.accounts.services import create_user, start_welcome
from amap.accounts.tables import User
from amap.groups.services import join_group
from amap.groups.tables import Membership
from amap.imports.lookups import EMAIL
from amap.imports.reading import Column, FileProblem, Row, Sheet, fold, missing_column
from amap.imports.runner import Context, Importer, attempt, duplicates
from amap.lib.forms import Form
from amap.lib.i18n import _, _l
from amap.lib.settings import get_settings
from amap.notifications.outbox import Recipient, event_key, notify

HOUSEHOLD = Column("household", _l("Household"), ("household name", "nom du foyer", "foyer", "nom foyer", "famille",
                                                  "family"))
FIRST_NAME = Column("first_name", _l("First name"), ("firstname", "given name", "prénom"))
LAST_NAME = Column("last_name", _l("Last name"), ("lastname", "surname", "family name", "nom", "nom de famille"))
NAME = Column("name", _l("Name"), ("full name", "nom complet", "nom et prénom", "prénom et nom", "prénom nom",
                                   "nom prénom"), in_example=False)
PHONE = Column("phone", _l("Phone"), ("téléphone", "tél.", "mobile", "portable", "phone number",
                                      "numéro de téléphone"))
# Last name before name: "Nom" is the last name in French, "Name" the whole name in English.
COLUMNS = (HOUSEHOLD, FIRST_NAME, LAST_NAME, NAME, EMAIL, PHONE)

# The lengths of the columns that keep them (amap/accounts/tables.py).
MAX_NAME, MAX_EMAIL, MAX_PHONE, MAX_HOUSEHOLD = 200, 254, 40, 200


@dataclass
class Adult:
    row: Row
    email: str
    name: str
    phone: str
    household: str


def check_columns(sheet: Sheet) -> None:
    if not any(sheet.has(column.key) for column in (NAME, FIRST_NAME, LAST_NAME)):
        raise FileProblem(missing_column(NAME, FIRST_NAME, LAST_NAME))


def read(row: Row) -> Adult:
    """The adult of a row, each field checked as the pages check it; problems noted on the row."""
    form = Form(row.values)
    email = form.email("email")
    name = row.get("name") or " ".join(part for part in (row.get("first_name"), row.get("last_name")) if part)
    if not name:
        row.problem(NAME, _("Enter the person's name."))
    elif len(name) > MAX_NAME:
        row.problem(NAME, _("At most %(max)s characters.", max=MAX_NAME))
    phone = form.text("phone", required=False, max_length=MAX_PHONE)
    household = form.text("household", required=False, max_length=MAX_HOUSEHOLD)
    for column in (EMAIL, PHONE, HOUSEHOLD):
        if column.key in form.errors:
            row.problem(column, form.errors[column.key])
    return Adult(row=row, email=email, name=name, phone=phone, household=household)


async def accounts(emails: list[str], group_id: int) -> dict[str, dict]:
    """The accounts these addresses already have, each with its household's status in the group (or None)."""
    found: dict[str, dict] = {}
    wanted = sorted({email for email in emails if email})
    for start in range(0, len(wanted), 500):  # SQLite allows only so many parameters in one query
        for user in await User.select(User.id, User.email, User.household).where(
                User.email.is_in(wanted[start:start + 500])):
            found[user["email"]] = {**user, "status": None}
    households = [account["household"] for account in found.values() if account["household"] is not None]
    statuses: dict[int, str] = {}
    for start in range(0, len(households), 500):
        for membership in await Membership.select(Membership.household, Membership.status).where(
                Membership.household.is_in(households[start:start + 500]) & (Membership.group == group_id)):
            statuses[membership["household"]] = membership["status"]
    for account in found.values():
        account["status"] = statuses.get(account["household"])
    return found


def known_account_problem(account: dict) -> str:
    if account["status"] == "pending":
        return _("This person has an account and their household asked to join: accept it on the committee page.")
    if account["status"] == "left":
        return _("This person's household has left the group: accept it again on the committee page.")
    return _("This address already has an account, outside this group: invite the household from the committee "
             "page instead.")


async def apply(context: Context, rows: list[Row]) -> dict[str, int]:
    adults = [read(row) for row in rows if row.readable]
    known = await accounts([adult.email for adult in adults], context.group["id"])
    for adult in adults:
        account = known.get(adult.email)
        if account is not None and account["status"] == "active":
            adult.row.skipped, adult.row.problems = True, []
            adult.row.note = _("Already a member: skipped.")
        elif account is not None:
            adult.row.problem(EMAIL, known_account_problem(account))
    new = [adult for adult in adults if not adult.row.skipped]
    duplicates([adult.row for adult in new], lambda row: row.get("email").lower() or None,
               lambda first: _("Same e-mail address as line %(line)s.", line=first.line))
    counts = {"households": 0, "adults": 0, "skipped": sum(1 for adult in adults if adult.row.skipped), "invited": 0}
    for together in households(adults):
        at_home = {known[adult.email]["household"] for adult in together if adult.row.skipped}
        if len(at_home) > 1:
            for adult in together:
                if not adult.row.skipped:
                    adult.row.problem(HOUSEHOLD, _("Adults of this household are members in different households "
                                                   "already: name the household of one of them."))
            continue
        household_id = next(iter(at_home), None)
        for adult in together:
            if adult.row.skipped or adult.row.problems:
                continue
            created = await attempt(adult.row, lambda adult=adult, home=household_id: create(context, adult, home))
            if created is not None:
                counts["households"] += 1 if household_id is None else 0
                household_id = created
                counts["adults"] += 1
                counts["invited"] += 1 if context.commit and context.invite else 0
    return counts


def households(adults: list[Adult]) -> list[list[Adult]]:
    """The adults by household, in the order of the file: a row without a household name is one alone."""
    together: dict[object, list[Adult]] = {}
    for adult in adults:
        together.setdefault(fold(adult.household) or ("alone", adult.row.line), []).append(adult)
    return list(together.values())


async def create(context: Context, adult: Adult, household_id: int | None) -> int:
    """The adult's account, in a new household that joins the group or in `household_id`; its household."""
    if household_id is None:
        user_id = await create_user(adult.email, adult.name, None, household_name=adult.household or adult.name)
        household_id = (await User.select(User.household).where(User.id == user_id).first())["household"]
        await join_group(household_id, context.group["id"], context.by_user)
    else:
        user_id = await create_user(adult.email, adult.name, None, household_id=household_id)
    if adult.phone:
        await User.update({User.phone: adult.phone}).where(User.id == user_id)
    if context.commit and context.invite:
        await welcome(context, user_id, adult)
    return household_id


async def welcome(context: Context, user_id: int, adult: Adult) -> None:
    """The e-mail that lets the person choose a password; queued once per account."""
    token = await start_welcome(user_id)
    await notify("account_welcome", event_key("account_welcome", user_id),
                 Recipient(email=adult.email, user_id=user_id, name=adult.name), group=context.group,
                 link=f"{get_settings().base_url}/password/reset/{token}", inviter=context.by_name)


async def examples(group: dict) -> list[dict[str, str]]:
    return [
        {"household": "Côté", "first_name": "Hélène", "last_name": "Côté", "email": "helene.cote@example.org",
         "phone": "06 12 34 56 78"},
        {"household": "Côté", "first_name": "Marc", "last_name": "Côté", "email": "marc.cote@example.org"},
        {"household": "Martin", "first_name": "Jeanne", "last_name": "Martin", "email": "jeanne.martin@example.org",
         "phone": "07 98 76 54 32"},
    ]


IMPORTER = Importer(code="members", columns=COLUMNS, apply=apply, examples=examples, check_columns=check_columns)
