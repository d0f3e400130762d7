"""`/deliveries/{id}/announcement`: one delivery for the farm and those who manage its offer — what
each share holds (with the harvest-first helper and photos), then how the delivery ended."""

from __future__ import annotations

import re
from decimal import Decimal

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.distributions import announcements, outcomes
from amap.distributions.announcements import AnnouncementError, Section
from amap.distributions.season import OUTCOMES, clean_items
from amap.distributions.split import Split, format_quantity
from amap.distributions.uploads import PhotoError, read_photo
from amap.lib.access import current, ensure, requires_login
from amap.lib.dates import local_today
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.money import parse_euros
from amap.lib.numbers import decimal_text
from amap.lib.web import form_data, notice, page, see_other

TEMPLATE = "distributions/announcement.html"
EMPTY_ROWS = 8  # blank item lines under the saved ones: room to add without JavaScript
FIELDS = ("name", "quantity", "unit", "price")


def localised(number: object) -> str:
    """A decimal as the reader writes it: 1,5 in French, Spanish or Portuguese, 1.5 in English."""
    return decimal_text(number)


def euros_text(cents: int) -> str:
    return localised(f"{cents // 100}.{cents % 100:02d}")


def field(share_id: int, name: str, index: int | None = None) -> str:
    """The form field (and element id) of one share type's input."""
    return f"s{share_id}-{name}" if index is None else f"s{share_id}-{name}-{index}"


def saved_form(shares: list[dict], saved: dict[int, dict]) -> Form:
    """The form filled with what is saved."""
    values: dict[str, str] = {}
    for share in shares:
        row = saved.get(share["id"])
        if row is None:
            continue
        values[field(share["id"], "note")] = row["note"]
        for index, entry in enumerate(clean_items(row["items"])):
            values[field(share["id"], "name", index)] = entry["name"]
            values[field(share["id"], "quantity", index)] = localised(entry["quantity"])
            values[field(share["id"], "unit", index)] = entry["unit"]
            price = entry.get("unit_price_cents")
            values[field(share["id"], "price", index)] = "" if price is None else euros_text(price)
    return Form(values)


def filled_rows(form: Form, share_id: int) -> list[int]:
    """Indexes of the item lines with anything typed in them."""
    pattern = re.compile(rf"s{share_id}-(?:name|quantity|unit|price)-(\d{{1,3}})")
    return sorted({int(match.group(1)) for key in form.values if (match := pattern.fullmatch(key)) and form.get(key)})


def read_sections(form: Form, shares: list[dict]) -> list[Section]:
    """Each share type's items and note as typed; a message next to each wrong field."""
    sections = []
    for share in shares:
        sid, items = share["id"], []
        for index in filled_rows(form, sid):
            name, quantity_text, unit, price_text = (form.get(field(sid, f, index)) for f in FIELDS)
            row_ok = True
            if not name or len(name) > 100:
                form.error(field(sid, "name", index), _("Name the item, in at most 100 characters."))
                row_ok = False
            quantity = None
            try:
                quantity = announcements.quantity_of(quantity_text) if quantity_text else None
            except ValueError as error:
                form.error(field(sid, "quantity", index), str(error))
            if quantity is None:
                form.error(field(sid, "quantity", index), _("Enter a quantity like 1,5."))
                row_ok = False
            if len(unit) > 20:
                form.error(field(sid, "unit", index), _("At most %(max)s characters.", max=20))
                row_ok = False
            price = None
            if price_text:
                try:
                    price = parse_euros(price_text)
                except ValueError:
                    price = -1
                if not 0 <= price <= announcements.MAX_UNIT_PRICE_CENTS:
                    form.error(field(sid, "price", index), _("Enter a unit price in euros, like 2,40, up to 1 000."))
                    row_ok = False
            if row_ok and quantity is not None:
                items.append(announcements.item(name, quantity, unit, price))
        if len(items) > announcements.MAX_ITEMS:
            form.error(field(sid, "name", 0), _("At most %(max)s items per share.", max=announcements.MAX_ITEMS))
        note = form.text(field(sid, "note"), required=False, max_length=announcements.MAX_NOTE)
        sections.append(Section(offer_share=sid, items=items, note=note,
                                remove_photo=form.checkbox(field(sid, "remove-photo"))))
    return sections


def fill_proposal(form: Form, shares: list[dict], name: str, unit: str, split: Split) -> None:
    """Put the proposed quantity in each share's line for that item (or its first empty line)."""
    for share in shares:
        quantity = split.per_share.get(share["id"], Decimal(0))
        if quantity <= 0:
            continue
        sid, taken = share["id"], filled_rows(form, share["id"])
        index = next((i for i in taken if form.get(field(sid, "name", i)).casefold() == name.casefold()), None)
        if index is None:
            index = next(i for i in range(len(taken) + 1) if i not in taken)
        for key, value in (("name", name), ("quantity", localised(format_quantity(quantity))), ("unit", unit)):
            form.values[field(sid, key, index)] = form.raw[field(sid, key, index)] = value


class DeliveryController(Controller):
    path = "/deliveries/{delivery_id:int}"
    guards = [requires_login]  # who manages which delivery is decided per offer: managed_delivery()

    async def _render(self, request: Request, delivery: dict, *, form: Form | None = None,
                      outcome_form: Form | None = None, catch_up_form: Form | None = None,
                      proposal: dict | None = None, status_code: int = 200) -> Template:
        principal = current(request)
        shares = await announcements.offer_shares(delivery["offer"])
        saved = await announcements.saved(delivery["id"])
        form = form or saved_form(shares, saved)
        root_id = outcomes.root_of(delivery)
        catch_ups = await outcomes.catch_ups(root_id)
        root = None
        if delivery["catch_up_for"]:
            root = await announcements.managed_delivery(principal, root_id)
        today = local_today(delivery["timezone"])
        return page(
            request, TEMPLATE, status_code=status_code, delivery=delivery, root=root, today=today,
            shares=shares, saved=saved, form=form, proposal=proposal,
            due=await announcements.units_due(delivery["offer"], delivery["nature"] == "variable", delivery["due_on"]),
            rows={share["id"]: range((filled_rows(form, share["id"]) or [-1])[-1] + 1 + EMPTY_ROWS) for share in shares},
            published=any(row["published_at"] for row in saved.values()),
            units=announcements.UNITS, localised=localised,
            may_record=outcomes.may_record(principal, delivery), outcome_choices=outcomes.CHOICES,
            outcome_labels=OUTCOMES, rules=outcomes.RULES, catch_ups=catch_ups,
            live_catch_up=outcomes.live_catch_up(catch_ups),
            later=await outcomes.later_distributions(delivery["group"], delivery["held_on"]),
            outcome_form=outcome_form or Form({
                "outcome": "" if delivery["outcome"] == "planned" else delivery["outcome"],
                "missing": delivery["missing"], "cause": delivery["cause"],
                "delivered_percent": str(delivery["delivered_percent"]) if delivery["outcome"] == "reduced" else ""}),
            catch_up_form=catch_up_form or Form(),
        )

    def _back(self, delivery: dict, anchor: str = "") -> Redirect:
        return see_other(f"/deliveries/{delivery['id']}/announcement{anchor}")

    @get("/announcement", name="delivery_announcement")
    async def show(self, request: Request, delivery_id: FromPath[int]) -> Template:
        return await self._render(request, await announcements.managed_delivery(current(request), delivery_id))

    @post("/announcement")
    async def save(self, request: Request, delivery_id: FromPath[int]) -> Template | Redirect:
        principal = current(request)
        delivery = await announcements.managed_delivery(principal, delivery_id)
        form = Form(await form_data(request))
        submitted = await request.form()  # the same parsed form (Litestar caches it): its photos
        shares = await announcements.offer_shares(delivery["offer"])
        action = form.get("action")
        helper = [form.get(f"harvest-{name}") for name in ("name", "quantity", "unit")]
        if action == "split" and not any(helper):
            action = "save"  # Enter pressed in an item's field submits with the form's first button
        if action == "split":
            return await self._split(request, delivery, form, shares)
        sections = read_sections(form, shares)
        for section in sections:
            upload = submitted.get(field(section.offer_share, "photo"))
            if isinstance(upload, UploadFile):
                try:
                    section.photo = await read_photo(upload)
                except PhotoError as error:
                    form.error(field(section.offer_share, "photo"), str(error))
        if form.ok:
            try:
                published = await announcements.save(
                    delivery, sections, by_user=principal.id, publish=action == "publish",
                    upload_dir=request.app.state.settings.upload_dir)
            except AnnouncementError as error:
                form.error(field(shares[0]["id"], "name", 0) if error.field == "items" else error.field, error.message)
            else:
                notice(request, _("The announcement is published: members see it on the distribution page.")
                       if published else _("The announcement is saved. Members see it once you publish it."))
                return self._back(delivery)
        return await self._render(request, delivery, form=form, status_code=400)

    async def _split(self, request: Request, delivery: dict, form: Form, shares: list[dict]) -> Template:
        name = form.text("harvest-name", max_length=100)
        unit = form.text("harvest-unit", max_length=20)
        harvest = None
        try:
            harvest = announcements.quantity_of(form.get("harvest-quantity"))
        except ValueError as error:
            form.error("harvest-quantity", str(error))
        due = await announcements.units_due(delivery["offer"], delivery["nature"] == "variable", delivery["due_on"])
        if form.ok and not due:
            form.error("harvest-quantity", _("No share is due on this day: there is nothing to split."))
        if not form.ok or harvest is None:
            return await self._render(request, delivery, form=form, status_code=400)
        split = announcements.propose(harvest, unit, shares, due)
        fill_proposal(form, shares, name, unit, split)
        def shown(quantity: Decimal) -> str:
            return localised(format_quantity(quantity))

        proposal = {"name": name, "unit": unit, "harvest": shown(harvest), "used": shown(split.used),
                    "left_over": shown(split.left_over),
                    "per_share": {sid: shown(quantity) for sid, quantity in split.per_share.items()}}
        for key in ("harvest-name", "harvest-quantity", "harvest-unit"):
            form.values[key] = form.raw[key] = ""  # the helper is ready for the next item
        return await self._render(request, delivery, form=form, proposal=proposal)

    @post("/outcome")
    async def record_outcome(self, request: Request, delivery_id: FromPath[int]) -> Template | Redirect:
        principal = current(request)
        delivery = await announcements.managed_delivery(principal, delivery_id)
        ensure(outcomes.may_record(principal, delivery))
        form = Form(await form_data(request))
        later = await outcomes.later_distributions(delivery["group"], delivery["held_on"])
        outcome = outcomes.read_outcome(form, delivery, later, local_today(delivery["timezone"]))
        if outcome is not None:
            try:
                await outcomes.record(delivery, outcome, principal.id)
            except outcomes.OutcomeError as error:
                form.error(error.field, error.message)
            else:
                notice(request, _("How the delivery ended is recorded."))
                return self._back(delivery, "#ending")
        return await self._render(request, delivery, outcome_form=form, status_code=400)

    @post("/catch-up")
    async def schedule_catch_up(self, request: Request, delivery_id: FromPath[int]) -> Template | Redirect:
        principal = current(request)
        delivery = await announcements.managed_delivery(principal, delivery_id)
        ensure(outcomes.may_record(principal, delivery) and delivery["rule"] == "catch_up")
        form = Form(await form_data(request))
        later = await outcomes.later_distributions(delivery["group"], delivery["held_on"])
        chosen = form.choice("catch_up", [str(row["id"]) for row in later])
        if form.ok:
            try:
                created = await outcomes.schedule_catch_up(delivery, int(chosen), principal.id)
            except outcomes.OutcomeError as error:
                form.error("catch_up", error.message)
            else:
                notice(request, _("The catch-up is planned. Post what it holds on its own page."))
                return see_other(f"/deliveries/{created}/announcement")
        return await self._render(request, delivery, catch_up_form=form, status_code=400)
