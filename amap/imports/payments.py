"""Importing the payments already received for the contracts of a running season.

Each payment is recorded through `payments.services.record_payment`, as the treasurer's page
does, by the coordinator who imports. A payment already recorded (the same cheque, or the same
amount, day and method for the same contract) is a problem: importing a file twice records
nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from amap.contracts.tables import Subscription
from amap.imports import lookups
from amap.imports.lookups import CONTRACT, EMAIL, SHARE, Offers
from amap.imports.reading import Column, Row, example_date, fold, labelled
from amap.imports.runner import Context, Importer, RowRefused, attempt, duplicates
from amap.lib.dates import local_today
from amap.lib.forms import Form
from amap.lib.i18n import _, _l, get_language
from amap.lib.money import format_cents, parse_euros
from amap.lib.numbers import decimal_text
from amap.payments import services
from amap.payments.services import LISTED, METHOD_NAMES
from amap.payments.tables import Payment

AMOUNT = Column("amount", _l("Amount"), ("montant", "somme", "amount eur", "montant eur", "euros"), required=True)
RECEIVED_ON = Column("received_on", _l("Received on"), (
    "received", "date received", "payment date", "date", "reçu le", "date de réception", "date du paiement",
    "date de paiement", "date de règlement"), required=True)
METHOD = Column("method", _l("Method"), ("payment method", "mode", "mode de paiement", "moyen de paiement",
                                         "mode de règlement", "règlement", "type"), required=True)
CHEQUE_NUMBER = Column("cheque_number", _l("Cheque number"), (
    "check number", "cheque no", "chèque", "numéro de chèque", "numéro du chèque", "n° chèque", "no chèque",
    "num chèque"))
BANK = Column("bank", _l("Bank"), ("banque", "bank name", "nom de la banque"))
NOTE = Column("note", _l("Note"), ("comment", "comments", "commentaire", "remarque", "remarques"), in_example=False)
COLUMNS = (EMAIL, CONTRACT, SHARE, AMOUNT, RECEIVED_ON, METHOD, CHEQUE_NUMBER, BANK, NOTE)
METHOD_WORDS = {"check": "cheque", "chq": "cheque", "cb": "transfer", "bank transfer": "transfer", "vir": "transfer",
                "virement bancaire": "transfer", "espèces": "cash", "liquide": "cash", "liquid": "cash"}
MAX_AMOUNT_CENTS = 10_000_000  # 100,000 euros: anything above is a typing slip, as on the treasurer's page


@dataclass
class Received:
    row: Row
    subscription_id: int
    amount_cents: int
    method: str
    received_on: date
    cheque_number: str
    bank: str
    note: str

    def key(self) -> tuple:
        if self.method == "cheque":
            return (self.subscription_id, "cheque", fold(self.cheque_number), fold(self.bank))
        return (self.subscription_id, self.method, self.amount_cents, self.received_on)


async def apply(context: Context, rows: list[Row]) -> dict[str, int]:
    readable = [row for row in rows if row.readable]
    emails = {row.line: lookups.read_email(row) for row in readable}
    adults = await lookups.adults(list(emails.values()))
    offers = await Offers.of_group(context.group["id"])
    methods = lookups.choices(METHOD_NAMES, METHOD_WORDS)
    payments = []
    for row in readable:
        payment = await read(context, row, adults.get(emails[row.line]), offers, methods)
        if payment is not None and not row.problems:
            payments.append(payment)
    keys = {payment.row.line: payment.key() for payment in payments}
    duplicates(readable, lambda row: keys.get(row.line),
               lambda first: _("The same payment as line %(line)s.", line=first.line))
    counts = {"payments": 0, "amount_cents": 0}
    for payment in payments:
        if payment.row.problems:
            continue
        if await attempt(payment.row, lambda payment=payment: record(context, payment)) is not None:
            counts["payments"] += 1
            counts["amount_cents"] += payment.amount_cents
    return counts


async def read(context: Context, row: Row, adult: dict | None, offers: Offers,
               methods: dict[str, str]) -> Received | None:
    """The row as a payment, each value checked as the treasurer's form checks it."""
    if adult is None and not row.problems:  # (a problem so far is the address's own)
        row.problem(EMAIL, _("No account uses this address."))
    elif adult is not None and adult["household"] is None:
        row.problem(EMAIL, _("This person belongs to no household."))
        adult = None
    offer = offers.find(row)
    subscription_id = await find_subscription(row, adult, offer) if adult and offer else None
    amount = read_amount(row)
    received_on = lookups.read_date(row, RECEIVED_ON, context.today)
    method = methods.get(fold(row.get(METHOD.key)))
    if method is None:
        row.problem(METHOD, _("Write one of %(names)s.", names=", ".join(f"“{name}”" for name in METHOD_NAMES.values())))
    form = Form(row.values)
    cheque_number = form.text(CHEQUE_NUMBER.key, required=False, max_length=40) if method == "cheque" else ""
    bank = form.text(BANK.key, required=False, max_length=80) if method == "cheque" else ""
    note = form.text(NOTE.key, required=False, max_length=500)
    for column in (CHEQUE_NUMBER, BANK, NOTE):
        if column.key in form.errors:
            row.problem(column, form.errors[column.key])
    if method == "cheque" and not cheque_number and CHEQUE_NUMBER.key not in form.errors:
        row.problem(CHEQUE_NUMBER, _("Enter the cheque's number."))
    if method == "cheque" and not bank and BANK.key not in form.errors:
        row.problem(BANK, _("Enter the cheque's bank."))
    if row.problems or subscription_id is None or amount is None or method is None or received_on is None:
        return None
    return Received(row=row, subscription_id=subscription_id, amount_cents=amount, method=method,
                    received_on=received_on, cheque_number=cheque_number, bank=bank, note=note)


def read_amount(row: Row) -> int | None:
    """Euros as typed in a spreadsheet: 45, 45,50, 45.50 or 45,50 €; above zero."""
    text = row.get(AMOUNT.key)
    if not text:
        row.problem(AMOUNT, _("Enter the amount received."))
        return None
    try:
        cents = parse_euros(text)
    except ValueError:
        row.problem(AMOUNT, _("Enter an amount in euros, like 20 or 12,50."))
        return None
    if cents <= 0:
        row.problem(AMOUNT, _("Enter an amount above zero. Correct a payment recorded by mistake on the "
                              "contract's payments page."))
        return None
    if cents > MAX_AMOUNT_CENTS:
        row.problem(AMOUNT, _("Enter an amount of at most %(max)s.", max=format_cents(MAX_AMOUNT_CENTS, get_language())))
        return None
    return cents


async def find_subscription(row: Row, adult: dict, offer: dict) -> int | None:
    """The household's signed contract (alone, or shared with another household); the share tells
    two of them apart."""
    household = adult["household"]
    found = await Subscription.select(
        Subscription.id, Subscription.offer_share.share_type.name.as_alias("share_name"),
    ).where((Subscription.offer == offer["id"]) & Subscription.status.is_in(list(LISTED))
            & ((Subscription.household == household) | (Subscription.co_household == household))
            ).order_by(Subscription.id)
    if row.get(SHARE.key):
        found = [sub for sub in found if fold(sub["share_name"]) == fold(row.get(SHARE.key))]
    if len(found) == 1:
        return found[0]["id"]
    if not found:
        share = f" ({row.get(SHARE.key)[:80]})" if row.get(SHARE.key) else ""
        row.problem(CONTRACT, _("This person's household has no signed contract “%(name)s”%(share)s: import the "
                                "subscriptions first.", name=offer["name"], share=share))
    else:
        row.problem(SHARE, _("This household has several shares of this contract: write which one it pays for."))
    return None


async def record(context: Context, payment: Received) -> int:
    if payment.method == "cheque":
        already = await services.cheque_recorded(payment.subscription_id, payment.cheque_number, payment.bank)
    else:
        already = await Payment.exists().where(
            (Payment.subscription == payment.subscription_id) & (Payment.method == payment.method)
            & (Payment.amount_cents == payment.amount_cents) & (Payment.received_on == payment.received_on))
    if already:
        raise RowRefused(labelled(None, _("This payment is already recorded.")))
    return await services.record_payment(
        subscription_id=payment.subscription_id, amount_cents=payment.amount_cents, method=payment.method,
        received_on=payment.received_on, recorded_by=context.by_user, cheque_number=payment.cheque_number,
        bank=payment.bank, note=payment.note)


async def examples(group: dict) -> list[dict[str, str]]:
    offers = await Offers.of_group(group["id"])
    contract = next((offer["name"] for offer in offers.by_id.values() if offer["status"] == "open"), "Légumes 2027")
    today = local_today(group["timezone"])
    day = example_date(today)
    return [
        {"email": "helene.cote@example.org", "contract": contract, "amount": decimal_text("88.40"), "received_on": day, "method": str(METHOD_NAMES["cheque"]), "cheque_number": "1234567",
         "bank": "Crédit Agricole"},
        {"email": "jeanne.martin@example.org", "contract": contract, "amount": "442", "received_on": day,
         "method": str(METHOD_NAMES["transfer"])},
    ]


IMPORTER = Importer(code="payments", columns=COLUMNS, apply=apply, examples=examples)
