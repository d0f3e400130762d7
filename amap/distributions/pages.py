"""`/distributions`: the calendar of the principal's groups, one distribution day (what each farm
brings, what the household collects, the changes), and the committee's changes to a day."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.dates import get_day_names
from babel.numbers import format_decimal
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.accounts.services import household_names
from amap.audit import history
from amap.distributions import changes, services
from amap.distributions.calendar import sync_groups
from amap.distributions.tables import Delivery, Distribution
from amap.groups.tables import Place
from amap.lib.access import Principal, current, ensure, requires_coordinator, requires_login
from amap.lib.dates import DEFAULT_TIMEZONE, format_date, local_today
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language
from amap.lib.prepared import prepared
from amap.lib.web import form_data, notice, page, see_other

UPCOMING_SHOWN = 12
PAST_SHOWN = 3
FURTHEST_MOVE = timedelta(days=366)


def calendar_group_ids(principal: Principal) -> list[int]:
    """Groups whose calendar the principal sees: as a member (waiting or accepted), committee or farm."""
    return sorted(principal.member_groups | principal.pending_groups | principal.coordinator_groups
                  | principal.farm_groups)


def first_of_month(value: str | None, today: date) -> date:
    """?month=2027-04 as its first day; anything else is the current month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def describe_change(change: dict) -> dict:
    """A recorded change as shown: dates of a move in the reader's language."""
    before, after = change["before"], change["after"]
    if change["kind"] == "moved":
        try:
            before = format_date(date.fromisoformat(before), get_language(), "medium")
            after = format_date(date.fromisoformat(after), get_language(), "medium")
        except ValueError:
            pass
    return {**change, "before": before, "after": after}


def quantity_text(value: object) -> str:
    """An announced item's quantity in the reader's format (1,5 in French)."""
    return _quantity_text(str(value), get_language())


@lru_cache(maxsize=1024)
def _quantity_text(text: str, language: str) -> str:
    """Cached: Babel takes ~0.1 ms a number, and a day's shares repeat the same quantities."""
    try:
        return format_decimal(Decimal(text), locale=language)
    except (InvalidOperation, ValueError):
        return text


def announcement_view(row: dict) -> dict:
    items = row["items"] if isinstance(row["items"], list) else []
    return {**row, "lines": [{"name": item.get("name", ""), "quantity": quantity_text(item.get("quantity", "")),
                              "unit": item.get("unit", "")} for item in items if isinstance(item, dict)]}


async def decorate(principal: Principal, rows: list[dict]) -> list[dict]:
    """Add to each distribution its farms, its changes and whether the principal may open it."""
    ids = [row["id"] for row in rows]
    farms: dict[int, list[str]] = {}
    if ids:
        for row in await Delivery.select(Delivery.distribution, Delivery.offer.farm.name.as_alias("farm_name")).where(
                Delivery.distribution.is_in(ids)).order_by(Delivery.offer.farm.name):
            names = farms.setdefault(row["distribution"], [])
            if row["farm_name"] not in names:
                names.append(row["farm_name"])
    changes_by = await services.changes_of(ids)
    for row in rows:
        row["farms"] = farms.get(row["id"], [])
        row["changes"] = [describe_change(c) for c in changes_by.get(row["id"], [])]
        row["linked"] = principal.belongs_to(row["group"])
    return rows


def month_grid(first: date, rows: list[dict]) -> list[list[dict]]:
    """The weeks of the month, Monday first, each day with its distributions."""
    by_day: dict[date, list[dict]] = {}
    for row in rows:
        by_day.setdefault(row["held_on"], []).append(row)
    return [[{"day": day, "in_month": day.month == first.month, "distributions": by_day.get(day, [])}
             for day in week]
            for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)]


# A distribution's page reads these on every view: their SQL is written once (amap.lib.prepared).
_DISTRIBUTION = prepared(lambda distribution: Distribution.select(*services.distribution_columns()).where(
    Distribution.id == distribution).first())
_PLACES = prepared(lambda group: Place.select().where(Place.group == group).order_by(Place.id))


class DistributionsController(Controller):
    path = "/distributions"
    guards = [requires_login]

    @get("", name="distributions")
    async def index(self, request: Request, month: FromQuery[str | None] = None) -> Template:
        principal = current(request)
        group_ids = calendar_group_ids(principal)
        await sync_groups(group_ids)  # a contract published a minute ago is already there
        groups = principal.groups_among(group_ids)
        today = local_today(groups[group_ids[0]]["timezone"] if group_ids else DEFAULT_TIMEZONE)
        first = first_of_month(month, today)
        weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        mine = Distribution.group.is_in(group_ids or [-1])
        upcoming = await Distribution.select(*services.distribution_columns()).where(
            mine & (Distribution.held_on >= today)).order_by(Distribution.held_on).order_by(
            Distribution.starts_at).limit(UPCOMING_SHOWN)
        past = await Distribution.select(*services.distribution_columns()).where(
            mine & (Distribution.held_on < today)).order_by(Distribution.held_on, ascending=False).limit(PAST_SHOWN)
        in_grid = await Distribution.select(*services.distribution_columns()).where(
            mine & (Distribution.held_on >= weeks[0][0]) & (Distribution.held_on <= weeks[-1][-1])).order_by(
            Distribution.held_on).order_by(Distribution.starts_at)
        await decorate(principal, upcoming + past + in_grid)
        language = get_language()
        return page(
            request, "distributions/index.html", block="month",
            upcoming=upcoming, past=past, groups=groups, today=today, month=first,
            month_title=babel_format_date(first, "LLLL y", locale=language).capitalize(),
            weeks=month_grid(first, in_grid),
            in_month=[row for row in in_grid if row["held_on"].month == first.month],
            previous_month=(first - timedelta(days=1)).replace(day=1),
            next_month=(first + timedelta(days=32)).replace(day=1),
            day_names=[(get_day_names("abbreviated", locale=language)[day],
                        get_day_names("wide", locale=language)[day]) for day in range(7)],
        )

    @get("/{distribution_id:int}", name="distribution")
    async def show(self, request: Request, distribution_id: FromPath[int]) -> Template:
        return page(request, "distributions/show.html", **await self._context(request, distribution_id))

    async def _context(self, request: Request, distribution_id: int, **forms: Form) -> dict:
        principal = current(request)
        distribution = await _DISTRIBUTION(distribution=distribution_id)
        ensure(distribution is not None and principal.belongs_to(distribution["group"]))
        deliveries = await services.deliveries_of([distribution_id])
        announced = await services.announcements_of([d["id"] for d in deliveries])
        for delivery in deliveries:
            delivery["announcements"] = [announcement_view(a) for a in announced.get(delivery["id"], [])]
        mine = []
        if principal.household_id is not None:
            mine = await services.collections([distribution_id], [principal.household_id], include_other_weeks=True)
        shared_with = await household_names(c.shared_with for c in mine if c.shared_with)
        can_manage = (principal.coordinates(distribution["group"]) and distribution["status"] == "planned"
                      and distribution["closed_at"] is None)
        places = await _PLACES(group=distribution["group"]) if can_manage else []
        return {
            "distribution": distribution,
            "changes": [describe_change(c) for c in (await services.changes_of([distribution_id])).get(
                distribution_id, [])],
            "deliveries": deliveries,
            "mine": mine,
            "household_names": shared_with,
            "today": local_today(distribution["timezone"]),
            "can_manage": can_manage,
            "history_url": (history.history_url(distribution["group_slug"], "distribution", distribution_id)
                            if principal.coordinates(distribution["group"])
                            and await history.has_history(distribution["group"], "distribution", distribution_id)
                            else None),
            "places": [(str(p["id"]), f"{p['name']} · {p['address']}") for p in places],
            "place_rows": places,
            "move_form": forms.get("move_form") or Form({"held_on": distribution["held_on"].isoformat()}),
            "time_form": forms.get("time_form") or Form({"starts_at": f"{distribution['starts_at']:%H:%M}",
                                                         "ends_at": f"{distribution['ends_at']:%H:%M}"}),
            "place_form": forms.get("place_form") or Form({"place": str(distribution["place"] or "")}),
            "cancel_form": forms.get("cancel_form") or Form(),
        }

    async def _managed(self, request: Request, distribution_id: int) -> dict:
        """The distribution's page context, for the group's committee while the day can still change."""
        context = await self._context(request, distribution_id)
        ensure(context["can_manage"])
        return context

    async def _refused(self, request: Request, distribution_id: int, name: str, form: Form) -> Template:
        return page(request, "distributions/show.html", status_code=400,
                    **await self._context(request, distribution_id, **{name: form}))

    @post("/{distribution_id:int}/move", guards=[requires_coordinator])
    async def move(self, request: Request, distribution_id: FromPath[int]) -> Template | Redirect:
        context = await self._managed(request, distribution_id)
        distribution, today = context["distribution"], context["today"]
        form = Form(await form_data(request))
        held_on = form.date("held_on")
        reason = form.text("move_reason", required=False, max_length=1000)
        if held_on == distribution["held_on"]:
            form.error("held_on", _("Choose a date other than the current one."))
        elif held_on and not today <= held_on <= today + FURTHEST_MOVE:
            form.error("held_on", _("Choose a date between today and a year from now."))
        elif held_on and await Distribution.exists().where(
                (Distribution.group == distribution["group"]) & (Distribution.held_on == held_on)):
            form.error("held_on", _("The group already has a distribution that day: change that one instead."))
        if not form.ok:
            return await self._refused(request, distribution_id, "move_form", form)
        ensure(await changes.move(distribution, held_on, reason, current(request).id))
        notice(request, _("The distribution is moved to %(date)s.", date=format_date(held_on, get_language())))
        return see_other(f"/distributions/{distribution_id}")

    @post("/{distribution_id:int}/time", guards=[requires_coordinator])
    async def change_time(self, request: Request, distribution_id: FromPath[int]) -> Template | Redirect:
        context = await self._managed(request, distribution_id)
        distribution = context["distribution"]
        form = Form(await form_data(request))
        starts_at, ends_at = form.time("starts_at"), form.time("ends_at")
        reason = form.text("time_reason", required=False, max_length=1000)
        if starts_at and ends_at and ends_at <= starts_at:
            form.error("ends_at", _("The end must come after the start."))
        elif (starts_at, ends_at) == (distribution["starts_at"], distribution["ends_at"]):
            form.error("starts_at", _("These are already the distribution's times."))
        if not form.ok:
            return await self._refused(request, distribution_id, "time_form", form)
        ensure(await changes.change_time(distribution, starts_at, ends_at, reason, current(request).id))
        notice(request, _("The distribution's time is changed."))
        return see_other(f"/distributions/{distribution_id}")

    @post("/{distribution_id:int}/place", guards=[requires_coordinator])
    async def change_place(self, request: Request, distribution_id: FromPath[int]) -> Template | Redirect:
        context = await self._managed(request, distribution_id)
        distribution = context["distribution"]
        form = Form(await form_data(request))
        chosen = form.choice("place", [value for value, _label in context["places"]])
        reason = form.text("place_reason", required=False, max_length=1000)
        if form.ok and chosen == str(distribution["place"]):
            form.error("place", _("The distribution is already at this place."))
        if not form.ok:
            return await self._refused(request, distribution_id, "place_form", form)
        place = next(p for p in context["place_rows"] if str(p["id"]) == chosen)
        ensure(await changes.change_place(distribution, place, reason, current(request).id))
        notice(request, _("The distribution's place is changed."))
        return see_other(f"/distributions/{distribution_id}")

    @post("/{distribution_id:int}/cancel", guards=[requires_coordinator])
    async def cancel(self, request: Request, distribution_id: FromPath[int]) -> Template | Redirect:
        context = await self._managed(request, distribution_id)
        form = Form(await form_data(request))
        if not form.get("cancel_reason"):
            form.error("cancel_reason", _("Say why the distribution is cancelled: members will read it."))
        reason = form.text("cancel_reason", max_length=1000)
        if not form.ok:
            return await self._refused(request, distribution_id, "cancel_form", form)
        ensure(await changes.cancel(context["distribution"], reason, current(request).id))
        notice(request, _("The distribution is cancelled."))
        return see_other(f"/distributions/{distribution_id}")
