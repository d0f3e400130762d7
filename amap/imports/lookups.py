"""What the rows of an import name, found in the database: adults by e-mail, the group's contracts by
name or number, their shares and payment plans as published, price levels and dates as people type them."""

from __future__ import annotations

from datetime import date

from amap.accounts.tables import User
from amap.contracts import lifecycle
from amap.contracts.tables import Offer
from amap.groups.tables import Membership
from amap.imports.reading import Column, Row, fold, parse_date
from amap.lib.dates import format_date
from amap.lib.forms import Form
from amap.lib.i18n import LANGUAGES, _, _l, get_language, using_language

EMAIL = Column("email", _l("E-mail"), ("e-mail", "mail", "courriel", "adresse e-mail", "adresse mail",
                                       "adresse électronique", "email address"), required=True)
CONTRACT = Column("contract", _l("Contract"), ("contrat", "offer", "offre", "contract name", "nom du contrat",
                                               "contract number", "numéro du contrat"), required=True)
SHARE = Column("share", _l("Share"), ("share type", "panier", "type de panier", "part", "formule"))
CHUNK = 500  # SQLite allows only so many parameters in one query


async def adults(emails: list[str]) -> dict[str, dict]:
    """The active accounts of these addresses, by address: id, name and household."""
    found: dict[str, dict] = {}
    wanted = sorted({email for email in emails if email})
    for start in range(0, len(wanted), CHUNK):
        for user in await User.select(User.id, User.email, User.name, User.household).where(
                User.email.is_in(wanted[start:start + CHUNK]) & (User.is_active == True)):  # noqa: E712
            found[user["email"]] = user
    return found


async def member_households(group_id: int, household_ids: list[int]) -> set[int]:
    """Those of the households that are active members of the group."""
    found: set[int] = set()
    wanted = sorted(set(household_ids))
    for start in range(0, len(wanted), CHUNK):
        found |= {row["household"] for row in await Membership.select(Membership.household).where(
            Membership.household.is_in(wanted[start:start + CHUNK]) & (Membership.group == group_id)
            & (Membership.status == "active"))}
    return found


def read_email(row: Row) -> str:
    form = Form(row.values)
    email = form.email("email")
    if form.errors:
        row.problem(EMAIL, form.errors["email"])
    return email


def read_date(row: Row, column: Column, today: date) -> date | None:
    """A date typed 2027-01-15 or 15/01/2027, not after today."""
    text = row.get(column.key)
    if not text:
        row.problem(column, _("Enter a date like 15/01/2027 or 2027-01-15."))
        return None
    try:
        day = parse_date(text)
    except ValueError:
        row.problem(column, _("“%(value)s” is not a date: write it like 15/01/2027 or 2027-01-15.", value=text[:40]))
        return None
    if day > today:
        row.problem(column, _("Enter a date that is not in the future."))
        return None
    return day


def shown_date(day: date) -> str:
    return format_date(day, get_language(), "short")


def choices(codes: dict[str, object], aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Folded names -> code: each code, its label in every language, and a few other words."""
    found = {fold(code): code for code in codes}
    for language in LANGUAGES:
        with using_language(language):
            found.update({fold(str(label)): code for code, label in codes.items()})
    found.update({fold(alias): code for alias, code in (aliases or {}).items()})
    return found


class Offers:
    """The group's contracts, found by number or by name (as the committee writes it)."""

    def __init__(self, rows: list[dict]) -> None:
        self.by_id = {row["id"]: row for row in rows}
        self.by_name: dict[str, list[dict]] = {}
        for row in rows:
            self.by_name.setdefault(fold(row["name"]), []).append(row)
        self._terms: dict[int, dict | None] = {}

    @classmethod
    async def of_group(cls, group_id: int) -> Offers:
        return cls(await Offer.select(
            Offer.id, Offer.name, Offer.status, Offer.version, Offer.nature, Offer.signup_opens_on,
            Offer.signup_closes_on,
        ).where(Offer.group == group_id).order_by(Offer.starts_on, ascending=False).order_by(Offer.id))

    def find(self, row: Row) -> dict | None:
        text = row.get(CONTRACT.key)
        number = text.lstrip("#nN°º ")
        if number.isdigit() and len(number) < 10 and int(number) in self.by_id:
            return self.by_id[int(number)]
        named = self.by_name.get(fold(text), []) if fold(text) else []
        if len(named) == 1:
            return named[0]
        if not text:
            row.problem(CONTRACT, _("Enter the contract's name or number."))
        elif named:
            row.problem(CONTRACT, _("Several contracts are named “%(name)s”: write the number of the right one "
                                    "(%(numbers)s).", name=text[:80], numbers=", ".join(str(o["id"]) for o in named)))
        else:
            row.problem(CONTRACT, _("No contract of the group is named “%(name)s”.", name=text[:80]))
        return None

    async def terms(self, offer: dict) -> dict | None:
        """The terms members sign now: the published version's snapshot (None when never published)."""
        if offer["id"] not in self._terms:
            self._terms[offer["id"]] = await lifecycle.published(offer["id"], offer["version"])
        return self._terms[offer["id"]]


def find_share(row: Row, shares: list[dict]) -> dict | None:
    """The share named in the row; the only one when the contract has one and the cell is empty."""
    text = row.get(SHARE.key)
    if not text and len(shares) == 1:
        return shares[0]
    found = [share for share in shares if fold(share["name"]) == fold(text)] if fold(text) else []
    if len(found) == 1:
        return found[0]
    names = ", ".join(f"“{share['name']}”" for share in shares)
    row.problem(SHARE, _("Write one of the shares of this contract: %(names)s.", names=names) if not text else
                _("“%(value)s” is not a share of this contract: write one of %(names)s.", value=text[:80], names=names))
    return None
