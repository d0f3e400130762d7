"""The sign-off sheet of a distribution day: one line per household with what it collects from each
farm, ticks recorded as events (undone by a later event, replayed safely from a phone that was
offline), and the closing where the shares nobody collected are donated or kept.

The sheet is read in a fixed number of queries, whatever the number of households (a test counts
them)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode
from uuid import uuid4

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from markupsafe import Markup

from amap.accounts.services import household_names
from amap.accounts.tables import Household
from amap.audit import log as audit
from amap.distributions import services
from amap.distributions.absences import absence_columns, distribution_columns
from amap.distributions.tables import Absence, CollectionEvent, Delivery, Distribution
from amap.groups.committee import chosen_group
from amap.groups.tables import Membership
from amap.lib.access import current, ensure, requires_coordinator
from amap.lib.dates import local_today
from amap.lib.db import utcnow, write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.prepared import prepared
from amap.lib.templating import colon
from amap.lib.web import form_data, notice, page, see_other

TEMPLATE = "distributions/sheet.html"
FATES = ("donated", "kept")
TICK_ACTIONS = ("collected", "undone")
EVENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
WORKER = Path(__file__).resolve().parents[2] / "static" / "sw-sheet.js"
CLOSED_BY = Distribution.closed_by.name.as_alias("closed_by_name")  # built once, like distribution_columns()


def folded(text: str) -> str:
    """Lowercase without accents, so that "heloise" finds "Héloïse" (static/js/sheet.js does the same)."""
    if text.isascii():  # most names: nothing to take off (the sheet folds every name twice)
        return text.casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@dataclass
class Share:
    farm_name: str
    share_name: str
    quantity: int
    offer_id: int
    catch_up_of: date | None = None  # a catch-up delivery making up that day
    shifted_from: date | None = None  # moved here from an absence on that day
    moves_on: bool = False  # the household is away and this share moves to the contract's next delivery


@dataclass
class Extra:
    """Something a household collects beside its shares (a one-off order), listed on its line."""

    farm_name: str
    title: str
    items: list[tuple[str, int]]  # (product and unit, quantity)


ExtraReader = Callable[[int], Awaitable[dict[int, list[Extra]]]]
EXTRA_READERS: list[ExtraReader] = []
"""Readers of what else each household collects at a distribution (id -> extras by household),
one query each. Filled by the wiring (amap/app.py): the domains built on distributions, such as
one-off orders, may not be imported from here."""


@dataclass
class Line:
    """One household on the sheet. Its state is its latest event: open, collected, donated or kept."""

    household_id: int
    name: str
    shares: list[Share] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)
    absence: dict | None = None
    collected_by: str = ""
    collects_for: list[tuple[int, str]] = field(default_factory=list)  # (household, name) collected on their line
    shared_with: list[tuple[int, str]] = field(default_factory=list)  # a contract held together, on the other line
    state: str = "open"

    @cached_property
    def expected(self) -> bool:
        """Someone collects this household's shares here (itself, a named person, a taker, or
        nobody yet for an offered share), or an order waits for it: the line has a tick box.
        An absence is about season shares; an order is collected whatever it says."""
        return bool(self.extras) or (
            bool(self.shares) and (self.absence is None or self.absence["choice"] in ("collector", "offered")))

    @property
    def things(self) -> list[tuple[str, int]]:
        """Every share and ordered item of the line, as (name, quantity)."""
        return [(share.share_name, share.quantity) for share in self.shares] + [
            item for extra in self.extras for item in extra.items]

    @property
    def things_text(self) -> str:
        """The things, as the closing form lists them: "Panier complet × 1, 6 œufs × 2"."""
        return ", ".join(f"{name} × {quantity}" for name, quantity in self.things)

    @cached_property
    def search(self) -> str:
        names = [self.name, self.collected_by, *(name for _id, name in self.collects_for)]
        return folded(" ".join(name for name in names if name))


@dataclass
class Sheet:
    lines: list[Line]
    cancelled: list[dict]  # deliveries cancelled that day

    def line(self, household_id: int) -> Line | None:
        return next((line for line in self.lines if line.household_id == household_id), None)

    @property
    def counts(self) -> dict[str, int]:
        expected = [line for line in self.lines if line.expected]
        return {"expected": len(expected), **{state: sum(1 for line in expected if line.state == state)
                                              for state in ("collected", "donated", "kept", "open")}}

    @property
    def uncollected(self) -> list[Line]:
        return [line for line in self.lines if line.expected and line.state == "open"]


# The sheet is read on every tick and reload of a day's busiest page: its SQL is written once.
_EARLIER = prepared(lambda offers, day: Delivery.select(
    Delivery.offer, Delivery.distribution, Delivery.distribution.held_on.as_alias("held_on"),
).where(Delivery.offer.is_in(offers) & Delivery.catch_up_for.is_null() & (Delivery.outcome != "cancelled")
        & (Delivery.distribution.held_on < day)))
_SHIFTED_AWAY = prepared(lambda distributions: Absence.select(Absence.household, Absence.distribution).where(
    Absence.distribution.is_in(distributions) & (Absence.choice == "shifted") & Absence.withdrawn_at.is_null()))
_ABSENCES = prepared(lambda distribution: Absence.select(*absence_columns()).where(
    (Absence.distribution == distribution) & Absence.withdrawn_at.is_null()).order_by(Absence.id))
# The names of the group's households (members, past and pending included): the sheet's lines are
# theirs but for a rare outsider, named by `household_names`. The list of the lines' households would make one
# SQL per number of lines.
_MEMBER_NAMES = prepared(lambda group: Household.select(Household.id, Household.name).where(
    Household.id.is_in(Membership.select(Membership.household).where(Membership.group == group))))
_STATES = prepared(lambda distribution: CollectionEvent.select(
    CollectionEvent.household, CollectionEvent.action).where(
    CollectionEvent.distribution == distribution).order_by(CollectionEvent.id))
_DISTRIBUTION = prepared(lambda distribution: Distribution.select(*distribution_columns(), CLOSED_BY).where(
    Distribution.id == distribution).first())


async def _shifted_here(distribution: dict, deliveries: list[dict], movable: set[int]) -> list[tuple[int, Share]]:
    """Shares moved here: a contract's next delivery after a day its household was away with
    "shifted" gives it that day's shares too."""
    offers = {d["offer"] for d in deliveries if d["catch_up_for"] is None and d["offer"] in movable}
    if not offers:
        return []
    earlier = await _EARLIER(offers=sorted(offers), day=distribution["held_on"])
    previous: dict[int, dict] = {}  # per contract, its last delivery before today
    for row in earlier:
        if row["offer"] not in previous or row["held_on"] > previous[row["offer"]]["held_on"]:
            previous[row["offer"]] = row
    if not previous:
        return []
    days = {row["distribution"]: row["held_on"] for row in previous.values()}
    away = await _SHIFTED_AWAY(distributions=sorted(days))
    if not away:
        return []
    wanted = {(row["household"], row["distribution"]) for row in away}
    found = await services.collections(sorted(days), {row["household"] for row in away})
    return [(c.household_id, Share(c.farm_name, c.share_name, c.quantity, c.offer_id,
                                   shifted_from=days[c.distribution_id]))
            for c in found if (c.household_id, c.distribution_id) in wanted and c.outcome != "cancelled"
            and previous.get(c.offer_id, {}).get("distribution") == c.distribution_id]


async def read_sheet(distribution: dict) -> Sheet:
    """Every line of the sheet with its state, sorted by household name."""
    deliveries = await services.deliveries_of([distribution["id"]])
    found = [c for c in await services.collections([distribution["id"]], deliveries=deliveries)
             if c.outcome != "cancelled"]
    catch_up_of = {d["id"]: d["catch_up_of_on"] for d in deliveries}
    movable = {d["offer"] for d in deliveries if d["shifts_allowed"] > 0}  # contracts whose shares may move

    lines: dict[int, Line] = {}

    def line_of(household_id: int) -> Line:
        line = lines.get(household_id)
        if line is None:  # not setdefault: it would build a Line for every share
            line = lines[household_id] = Line(household_id, "")
        return line

    for c in found:
        # Two households holding a contract "together" both collect it: one share, listed on the
        # subscriber's line; the other household's line points there.
        if c.sharing == "together" and not c.subscriber:
            pair = (c.shared_with, "")
            if pair not in line_of(c.household_id).shared_with:
                line_of(c.household_id).shared_with.append(pair)
            continue
        line_of(c.household_id).shares.append(Share(c.farm_name, c.share_name, c.quantity, c.offer_id,
                                                     catch_up_of=catch_up_of.get(c.delivery_id)))
    for household_id, share in await _shifted_here(distribution, deliveries, movable):
        line_of(household_id).shares.append(share)
    for reader in EXTRA_READERS:
        for household_id, extras in (await reader(distribution["id"])).items():
            line_of(household_id).extras.extend(extras)

    names: dict[int, str] = {}
    for absence in await _ABSENCES(distribution=distribution["id"]):
        if absence["household"] not in lines:
            continue  # nothing to collect that day
        line = line_of(absence["household"])
        line.absence = absence
        names[absence["household"]] = absence["household_name"]
        helper = absence["collector_household"] or absence["taken_by_household"]
        if helper:
            names[helper] = absence["collector_household_name"] or absence["taken_by_name"]
            line.collected_by = names[helper]
            line_of(helper).collects_for.append((absence["household"], absence["household_name"]))
        elif absence["collector_name"]:
            line.collected_by = _("%(name)s (guest)", name=absence["collector_name"])
        if absence["choice"] == "shifted":
            for share in line.shares:
                share.moves_on = share.offer_id in movable and share.shifted_from is None

    missing = set(lines) - set(names) | {other for line in lines.values() for other, _n in line.shared_with}
    if missing:
        members = {row["id"]: row["name"] for row in await _MEMBER_NAMES(group=distribution["group"])}
        names |= {household: members[household] for household in missing if household in members}
        names |= await household_names(missing - set(members))
    for line in lines.values():
        line.name = names.get(line.household_id, "")
        line.shared_with = [(other, names.get(other, "")) for other, _n in line.shared_with]
        if len(line.shares) > 1:
            line.shares.sort(key=lambda s: (s.farm_name, s.share_name, s.catch_up_of or date.min,
                                            s.shifted_from or date.min))
    for event in await _STATES(distribution=distribution["id"]):  # the latest event of each household wins
        if event["household"] in lines:
            lines[event["household"]].state = "open" if event["action"] == "undone" else event["action"]
    return Sheet(lines=sorted(lines.values(), key=lambda line: (folded(line.name), line.household_id)),
                 cancelled=[d for d in deliveries if d["outcome"] == "cancelled"])


async def collection_states(distribution_ids: list[int]) -> dict[tuple[int, int], str]:
    """(distribution, household) -> its latest event on the sheet: collected, donated or kept, or
    open after an undo. Households never ticked are absent. One query."""
    states: dict[tuple[int, int], str] = {}
    if not distribution_ids:
        return states
    for event in await CollectionEvent.select(CollectionEvent.distribution, CollectionEvent.household,
                                              CollectionEvent.action).where(
            CollectionEvent.distribution.is_in(distribution_ids)).order_by(CollectionEvent.id):
        states[(event["distribution"], event["household"])] = "open" if event["action"] == "undone" else event["action"]
    return states


async def record(distribution_id: int, household_id: int, action: str, event_id: str, user_id: int) -> bool:
    """Record a tick or its undoing; False when this event id is already recorded (a replay)."""
    rows = await CollectionEvent.insert(CollectionEvent(
        distribution=distribution_id, household=household_id, action=action, client_event_id=event_id,
        recorded_by=user_id,
    )).on_conflict(target=CollectionEvent.client_event_id, action="DO NOTHING").returning(CollectionEvent.id)
    return bool(rows)


async def close(distribution_id: int, fates: dict[int, str], user_id: int) -> bool:
    """Close the sheet: each share nobody collected is donated or kept. False if already closed."""
    async with write_transaction():
        closed = await Distribution.update({Distribution.closed_at: utcnow(), Distribution.closed_by: user_id}).where(
            (Distribution.id == distribution_id) & Distribution.closed_at.is_null()
        ).returning(Distribution.id, Distribution.group, Distribution.held_on)
        if not closed:
            return False
        if fates:
            await CollectionEvent.insert(*[CollectionEvent(
                distribution=distribution_id, household=household_id, action=fate, client_event_id=str(uuid4()),
                recorded_by=user_id) for household_id, fate in fates.items()])
        await audit.record(group=closed[0]["group"], kind="distribution", subject_id=distribution_id,
                           action="sheet_closed", actor=user_id, details={
                               "held_on": closed[0]["held_on"],
                               "donated": sum(1 for fate in fates.values() if fate == "donated"),
                               "kept": sum(1 for fate in fates.values() if fate == "kept")})
    return True


def sheet_words() -> dict[str, str]:
    """The words every line of the sheet repeats, translated once per page: a gettext call in Jinja
    costs microseconds, and a 300-household sheet made thousands. Markup, with placeholders, as the
    template's own `_()` gives them (`words.tick % {"household": name}` escapes the name). A dict:
    the pages' environment reads `words.tick` from a dict at once (amap.lib.templating)."""
    return dict(
        collected=Markup(_("collected")), waiting=Markup(_("waiting for the network")),
        donated=Markup(_("donated")), kept=Markup(_("kept")), kept_for_household=Markup(_("kept for the household")),
        collect=Markup(_("Collected")), undo=Markup(_("Undo")), tick=Markup(_("%(household)s collected")),
        undo_tick=Markup(_("Undo the tick of %(household)s")), order=Markup(_("order")), colon=colon())


def tick_fields(data: dict[str, str]) -> dict[str, str]:
    """A tick's fields as `household` and `action`. The sheet's lines are one form, and the pressed
    line's button posts its action as its name and its household as its value (`collected=12`);
    sheets a phone kept from before, and scripts, send the two fields themselves."""
    pressed = [action for action in TICK_ACTIONS if action in data]
    if len(pressed) == 1 and "household" not in data:
        return {**data, "household": data[pressed[0]], "action": pressed[0]}
    return data


def wants_fragment(request: Request) -> bool:
    return (request.headers.get("hx-request") == "true" and not request.headers.get("hx-boosted")
            and not request.headers.get("hx-history-restore-request"))


@get("/distributions/sheet-worker.js", name="sheet_worker", include_in_schema=False)
async def sheet_worker() -> Response[bytes]:
    """The service worker that keeps sheets for offline use. Served under /distributions/ so that
    its scope covers the sheets (a script under /static/ could only control /static/)."""
    return Response(WORKER.read_bytes(), media_type="text/javascript",
                    headers={"Service-Worker-Allowed": "/distributions/", "Cache-Control": "no-cache"})


class SheetController(Controller):
    path = "/distributions"
    guards = [requires_coordinator]

    async def _distribution(self, request: Request, distribution_id: int) -> dict:
        distribution = await _DISTRIBUTION(distribution=distribution_id)
        ensure(distribution is not None and current(request).coordinates(distribution["group"]))
        return distribution

    def _context(self, distribution: dict, sheet: Sheet, *, q: str = "", close_form: Form | None = None) -> dict:
        wanted = folded(q.strip())
        return {"distribution": distribution, "sheet": sheet, "counts": sheet.counts, "q": q, "oob": False,
                "lines": [line for line in sheet.lines if wanted in line.search],
                "close_form": close_form or Form(), "words": sheet_words(), "printed": False, "fate_collected": None}

    @get("/sheet", name="current_sheet")
    async def current_sheet(self, request: Request, group: FromQuery[str | None] = None) -> Redirect:
        """Today's sheet, else the last one, else the next one: the link a volunteer bookmarks."""
        chosen, _groups = await chosen_group(current(request), group)
        today = local_today(chosen["timezone"])
        mine = (Distribution.group == chosen["id"]) & (Distribution.status == "planned")
        found = await Distribution.select(Distribution.id).where(mine & (Distribution.held_on <= today)).order_by(
            Distribution.held_on, ascending=False).first() or await Distribution.select(Distribution.id).where(
            mine).order_by(Distribution.held_on).first()
        ensure(found is not None)
        return see_other(f"/distributions/{found['id']}/sheet")

    @get("/{distribution_id:int}/sheet", name="sheet")
    async def show(self, request: Request, distribution_id: FromPath[int], q: FromQuery[str] = "") -> Template:
        distribution = await self._distribution(request, distribution_id)
        sheet = await read_sheet(distribution)
        return page(request, TEMPLATE, **self._context(distribution, sheet, q=q))

    @post("/{distribution_id:int}/sheet/ticks")
    async def tick(self, request: Request, distribution_id: FromPath[int]) -> Template | Redirect:
        """A tick ("collected") or its undoing ("undone"). The client's event id makes it idempotent:
        an offline phone may send the same tick twice, it is recorded once."""
        distribution = await self._distribution(request, distribution_id)
        form = Form(tick_fields(await form_data(request)))
        household_id = form.integer("household", minimum=1, maximum=2**31 - 1)
        action = form.choice("action", TICK_ACTIONS)
        event_id = form.get("client_event_id") or str(uuid4())  # a form posted without JavaScript
        if not EVENT_ID.match(event_id):
            form.error("client_event_id", _("This tick's identifier is not valid."))
        if not form.ok:
            raise ValidationException(detail="; ".join(form.errors.values()))
        sheet = await read_sheet(distribution)
        line = sheet.line(household_id)
        ensure(line is not None and line.expected)
        uncollected_before = {waiting.household_id for waiting in sheet.uncollected}
        if await record(distribution_id, household_id, action, event_id, current(request).id):
            line.state = "open" if action == "undone" else "collected"
        q = form.get("q")
        if not wants_fragment(request):
            search = f"?{urlencode({'q': q})}" if q else ""
            return see_other(f"/distributions/{distribution_id}/sheet{search}#line-{household_id}")
        context = {**self._context(distribution, sheet, q=q), "lines": [line], "oob": True}
        # Early in the day the closing lists nearly every household (100 KB on a large sheet): a household
        # that collects only leaves it, and the answer says just that; an undo rewrites the closing.
        uncollected = {waiting.household_id for waiting in sheet.uncollected}
        if distribution["closed_at"] is None and uncollected and uncollected == uncollected_before - {household_id}:
            blocks = ["sheet_line", "sheet_counts", "closing_summary", "closing_fate_collected"]
            context["fate_collected"] = household_id if household_id in uncollected_before else None
        else:
            blocks = ["sheet_line", "sheet_counts", "sheet_closing"]
        return HTMXBlockTemplate(template_name=TEMPLATE, block_names=blocks, context=context,
                                 headers={"Vary": "HX-Request"})

    @post("/{distribution_id:int}/sheet/close")
    async def close_sheet(self, request: Request, distribution_id: FromPath[int]) -> Template | Redirect:
        distribution = await self._distribution(request, distribution_id)
        if distribution["closed_at"] is not None:
            notice(request, _("This sheet is already closed."), "error")
            return see_other(f"/distributions/{distribution_id}/sheet")
        sheet = await read_sheet(distribution)
        form = Form(await form_data(request))
        fates = {}
        for line in sheet.uncollected:
            fates[line.household_id] = form.choice(f"fate-{line.household_id}", FATES)
            if f"fate-{line.household_id}" in form.errors:
                form.errors[f"fate-{line.household_id}"] = _("Choose whether the share of %(household)s is donated or "
                                                             "kept.", household=line.name)
        if not form.ok:
            return page(request, TEMPLATE, status_code=400, **self._context(distribution, sheet, close_form=form))
        if await close(distribution_id, fates, current(request).id):
            notice(request, _("The sheet is closed."))
        else:
            notice(request, _("This sheet is already closed."), "error")
        return see_other(f"/distributions/{distribution_id}/sheet")
