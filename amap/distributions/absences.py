"""Absences and hand-overs: a household away on a distribution day says, before its group's deadline,
who collects its shares, offers them to the other members (the first taker gets them), donates
them, or moves them to a later delivery of a contract that allows it. Nothing is deleted: a
withdrawn absence keeps its row, with `withdrawn_at`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.accounts.tables import User
from amap.contracts.tables import Subscription
from amap.distributions import services
from amap.distributions.calendar import absence_deadline
from amap.distributions.tables import Absence, Delivery, Distribution
from amap.groups.tables import Membership
from amap.lib.access import Principal, current, ensure, requires_login
from amap.lib.dates import format_date, format_time, local_today
from amap.lib.db import is_unique_violation, utcnow, write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _, _l, get_language, ngettext
from amap.lib.web import form_data, notice, page, see_other

CHOICE_LABELS = {
    "collector": _l("Someone collects our shares"),
    "offered": _l("Our shares are offered to the other members"),
    "donated": _l("Our shares are donated"),
    "shifted": _l("Our shares move to a later delivery"),
}
"""What happens to an absent household's shares, in the order the form offers them."""
CHOICES = tuple(CHOICE_LABELS)
LONGEST_RANGE = timedelta(days=366)
UPCOMING_SHOWN = 30


class AbsenceError(ValueError):
    """A refused absence: a message for each field at fault."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Declaration:
    household_id: int
    user_id: int
    choice: str
    collector_email: str = ""
    collector_name: str = ""


@cache
def distribution_columns() -> tuple:
    """A distribution as `services.distribution_columns()` gives it, with the group's notice in hours."""
    return (*services.distribution_columns(), Distribution.group.absence_notice_hours.as_alias("notice_hours"))


def deadline_of(distribution: dict) -> datetime:
    return absence_deadline(distribution["held_on"], distribution["starts_at"], distribution["timezone"],
                            distribution["notice_hours"])


def ends_of(distribution: dict) -> datetime:
    return datetime.combine(distribution["held_on"], distribution["ends_at"], tzinfo=ZoneInfo(distribution["timezone"]))


def moment(value: datetime, timezone: str) -> str:
    """A moment as "Sunday 25 October 2026 at 18:30", in the group's time and the reader's language."""
    local = value.astimezone(ZoneInfo(timezone))
    return _("%(day)s at %(time)s", day=format_date(local.date(), get_language(), "full"),
             time=format_time(local.time(), get_language()))


def too_late(distribution: dict) -> str:
    return _("It is too late to declare an absence for the distribution of %(day)s: the deadline was %(deadline)s.",
             day=format_date(distribution["held_on"], get_language(), "long"),
             deadline=moment(deadline_of(distribution), distribution["timezone"]))


async def member_household(email: str, group_ids: set[int]) -> int | None:
    """The household of the adult with this address, if it is an active member of each group."""
    user = await User.select(User.household).where(User.email == email).first()
    if user is None or user["household"] is None:
        return None
    groups = await Membership.select(Membership.group).where(
        (Membership.household == user["household"]) & (Membership.status == "active"))
    return user["household"] if group_ids <= {row["group"] for row in groups} else None


async def shift_allowances(household_id: int) -> list[dict]:
    """The household's contracts that let it move shares to a later delivery: moves allowed this
    season, used (absences "shifted" on a day the contract delivered) and left."""
    contracts = await Subscription.select(
        Subscription.offer, Subscription.offer.name.as_alias("offer_name"),
        Subscription.offer.shifts_allowed.as_alias("allowed"),
    ).where(((Subscription.household == household_id) | (Subscription.co_household == household_id))
            & (Subscription.status == "active") & (Subscription.offer.shifts_allowed > 0)).order_by(Subscription.offer)
    if not contracts:
        return []
    offers = {row["offer"]: row for row in contracts}
    shifted = [row["distribution"] for row in await Absence.select(Absence.distribution).where(
        (Absence.household == household_id) & (Absence.choice == "shifted") & Absence.withdrawn_at.is_null())]
    used = dict.fromkeys(offers, 0)
    if shifted:
        for row in await Delivery.select(Delivery.offer).where(
                Delivery.distribution.is_in(shifted) & Delivery.offer.is_in(list(offers))
                & Delivery.catch_up_for.is_null()):
            used[row["offer"]] += 1
    return [{"offer": offer, "offer_name": row["offer_name"], "allowed": row["allowed"], "used": used[offer],
             "left": max(0, row["allowed"] - used[offer])} for offer, row in offers.items()]


async def _check_shifts(household_id: int, distributions: list[dict], field: str) -> None:
    """Each day needs a contract delivering then with a move left; a range uses them up in order."""
    left = {row["offer"]: row["left"] for row in await shift_allowances(household_id)}
    delivering: dict[int, set[int]] = {}
    for row in await Delivery.select(Delivery.offer, Delivery.distribution).where(
            Delivery.distribution.is_in([d["id"] for d in distributions]) & Delivery.catch_up_for.is_null()
            & (Delivery.outcome != "cancelled")):
        delivering.setdefault(row["distribution"], set()).add(row["offer"])
    for distribution in sorted(distributions, key=lambda d: d["held_on"]):
        movable = [offer for offer in delivering.get(distribution["id"], ()) if left.get(offer, 0) > 0]
        if not movable:
            raise AbsenceError({"choice": _(
                "No contract of yours delivering on %(day)s has a move to a later delivery left: choose another option.",
                day=format_date(distribution["held_on"], get_language(), "long"))})
        for offer in movable:
            left[offer] -= 1


async def declare(declaration: Declaration, distributions: list[dict], now: datetime, *,
                  field: str = "distribution") -> list[int]:
    """Record the absence at each distribution given (several for holidays); returns the new ids.

    Every day must be before its deadline. A range skips the days already declared and cancelled
    ones; a single day already declared is refused (withdraw it first). `field` names the form
    field that chose the days, for the messages about them."""
    errors: dict[str, str] = {}
    choice = declaration.choice
    if choice not in CHOICES:
        errors["choice"] = _("Choose what happens to your shares.")
    collector_household, collector_name = None, ""
    if choice == "collector":
        email, name = declaration.collector_email.strip().lower(), declaration.collector_name.strip()
        if email and name:
            errors["collector_email"] = _("Give either a member's e-mail address or a guest's name, not both.")
        elif email:
            collector_household = await member_household(email, {d["group"] for d in distributions})
            if collector_household is None:
                errors["collector_email"] = _("No member household of this group uses this address.")
            elif collector_household == declaration.household_id:
                errors["collector_email"] = _("Name someone outside your household.")
        elif name:
            if len(name) > 200:
                errors["collector_name"] = _("At most %(max)s characters.", max=200)
            collector_name = name
        else:
            errors["collector_email"] = _("Enter the e-mail address of a member household, or a guest's name.")
    planned = [d for d in distributions if d["status"] != "cancelled"]
    late = [d for d in planned if now >= deadline_of(d)]
    if not distributions:
        errors[field] = _("None of your groups holds a distribution on these dates.")
    elif late:
        errors[field] = too_late(min(late, key=lambda d: d["held_on"]))
    elif not planned:
        errors[field] = _("This distribution is cancelled.")
    if errors:
        raise AbsenceError(errors)
    try:
        return await _insert_absences(declaration, planned, choice, collector_name, collector_household, now, field,
                                      single=len(distributions) == 1)
    except Exception as error:
        if is_unique_violation(error):  # the same absence declared twice at the same moment
            raise AbsenceError({field: _("An absence is already declared for this distribution: withdraw it "
                                         "first to change it.")}) from error
        raise


async def _insert_absences(declaration: Declaration, planned: list[dict], choice: str, collector_name: str,
                           collector_household: int | None, now: datetime, field: str, *, single: bool) -> list[int]:
    async with write_transaction():
        declared = {row["distribution"] for row in await Absence.select(Absence.distribution).where(
            (Absence.household == declaration.household_id) & Absence.withdrawn_at.is_null()
            & Absence.distribution.is_in([d["id"] for d in planned]))}
        wanted = [d for d in planned if d["id"] not in declared]
        if not wanted:
            raise AbsenceError({field: _("An absence is already declared for this distribution: withdraw it "
                                         "first to change it.") if single else
                                _("Absences are already declared for every distribution of these dates.")})
        if choice == "shifted":
            await _check_shifts(declaration.household_id, wanted, field)
        rows = await Absence.insert(*[Absence(
            household=declaration.household_id, distribution=d["id"], choice=choice, collector_name=collector_name,
            collector_household=collector_household, declared_by=declaration.user_id, declared_at=now,
        ) for d in wanted]).returning(Absence.id)
    return [row["id"] for row in rows]


async def withdraw(absence_id: int, household_id: int, now: datetime) -> bool:
    """Withdraw before the deadline; False if the household has no such absence. An offered share
    another household has taken stays theirs."""
    absence = await Absence.select(
        Absence.id, Absence.distribution.held_on.as_alias("held_on"),
        Absence.distribution.starts_at.as_alias("starts_at"), Absence.distribution.group.timezone.as_alias("timezone"),
        Absence.distribution.group.absence_notice_hours.as_alias("notice_hours"),
    ).where((Absence.id == absence_id) & (Absence.household == household_id) & Absence.withdrawn_at.is_null()).first()
    if absence is None:
        return False
    if now >= deadline_of(absence):
        raise AbsenceError({"absence": _("It is too late to withdraw this absence: the deadline was %(deadline)s.",
                                         deadline=moment(deadline_of(absence), absence["timezone"]))})
    rows = await Absence.update({Absence.withdrawn_at: now}).where(
        (Absence.id == absence_id) & Absence.withdrawn_at.is_null() & Absence.taken_by_household.is_null()
    ).returning(Absence.id)
    if not rows:
        raise AbsenceError({"absence": _("Another household has taken your share: it is theirs now.")})
    return True


async def take(absence_id: int, distribution: dict, household_id: int, now: datetime) -> None:
    """Take an offered share. One conditional UPDATE: of two members taking it at the same moment,
    exactly one gets it."""
    if now >= ends_of(distribution):
        raise AbsenceError({"absence": _("This distribution is over.")})
    rows = await Absence.update({Absence.taken_by_household: household_id}).where(
        (Absence.id == absence_id) & (Absence.distribution == distribution["id"]) & (Absence.choice == "offered")
        & Absence.withdrawn_at.is_null() & Absence.taken_by_household.is_null() & (Absence.household != household_id)
    ).returning(Absence.id)
    if not rows:
        raise AbsenceError({"absence": _("This share is no longer offered: another member took it first.")})


@cache
def absence_columns() -> tuple:
    """Built once, like services.distribution_columns()."""
    return (Absence.all_columns(), Absence.household.name.as_alias("household_name"),
            Absence.collector_household.name.as_alias("collector_household_name"),
            Absence.taken_by_household.name.as_alias("taken_by_name"))


async def upcoming(principal: Principal, now: datetime) -> list[dict]:
    """The coming distributions of the household's groups, each with its deadline, the household's
    absence and how many shares other members offer."""
    rows = await Distribution.select(*distribution_columns()).where(
        Distribution.group.is_in(sorted(principal.member_groups) or [-1]) & (Distribution.status == "planned")
        & (Distribution.held_on >= local_today(now=now) - timedelta(days=1))
    ).order_by(Distribution.held_on).order_by(Distribution.starts_at).limit(UPCOMING_SHOWN + 1)
    rows = [row for row in rows if ends_of(row) > now][:UPCOMING_SHOWN]
    ids = [row["id"] for row in rows] or [-1]
    absences = await Absence.select(*absence_columns()).where(
        Absence.distribution.is_in(ids) & Absence.withdrawn_at.is_null())
    for row in rows:
        row["deadline"] = deadline_of(row)
        row["open"] = now < row["deadline"]
        here = [a for a in absences if a["distribution"] == row["id"]]
        row["absence"] = next((a for a in here if a["household"] == principal.household_id), None)
        row["offered"] = sum(1 for a in here if a["choice"] == "offered" and a["taken_by_household"] is None
                             and a["household"] != principal.household_id)
    return rows


def read_days(form: Form) -> tuple[int | None, date | None, date | None, str]:
    """What the form chose: one distribution (its id), or the first and last day of a range."""
    when = form.choice("when", ("one", "range"))
    if when == "range":
        starts_on, ends_on = form.date("starts_on"), form.date("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            form.error("ends_on", _("The last day must be on or after the first day."))
        elif starts_on and ends_on and ends_on - starts_on > LONGEST_RANGE:
            form.error("ends_on", _("Choose dates at most a year apart."))
        return None, starts_on, ends_on, "starts_on"
    chosen = form.get("distribution")
    if not chosen.isdigit() or len(chosen) > 9:
        form.error("distribution", _("Choose a distribution."))
        return None, None, None, "distribution"
    return int(chosen), None, None, "distribution"


class AbsencesController(Controller):
    path = "/distributions"
    guards = [requires_login]

    async def _render(self, request: Request, *, form: Form | None = None, status_code: int = 200) -> Template:
        principal = current(request)
        rows = await upcoming(principal, utcnow()) if principal.household_id else []
        return page(request, "distributions/absences.html", status_code=status_code, rows=rows,
                    form=form or Form({"when": "one"}), choices=CHOICE_LABELS,
                    allowances=await shift_allowances(principal.household_id) if principal.household_id else [],
                    can_declare=bool(principal.household_id and principal.member_groups), moment=moment)

    @get("/absences", name="absences")
    async def index(self, request: Request) -> Template:
        return await self._render(request)

    @post("/absences")
    async def create(self, request: Request) -> Template | Redirect:
        principal = current(request)
        ensure(principal.household_id is not None and bool(principal.member_groups))
        form = Form(await form_data(request))
        chosen, starts_on, ends_on, field = read_days(form)
        choice = form.choice("choice", CHOICES)
        email = form.email("collector_email", required=False) if choice == "collector" else ""
        name = form.text("collector_name", required=False) if choice == "collector" else ""
        if form.ok:
            query = Distribution.select(*distribution_columns()).where(
                Distribution.group.is_in(sorted(principal.member_groups)))
            if chosen is None:
                query = query.where((Distribution.held_on >= starts_on) & (Distribution.held_on <= ends_on))
            else:
                query = query.where(Distribution.id == chosen)
            distributions = await query.order_by(Distribution.held_on)
            if chosen is not None and not distributions:
                form.error("distribution", _("Choose a distribution."))
        if form.ok:
            try:
                created = await declare(Declaration(household_id=principal.household_id, user_id=principal.id,
                                                    choice=choice, collector_email=email, collector_name=name),
                                        distributions, utcnow(), field=field)
            except AbsenceError as refused:
                for key, message in refused.errors.items():
                    form.error(key, message)
        if not form.ok:
            return await self._render(request, form=form, status_code=400)
        notice(request, ngettext("Your absence is recorded for %(num)s distribution.",
                                 "Your absence is recorded for %(num)s distributions.", len(created)))
        return see_other("/distributions/absences")

    @post("/absences/{absence_id:int}/withdraw")
    async def withdraw_absence(self, request: Request, absence_id: FromPath[int]) -> Redirect:
        principal = current(request)
        try:
            ensure(principal.household_id is not None and await withdraw(absence_id, principal.household_id, utcnow()))
            notice(request, _("Your absence is withdrawn: you collect your shares as usual."))
        except AbsenceError as refused:
            notice(request, refused.errors["absence"], "error")
        return see_other("/distributions/absences")

    async def _offered(self, request: Request, distribution_id: int) -> dict:
        principal = current(request)
        distribution = await Distribution.select(*distribution_columns()).where(
            Distribution.id == distribution_id).first()
        ensure(distribution is not None and principal.belongs_to(distribution["group"]))
        return distribution

    @get("/{distribution_id:int}/offered", name="offered_shares")
    async def offered(self, request: Request, distribution_id: FromPath[int]) -> Template:
        distribution = await self._offered(request, distribution_id)
        shares = await Absence.select(*absence_columns()).where(
            (Absence.distribution == distribution_id) & (Absence.choice == "offered") & Absence.withdrawn_at.is_null()
        ).order_by(Absence.declared_at)
        found = await services.collections([distribution_id], [share["household"] for share in shares])
        for share in shares:
            share["items"] = [c for c in found if c.household_id == share["household"] and c.outcome != "cancelled"]
        principal = current(request)
        return page(request, "distributions/offered.html", distribution=distribution, shares=shares,
                    may_take=distribution["group"] in principal.member_groups and principal.household_id is not None,
                    over=utcnow() >= ends_of(distribution))

    @post("/{distribution_id:int}/offered/{absence_id:int}/take")
    async def take_share(self, request: Request, distribution_id: FromPath[int], absence_id: FromPath[int]) -> Redirect:
        distribution = await self._offered(request, distribution_id)
        principal = current(request)
        ensure(distribution["group"] in principal.member_groups and principal.household_id is not None)
        try:
            await take(absence_id, distribution, principal.household_id, utcnow())
            notice(request, _("The share is yours: the sign-off sheet shows it beside your name."))
        except AbsenceError as refused:
            notice(request, refused.errors["absence"], "error")
        return see_other(f"/distributions/{distribution_id}/offered")

