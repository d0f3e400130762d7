"""The payment pages of an offer, for those who manage it: recording what members paid the farm,
handing cheques over to the farmer, what is overdue, printable remittance slips, CSV and XLSX exports."""

from __future__ import annotations

from datetime import date

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from amap.accounts.search import household_matches
from amap.contracts.access import can_manage_offer
from amap.contracts.lifecycle import TIER_LABELS
from amap.contracts.tables import Offer, Subscription
from amap.exports.sheet import Sheet
from amap.exports.writers import download, filename
from amap.lib import pagination
from amap.lib.access import current, ensure, requires_login
from amap.lib.dates import local_today
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language
from amap.lib.money import format_cents
from amap.lib.prepared import prepared
from amap.lib.web import form_data, notice, page, see_other
from amap.payments import exports, listing, services
from amap.payments.tables import Remittance

MAX_AMOUNT_CENTS = 10_000_000  # 100,000 euros: anything above is a typing slip
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: anything above names nothing
HISTORY_LENGTH = 20
CHEQUES_LISTED = 50  # the oldest cheques with the committee; all of them go with "hand over all"
TEMPLATE = "payments/offer.html"


def searched(offer_id: int, q: str):
    """The offer's listed subscriptions of households whose name, or an adult's name or e-mail, holds
    the search (either household of a shared contract)."""
    condition = listing.offer_subscriptions(offer_id)
    if q:
        of_offer = Subscription.offer == offer_id
        condition &= (household_matches(Subscription.household, q, Subscription.select(Subscription.household).where(
            of_offer)) | household_matches(Subscription.co_household, q, Subscription.select(
                Subscription.co_household).where(of_offer & Subscription.co_household.is_not_null())))
    return condition


def wants_fragment(request: Request) -> bool:
    """An htmx request that swaps part of the page (not boosted, not a history restore)."""
    return (request.headers.get("hx-request") == "true" and not request.headers.get("hx-boosted")
            and not request.headers.get("hx-history-restore-request"))


_MANAGED = prepared(lambda offer: Offer.select(
    Offer.all_columns(), Offer.farm.name.as_alias("farm_name"), Offer.group.name.as_alias("group_name"),
    Offer.group.timezone.as_alias("timezone"),
).where(Offer.id == offer).first())


async def managed(request: Request, offer_id: int) -> dict:
    """The offer with its farm's and group's names and the group's timezone; 404 unless managed
    (read once: `managed_offer()` would read the offer a first time to check)."""
    offer = await _MANAGED(offer=offer_id)
    ensure(offer is not None and await can_manage_offer(current(request), offer))
    return offer


async def offer_download(request: Request, offer: dict, kind: str, sheet: Sheet) -> Response[bytes]:
    """The sheet in the format the path ends with: `legumes-2027-payments.csv` or `.xlsx`."""
    extension = request.url.path.rsplit(".", 1)[-1]
    return await download(sheet, extension, filename(offer["name"], kind, extension))


def chosen_id(form: Form) -> int | None:
    """The subscription the form names, if its value can be an id at all."""
    value = form.get("subscription")
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID else None


def read_payment(form: Form, subscription_ids: set[int], today: date) -> dict:
    """The payment as typed, checked field by field in the order of the form."""
    subscription = chosen_id(form)
    if subscription not in subscription_ids:
        form.error("subscription", _("Choose the household that paid."))
    amount = form.correction_amount("amount", maximum_cents=MAX_AMOUNT_CENTS)
    method = form.choice("method", services.METHODS)
    cheque_number = bank = ""
    if method == "cheque":
        cheque_number = form.text("cheque_number", required=False, max_length=40)
        bank = form.text("bank", required=False, max_length=80)
        if not cheque_number:
            form.error("cheque_number", _("Enter the cheque's number."))
        if not bank:
            form.error("bank", _("Enter the cheque's bank."))
    received_on = form.date("received_on")
    if received_on is not None and received_on > today:
        form.error("received_on", _("Enter a date that is not in the future."))
    note = form.text("note", required=False, max_length=500)
    if amount is not None and amount < 0 and not note:
        form.error("note", _("A negative amount corrects an earlier payment: say why in the note."))
    return {"subscription_id": subscription or 0, "amount_cents": amount,
            "method": method, "cheque_number": cheque_number, "bank": bank, "received_on": received_on,
            "note": note}


def fresh_form(today: date, *, after: Form | None = None, subscription: int | None = None) -> Form:
    """An empty payment form; after a payment the method and the date stay, for the next one of a pile."""
    values = {"method": "cheque", "received_on": today.isoformat()}
    if after is not None:
        values = {"method": after.get("method") or "cheque", "received_on": after.get("received_on")}
    if subscription is not None:
        values["subscription"] = str(subscription)
    return Form(values)


class OfferPaymentsController(Controller):
    path = "/offers/{offer_id:int}"
    guards = [requires_login]

    async def _context(self, request: Request, offer: dict, today: date, *, q: str = "", overdue: bool = False,
                       number: int = 1, form: Form | None = None, focus: str | None = None,
                       rows_shown: list[int] | None = None, chosen: dict | None = None,
                       table_or_form: bool = False) -> dict:
        """Everything the page shows; every fragment is rendered from the same context. The table
        shows one page of the search; the figures above it are the whole offer's, its totals the search's.
        The payment form offers the households of the rows on screen, and the one it names (`chosen`,
        else read) when that one is not among them: a row's "record" link, or a search, reaches any other.
        With `table_or_form` (htmx asks for one of those blocks alone: a page turned, a search, a row's
        "record" link) the figures, the cheques and the history are not read: neither block shows them."""
        form = form or fresh_form(today)
        condition = searched(offer["id"], q)
        if rows_shown is not None:
            rows = await listing.subscription_rows(listing.offer_subscriptions(offer["id"]) & Subscription.id.is_in(
                rows_shown or [-1]), today)
            found = await listing.summary(condition, today, overdue=overdue)
        else:  # the page and the summary of the search, in one reading
            rows, found = await listing.subscription_page(condition, today, overdue=overdue, limit=pagination.PAGE_SIZE,
                                                          offset=pagination.page_offset(number))
        choices = list(rows)
        wanted = chosen_id(form)
        if wanted is not None and wanted not in {row["id"] for row in rows}:
            if chosen is None or chosen["id"] != wanted:
                chosen = await services.subscription_choice(offer["id"], wanted)
            if chosen is not None:
                choices.insert(0, chosen)
        pages = pagination.pager(request, number, found.count, keep={"q": q, "overdue": overdue},
                                 path=f"/offers/{offer['id']}/payments")
        methods = [(key, str(label)) for key, label in services.METHOD_NAMES.items()]  # translated once
        context = {
            "offer": offer, "today": today, "q": q, "overdue": overdue, "oob": False, "status_message": "",
            "rows": rows, "pager": pages, "choices": choices, "choices_oob": False, "shown_totals": found.totals,
            "form": form, "focus": focus, "methods": methods,
            "tiers": {key: str(label) for key, label in TIER_LABELS.items()},
        }
        if table_or_form:
            return context
        whole = await listing.summary(listing.offer_subscriptions(offer["id"]), today) if q or overdue else found
        history, cheques_held = await services.latest_payments(offer["id"], limit=HISTORY_LENGTH)
        return {**context, "figures": whole.totals, "overdue_count": whole.overdue_count,
                "cheques_held": cheques_held, "history": history, "method_names": dict(methods)}

    @get("/payments", name="offer_payments")
    async def show(self, request: Request, offer_id: FromPath[int], q: FromQuery[str] = "",
                   overdue: FromQuery[bool] = False, subscription: FromQuery[int | None] = None,
                   page_number: pagination.PageQuery = None) -> Template:
        """The offer's subscriptions, 50 a page, searched by household and filtered to those overdue."""
        offer = await managed(request, offer_id)
        today = local_today(offer["timezone"])
        # The row's "record" link asks for the form only; the search box and the pages for the table only,
        # and the form's households then follow the rows on screen.
        target = request.headers.get("hx-target")
        block = {"payment-form": "payment_form", "subscription-table": "subscription_table"}.get(target or "")
        fragment = block is not None and wants_fragment(request)
        context = await self._context(request, offer, today, q=pagination.search_term(q), overdue=overdue,
                                      number=pagination.page_number(page_number),
                                      form=fresh_form(today, subscription=subscription),
                                      focus="amount" if subscription else None, table_or_form=fragment)
        context["choices_oob"] = block == "subscription_table" and fragment
        return page(request, TEMPLATE, block=block, **context)

    @post("/payments")
    async def record(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        offer = await managed(request, offer_id)
        today = local_today(offer["timezone"])
        form = Form(await form_data(request))
        # The search and page in force (htmx includes them), so the rows on screen stay the same.
        q, overdue = pagination.search_term(form.get("q")), form.get("overdue") == "1"
        number = pagination.page_number(form.get("page") or "1")
        wanted = chosen_id(form)
        chosen = await services.subscription_choice(offer_id, wanted) if wanted is not None else None
        payment = read_payment(form, {chosen["id"]} if chosen else set(), today)
        if form.ok and payment["method"] == "cheque" and payment["amount_cents"] > 0 and await services.cheque_recorded(
                payment["subscription_id"], payment["cheque_number"], payment["bank"]):
            form.error("cheque_number", _("This cheque is already recorded for this household."))
        on_screen = []
        if wants_fragment(request):
            # The rows on screen stay the same ones (a row leaving the overdue list under the
            # treasurer's eyes would be confusing); the changed row and the totals are refreshed,
            # and the form offers the households of these rows again.
            condition, size = searched(offer_id, q), pagination.PAGE_SIZE
            on_screen = [row["id"] for row in await listing.subscription_rows(
                condition, today, overdue=overdue, limit=size, offset=(number - 1) * size)]
        if not form.ok:
            focus = next(iter(form.errors))
            if wants_fragment(request):
                # 200: htmx 2 does not swap 4xx answers; the form comes back with its messages.
                context = await self._context(request, offer, today, q=q, overdue=overdue, form=form, focus=focus,
                                              rows_shown=on_screen, chosen=chosen)
                return HTMXBlockTemplate(template_name=TEMPLATE, block_names=["payment_form", "status"],
                                         context={**context, "oob": True}, headers={"Vary": "HX-Request"})
            context = await self._context(request, offer, today, q=q, overdue=overdue, form=form, focus=focus,
                                          chosen=chosen)
            return page(request, TEMPLATE, status_code=400, **context)
        await services.record_payment(**payment, recorded_by=current(request).id)
        household = chosen["household_name"]
        message = _("Payment recorded: %(amount)s from %(household)s.",
                    amount=format_cents(payment["amount_cents"], get_language()), household=household)
        if not wants_fragment(request):
            notice(request, message)
            return see_other(f"/offers/{offer_id}/payments")
        context = await self._context(request, offer, today, q=q, overdue=overdue, form=fresh_form(today, after=form),
                                      focus="subscription", rows_shown=on_screen)
        blocks = ["payment_form", "status", "figures", "table_totals", "cheques", "history"]
        changed = [row for row in context["rows"] if row["id"] == payment["subscription_id"]]
        if changed:
            blocks.append("subscription_rows")
        return HTMXBlockTemplate(template_name=TEMPLATE, block_names=blocks,
                                 context={**context, "oob": True, "rows": changed, "status_message": message},
                                 headers={"Vary": "HX-Request"})

    async def _remittances(self, request: Request, offer: dict, today: date, *, form: Form | None = None,
                           checked: list[int] | None = None, status_code: int = 200) -> Template:
        """The cheques still with the committee (the oldest first, ticked) and those already handed over."""
        cheques = await services.unremitted_cheques(offer["id"], limit=CHEQUES_LISTED)
        return page(request, "payments/remittances.html", status_code=status_code, offer=offer,
                    remit_form=form or Form({"handed_over_on": today.isoformat()}), cheques=cheques,
                    checked=[c["id"] for c in cheques] if checked is None else checked,
                    cheques_held=await services.unremitted_summary(offer["id"]),
                    remittances=await services.remittances_of(offer["id"]))

    @get("/remittances", name="offer_remittances")
    async def remittances(self, request: Request, offer_id: FromPath[int]) -> Template:
        offer = await managed(request, offer_id)
        return await self._remittances(request, offer, local_today(offer["timezone"]))

    @post("/remittances")
    async def remit(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        offer = await managed(request, offer_id)
        today = local_today(offer["timezone"])
        form = Form(await form_data(request))
        chosen = [int(value) for value in (await request.form()).getall("payment", [])
                  if value.isdigit() and len(value) < 10]
        if form.get("scope") == "all":  # every cheque still with the committee, listed or not
            chosen = [cheque["id"] for cheque in await services.unremitted_cheques(offer_id)]
        handed_over_on = form.date("handed_over_on")
        if handed_over_on is not None and handed_over_on > today:
            form.error("handed_over_on", _("Enter a date that is not in the future."))
        if not chosen:
            form.error("payment", _("Choose the cheques handed over to the farmer."))
        remittance = None
        if form.ok and handed_over_on is not None:
            try:
                remittance = await services.remit(offer=offer, payment_ids=chosen, handed_over_on=handed_over_on,
                                                  by_user=current(request).id)
            except services.RemittanceError:
                form.error("payment", _("These cheques were handed over already."))
        if remittance is None:
            return await self._remittances(request, offer, today, form=form, checked=chosen, status_code=400)
        notice(request, _("The cheques are handed over to the farmer. Print this slip for them."))
        return see_other(f"/remittances/{remittance}")

    @get(["/exports/subscriptions.csv", "/exports/subscriptions.xlsx"], name="export_subscriptions")
    async def export_subscriptions(self, request: Request, offer_id: FromPath[int]) -> Response[bytes]:
        offer = await managed(request, offer_id)
        rows = await services.subscription_rows(offer_id, local_today(offer["timezone"]))
        sheet = exports.subscriptions_sheet(rows, offer["timezone"])
        return await offer_download(request, offer, "subscriptions", sheet)

    @get(["/exports/payments.csv", "/exports/payments.xlsx"], name="export_payments")
    async def export_payments(self, request: Request, offer_id: FromPath[int]) -> Response[bytes]:
        offer = await managed(request, offer_id)
        payments = list(reversed(await services.payments_of(offer_id)))  # oldest first, as in a ledger
        sheet = exports.payments_sheet(payments, offer["timezone"])
        return await offer_download(request, offer, "payments", sheet)


class RemittanceController(Controller):
    path = "/remittances"
    guards = [requires_login]

    @get("/{remittance_id:int}", name="remittance")
    async def slip(self, request: Request, remittance_id: FromPath[int]) -> Template:
        """The printable slip that goes with the cheques: farm, date, each cheque, the total."""
        remittance = await Remittance.select(
            Remittance.all_columns(), Remittance.created_by.name.as_alias("created_by_name"),
        ).where(Remittance.id == remittance_id).first()
        ensure(remittance is not None and remittance["offer"] is not None)
        offer = await managed(request, remittance["offer"])
        cheques = await services.remittance_cheques(remittance_id)
        return page(request, "payments/remittance.html", remittance=remittance, offer=offer, cheques=cheques,
                    total_cents=sum(cheque["amount_cents"] for cheque in cheques))
