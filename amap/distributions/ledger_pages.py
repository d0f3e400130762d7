"""The ledger on the pages: a subscription's section on `/subscriptions/{id}`, and `/offers/{id}/ledger`,
the same figures per contract for the farm and the committee, where the committee records the
compensations it decides (nothing is refunded or charged silently)."""

from __future__ import annotations

import logging
from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.accounts.search import household_matches
from amap.audit import log as audit
from amap.contracts.access import managed_offer
from amap.contracts.lifecycle import TIER_LABELS
from amap.contracts.tables import Offer, Subscription
from amap.distributions.ledger import STATUSES, load_ledger, subscription_ledger
from amap.distributions.season import HOLDING_STATUSES, OUTCOMES, DeliveryRecord
from amap.distributions.tables import LedgerEntry
from amap.lib import pagination
from amap.lib.access import current, ensure, requires_login
from amap.lib.dates import format_date, local_today
from amap.lib.db import write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language
from amap.lib.money import format_cents
from amap.lib.numbers import decimal_text
from amap.lib.web import form_data, notice, page, see_other

log = logging.getLogger(__name__)

MAX_COMPENSATION_CENTS = 1_000_000  # 10,000 euros: anything above is a typing slip


async def ledger_context(subscription: dict, offer: dict, today: date, quantities: dict[date, int],
                         dates: list[date], records: list[DeliveryRecord], *, compensated: bool = True) -> dict:
    """What templates/distributions/_ledger.html needs for one subscription (its row, its units per date,
    the offer's dates and deliveries, as its page read them; `offer` with its id, nature and
    missed_delivery_rule; `compensated` False when the page knows no compensation is recorded); the
    ledger is None while the household holds no place."""
    ledger = await subscription_ledger(offer, today, subscription, quantities, dates, records,
                                       compensated=compensated)
    language = get_language()
    return {"ledger": ledger,
            # What the template would otherwise work out cell by cell on each of the ledger's lines.
            "ledger_rows": [(line, items_text(line.announced.items, language) if line.announced else "")
                            for line in ledger.lines] if ledger else [],
            # Translated once here rather than on each of the ledger's lines.
            "ledger_statuses": {status: str(label) for status, label in STATUSES.items()},
            "ledger_rule": offer["missed_delivery_rule"]}


def items_text(items: list[dict], language: str) -> str:
    """An announcement's items on one line, as the ledger shows them: "1,5 kg Carottes, 1 pièce Salade"."""
    return ", ".join(f"{decimal_text(item['quantity'], language)} {item['unit']} {item['name']}" for item in items)


def read_entry(form: Form, subscription_ids: set[int], delivery_ids: set[int]) -> dict:
    subscription = form.choice("subscription", [str(i) for i in subscription_ids])
    delivery = form.choice("delivery", [str(i) for i in delivery_ids], required=False)
    amount = form.euros("amount", minimum_cents=-MAX_COMPENSATION_CENTS)  # negative: owed by the household
    if amount is not None and amount == 0:
        form.error("amount", _("Enter an amount other than zero."))
    elif amount is not None and abs(amount) > MAX_COMPENSATION_CENTS:
        form.error("amount", _("Enter an amount of at most %(max)s.",
                               max=format_cents(MAX_COMPENSATION_CENTS, get_language())))
    note = form.text("note", max_length=1000)
    return {"subscription": int(subscription) if subscription.isdigit() else None,
            "delivery": int(delivery) if delivery.isdigit() else None, "amount_cents": amount, "note": note}


async def record_compensation(offer: dict, entry: dict, by_user: int) -> int:
    """A compensation the committee decided, with its audit event in the same transaction."""
    async with write_transaction():
        row = (await LedgerEntry.insert(LedgerEntry(recorded_by=by_user, **entry)).returning(LedgerEntry.id))[0]
        household = await Subscription.select(Subscription.household).where(
            Subscription.id == entry["subscription"]).first()
        await audit.record(group=offer["group"], kind="compensation", subject_id=row["id"], action="recorded",
                           actor=by_user, parent=("subscription", entry["subscription"]),
                           details={"amount_cents": entry["amount_cents"], "note": entry["note"],
                                    "household": household["household"], "offer_name": offer["name"]})
    return row["id"]


class OfferLedgerController(Controller):
    path = "/offers/{offer_id:int}/ledger"
    guards = [requires_login]  # who manages which offer is decided per offer: managed_offer()

    async def _offer(self, request: Request, offer_id: int) -> dict:
        await managed_offer(current(request), offer_id)
        return await Offer.select(
            Offer.all_columns(), Offer.farm.name.as_alias("farm_name"), Offer.farm.slug.as_alias("farm_slug"),
            Offer.group.name.as_alias("group_name"), Offer.group.timezone.as_alias("timezone"),
        ).where(Offer.id == offer_id).first()

    async def _render(self, request: Request, offer: dict, *, form: Form | None = None, q: str = "",
                      number: int = 1, status_code: int = 200) -> Template:
        """The contract's figures over every household; the households' table a page at a time, searched."""
        today = local_today(offer["timezone"])
        ledger = await load_ledger(offer, today)
        # The table's page is chosen in SQL (the same subscriptions `load_ledger` reads), then shown
        # from the ledger computed for all of them, whose totals the figures above need anyway.
        condition = ((Subscription.offer == offer["id"]) & Subscription.status.is_in(list(HOLDING_STATUSES))
                     & Subscription.first_delivery_on.is_not_null())
        if q:
            of_offer = Subscription.select(Subscription.household).where(Subscription.offer == offer["id"])
            condition &= household_matches(Subscription.household, q, of_offer)
        pages = pagination.pager(request, number, await Subscription.count().where(condition), keep={"q": q},
                                 path=f"/offers/{offer['id']}/ledger")
        shown = [row["id"] for row in await Subscription.select(Subscription.id).where(condition).order_by(
            Subscription.household.name).order_by(Subscription.id).limit(pages.size).offset(pages.offset)]
        by_id = {item.subscription["id"]: item for item in ledger.subscriptions}
        return page(request, "distributions/ledger.html", block=pagination.list_block(
            request, "ledger-households", "ledger_households"), status_code=status_code, offer=offer, ledger=ledger,
                    households=[by_id[i] for i in shown if i in by_id], pager=pages, q=q,
                    chart=ledger.chart(), today=today, statuses=STATUSES, outcomes=OUTCOMES, tiers=TIER_LABELS,
                    may_compensate=current(request).coordinates(offer["group"]), form=form or Form(),
                    subscription_options=[
                        (str(item.subscription["id"]), f"{item.subscription['household_name']} · "
                                                       f"{item.subscription['share_name']}")
                        for item in ledger.subscriptions],
                    delivery_options=[(str(row.delivery_id), format_date(row.held_on, get_language(), "medium"))
                                      for row in ledger.days if row.delivery_id is not None],
                    entries=sorted((entry | {"household_name": item.subscription["household_name"]}
                                    for item in ledger.subscriptions for entry in item.entries),
                                   key=lambda entry: (entry["recorded_at"], entry["id"])))

    @get("", name="offer_ledger")
    async def show(self, request: Request, offer_id: FromPath[int], q: FromQuery[str] = "",
                   page_number: pagination.PageQuery = None) -> Template:
        """?q= finds households by name or e-mail; the table shows 50 of them a page (?page=)."""
        q, number = pagination.search_term(q), pagination.page_number(page_number)
        return await self._render(request, await self._offer(request, offer_id), q=q, number=number)

    @post("/entries")
    async def compensate(self, request: Request, offer_id: FromPath[int]) -> Template | Redirect:
        """The committee records a compensation it decided: owed to the household (positive) or by it."""
        principal = current(request)
        offer = await self._offer(request, offer_id)
        ensure(principal.coordinates(offer["group"]))
        ledger = await load_ledger(offer, local_today(offer["timezone"]))
        form = Form(await form_data(request))
        entry = read_entry(form, {item.subscription["id"] for item in ledger.subscriptions},
                           {row.delivery_id for row in ledger.days if row.delivery_id is not None})
        if not form.ok:
            return await self._render(request, offer, form=form, status_code=400)
        await record_compensation(offer, entry, principal.id)
        log.info("ledger entry for subscription %s: %s cents recorded by user %s", entry["subscription"],
                 entry["amount_cents"], principal.id)
        notice(request, _("The compensation is recorded in the household's ledger."))
        return see_other(f"/offers/{offer_id}/ledger#compensations")
