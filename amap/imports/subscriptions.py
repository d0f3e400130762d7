"""Importing the contracts already signed for a running season, one row per household and contract.

Each row is signed through `contracts.lifecycle.sign` as on the web, as of the day it was signed
on paper: the published prices, the deliveries still to come that day, the capacity and the
schedule of installments follow the same rules. A full share is a problem, not a waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass

from amap.contracts import lifecycle
from amap.contracts.lifecycle import MAX_QUANTITY, TIER_LABELS, SigningError, SignRequest
from amap.contracts.tables import OfferShare, Subscription
from amap.imports import lookups
from amap.imports.lookups import CONTRACT, EMAIL, SHARE, Offers
from amap.imports.reading import Column, Row, example_date, fold, labelled
from amap.imports.runner import Context, Importer, RowRefused, attempt, duplicates
from amap.lib.dates import local_today
from amap.lib.forms import Form
from amap.lib.i18n import _, _l

QUANTITY = Column("quantity", _l("Quantity"), ("quantité", "qty", "qté", "nombre", "number of shares",
                                               "nombre de paniers", "nombre de parts"))
TIER = Column("tier", _l("Price level"), ("tier", "price tier", "tarif", "niveau de prix", "niveau de tarif",
                                          "grille", "grille tarifaire"))
SIGNED_ON = Column("signed_on", _l("Signed on"), ("signed", "signature date", "date signed", "date of signature",
                                                  "signé le", "date de signature", "date"), required=True)
INSTALLMENTS = Column("installments", _l("Installments"), ("number of installments", "payments", "échéances",
                                                           "nombre d'échéances", "nombre de versements",
                                                           "versements", "nombre de chèques", "chèques"))
COLUMNS = (EMAIL, CONTRACT, SHARE, QUANTITY, TIER, SIGNED_ON, INSTALLMENTS)
TIER_WORDS = {"normal": "standard", "plein tarif": "standard", "tarif normal": "standard", "tarif réduit": "reduced",
              "tarif solidaire": "solidarity", "soutien": "solidarity"}
# Which column a refusal of the signing rules is about.
FIELDS = {"offer": CONTRACT, "offer_share": SHARE, "tier": TIER, "quantity": QUANTITY, "payment_plan": INSTALLMENTS}


@dataclass
class Signature:
    row: Row
    offer: dict
    share: dict
    household_id: int
    request: SignRequest


async def apply(context: Context, rows: list[Row]) -> dict[str, int]:
    readable = [row for row in rows if row.readable]
    emails = {row.line: lookups.read_email(row) for row in readable}
    adults = await lookups.adults(list(emails.values()))
    members = await lookup_members(context, adults)
    offers = await Offers.of_group(context.group["id"])
    tiers = lookups.choices(TIER_LABELS, TIER_WORDS)
    signatures = []
    for row in readable:
        signature = await read(context, row, adults.get(emails[row.line]), members, offers, tiers)
        if signature is not None and not row.problems:
            signatures.append(signature)
    keys = {signature.row.line: (signature.household_id, signature.offer["id"]) for signature in signatures}
    duplicates(readable, lambda row: keys.get(row.line),
               lambda first: _("Same household and contract as line %(line)s.", line=first.line))
    counts = {"subscriptions": 0, "total_cents": 0}
    for signature in signatures:
        if signature.row.problems:
            continue
        signed = await attempt(signature.row, lambda signature=signature: sign(signature))
        if signed is not None:
            counts["subscriptions"] += 1
            counts["total_cents"] += signed["total_cents"]
    return counts


async def lookup_members(context: Context, adults: dict[str, dict]) -> set[int]:
    households = [adult["household"] for adult in adults.values() if adult["household"] is not None]
    return await lookups.member_households(context.group["id"], households)


async def read(context: Context, row: Row, adult: dict | None, members: set[int], offers: Offers,
               tiers: dict[str, str]) -> Signature | None:
    """The row as a request to sign, each value checked; None with the problems noted on the row."""
    if adult is None and not row.problems:  # (a problem so far is the address's own)
        row.problem(EMAIL, _("No account uses this address: import the members first."))
    elif adult is not None and adult["household"] not in members:
        row.problem(EMAIL, _("This person's household is not a member of the group."))
    offer = offers.find(row)
    terms = await offers.terms(offer) if offer else None
    share = plan = None
    if offer is not None and (offer["status"] != "open" or terms is None):
        row.problem(CONTRACT, _("This contract is not open for signing: publish it on its page first."))
    elif offer is not None and offer["nature"] == "variable":
        row.problem(CONTRACT, _("This contract lets members choose a quantity per delivery: it cannot be "
                                "imported; each household signs it on the web."))
    elif terms is not None:
        share = lookups.find_share(row, terms["shares"])
        plan = find_plan(row, terms["payment_plans"])
    form = Form(row.values)
    quantity = form.integer(QUANTITY.key, minimum=1, maximum=MAX_QUANTITY) if row.get(QUANTITY.key) else 1
    if QUANTITY.key in form.errors:
        row.problem(QUANTITY, form.errors[QUANTITY.key])
    tier = tiers.get(fold(row.get(TIER.key))) if row.get(TIER.key) else "standard"
    if tier is None:
        row.problem(TIER, _("Write one of %(names)s.", names=", ".join(f"“{label}”" for label in TIER_LABELS.values())))
    signed_on = lookups.read_date(row, SIGNED_ON, context.today)
    if offer is not None and signed_on is not None and not (
            offer["signup_opens_on"] <= signed_on <= offer["signup_closes_on"]):
        row.problem(SIGNED_ON, _("Signed on %(date)s, outside the contract's signing period (%(opens)s to "
                                 "%(closes)s): change the date, or the signing period on the contract's page.",
                                 date=lookups.shown_date(signed_on), opens=lookups.shown_date(offer["signup_opens_on"]),
                                 closes=lookups.shown_date(offer["signup_closes_on"])))
    if row.problems or None in (adult, offer, share, plan, quantity, tier, signed_on):
        return None
    request = SignRequest(offer_id=offer["id"], household_id=adult["household"], user_id=context.by_user,
                          offer_share_id=share["id"], tier=tier, quantity=quantity, payment_plan_id=plan["id"],
                          today=signed_on)
    return Signature(row=row, offer=offer, share=share, household_id=adult["household"], request=request)


def find_plan(row: Row, plans: list[dict]) -> dict | None:
    """The payment plan with the number of installments written; the only one when the cell is empty."""
    text = row.get(INSTALLMENTS.key)
    if not text and len(plans) == 1:
        return plans[0]
    found = [plan for plan in plans if str(plan["installments"]) == text.strip()]
    if len(found) == 1:
        return found[0]
    numbers = ", ".join(str(plan["installments"]) for plan in plans)
    if not plans:
        row.problem(INSTALLMENTS, _("This contract has no payment plan: add one on the contract's page."))
    else:
        row.problem(INSTALLMENTS, _("Write in how many installments the household pays: %(numbers)s.",
                                    numbers=numbers))
    return None


async def sign(signature: Signature) -> dict:
    """Sign as the web does, refusing what would end on the waiting list."""
    request = signature.request
    if await Subscription.exists().where(
            (Subscription.household == request.household_id) & (Subscription.offer == request.offer_id)
            & Subscription.status.is_in(list(lifecycle.HOLDING))):
        raise RowRefused(labelled(CONTRACT, _("This household already has this contract.")))
    share = await OfferShare.select(OfferShare.capacity, OfferShare.taken).where(
        OfferShare.id == request.offer_share_id).first()
    left = max(0, share["capacity"] - share["taken"])
    if left < request.quantity:
        raise RowRefused(labelled(SHARE, _("“%(name)s” is full: %(left)s places left.",
                                           name=signature.share["name"], left=left)))
    try:
        signed = await lifecycle.sign(request)
    except SigningError as error:
        raise RowRefused(labelled(FIELDS.get(error.field), error.message)) from error
    if signed["status"] != "active":  # someone took the last place meanwhile
        raise RowRefused(labelled(SHARE, _("“%(name)s” is full.", name=signature.share["name"])))
    return signed


async def examples(group: dict) -> list[dict[str, str]]:
    """Rows naming the group's first open contract, so the example reads like the real thing."""
    offers = await Offers.of_group(group["id"])
    contract, shares, plans = "Légumes 2027", ["Panier complet", "Demi-panier"], [5, 1]
    for offer in offers.by_id.values():
        terms = await offers.terms(offer)
        if offer["status"] == "open" and terms and terms["shares"] and offer["nature"] == "fixed":
            contract = offer["name"]
            shares = [share["name"] for share in terms["shares"]] * 2
            plans = [plan["installments"] for plan in terms["payment_plans"]] * 2 or ["", ""]
            break
    today = local_today(group["timezone"])
    day = example_date(today)
    return [
        {"email": "helene.cote@example.org", "contract": contract, "share": shares[0], "quantity": "1",
         "tier": str(TIER_LABELS["standard"]), "signed_on": day, "installments": str(plans[0])},
        {"email": "jeanne.martin@example.org", "contract": contract, "share": shares[1], "quantity": "1",
         "tier": str(TIER_LABELS["solidarity"]), "signed_on": day, "installments": str(plans[1])},
    ]


IMPORTER = Importer(code="subscriptions", columns=COLUMNS, apply=apply, examples=examples)
