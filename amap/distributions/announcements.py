"""Harvest announcements: what each share type holds at one delivery, as the farmer posts it.

Items carry an optional unit price, so each announcement knows its value (Σ quantity × unit
price, in cents) and the ledger can set it against the share's price. Drafts are the farm's
own; members see an announcement once it is published.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from amap.contracts.access import can_manage_offer
from amap.contracts.tables import OfferPrice, OfferShare
from amap.distributions.season import holders, units_on
from amap.distributions.split import ShareCount, Split, format_quantity, split_harvest, step_for
from amap.distributions.tables import Announcement, Delivery
from amap.distributions.uploads import remove_photo, store_photo
from amap.lib.access import Principal, ensure
from amap.lib.db import utcnow, write_transaction
from amap.lib.i18n import _

log = logging.getLogger(__name__)

MAX_ITEMS = 40  # per share type
MAX_QUANTITY = Decimal(100_000)
MAX_UNIT_PRICE_CENTS = 100_000
MAX_NOTE = 2000
UNITS = ("kg", "g", "pièce", "botte", "l")  # suggestions only: any short unit is accepted


class AnnouncementError(ValueError):
    """Refused input: the field at fault (as the page names it) and a message for the farmer."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Section:
    """What the farmer sends for one share type."""

    offer_share: int
    items: list[dict]
    note: str = ""
    photo: tuple[bytes, str] | None = None  # a new photo: its bytes and type
    remove_photo: bool = False


# --- Who and what --------------------------------------------------------------------------

async def managed_delivery(principal: Principal, delivery_id: int) -> dict:
    """A delivery with its offer, farm, group and distribution; 404 unless the principal manages the offer."""
    row = await Delivery.select(
        Delivery.all_columns(), Delivery.offer.farm.as_alias("farm"), Delivery.offer.group.as_alias("group"),
        Delivery.offer.name.as_alias("offer_name"), Delivery.offer.nature.as_alias("nature"),
        Delivery.offer.missed_delivery_rule.as_alias("rule"), Delivery.offer.farm.name.as_alias("farm_name"),
        Delivery.offer.farm.slug.as_alias("farm_slug"), Delivery.offer.group.name.as_alias("group_name"),
        Delivery.offer.group.timezone.as_alias("timezone"), Delivery.distribution.held_on.as_alias("held_on"),
        Delivery.distribution.starts_at.as_alias("starts_at"), Delivery.distribution.status.as_alias("distribution_status"),
        Delivery.distribution.place.name.as_alias("place_name"), Delivery.recorded_by.name.as_alias("recorded_by_name"),
    ).where(Delivery.id == delivery_id).first()
    ensure(row is not None and await can_manage_offer(
        principal, {"id": row["offer"], "farm": row["farm"], "group": row["group"]}))
    return row


async def offer_shares(offer_id: int) -> list[dict]:
    """The offer's share types with their standard price (the weight of the harvest split)."""
    shares = await OfferShare.select(OfferShare.id, OfferShare.share_type.name.as_alias("name")).where(
        OfferShare.offer == offer_id).order_by(OfferShare.id)
    prices = {row["offer_share"]: row["price_cents"] for row in await OfferPrice.select(
        OfferPrice.offer_share, OfferPrice.price_cents).where(
        OfferPrice.offer_share.is_in([s["id"] for s in shares] or [-1]) & (OfferPrice.tier == "standard"))}
    for share in shares:
        share["standard_cents"] = prices.get(share["id"], 0)
    return shares


async def units_due(offer_id: int, variable: bool, due_on) -> dict[int, int]:
    """Shares due on a date, by share type: active subscriptions × their quantity (the per-date
    quantity of a variable contract). A catch-up keeps the date it makes up, so this counts it too."""
    subscriptions, quantities = await holders(offer_id)
    due: dict[int, int] = {}
    for subscription in subscriptions:
        units = units_on(subscription, quantities.get(subscription["id"], {}), due_on, variable)
        if units:
            due[subscription["offer_share"]] = due.get(subscription["offer_share"], 0) + units
    return due


async def saved(delivery_id: int) -> dict[int, dict]:
    """The delivery's announcements, published or not, by share type."""
    rows = await Announcement.select().where(Announcement.delivery == delivery_id).output(load_json=True)
    return {row["offer_share"]: row for row in rows}


# --- Items -----------------------------------------------------------------------------------

def quantity_of(text: str) -> Decimal:
    """"1,5" or "1.5" -> Decimal("1.5"); ValueError with the message for the farmer otherwise."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("Enter a quantity like 1,5.")) from None
    return checked_quantity(value)


def checked_quantity(value: Decimal) -> Decimal:
    if not value.is_finite() or value <= 0 or value > MAX_QUANTITY:
        raise ValueError(_("Enter a quantity above zero and at most %(max)s.", max=MAX_QUANTITY))
    if value != value.quantize(Decimal("0.001")):
        raise ValueError(_("Enter a quantity with at most three decimals."))
    return value


def item(name: str, quantity: Decimal, unit: str, unit_price_cents: int | None) -> dict:
    """One item as stored: the quantity kept as text, so 0.1 stays exactly 0.1."""
    return {"name": name, "quantity": format_quantity(quantity), "unit": unit, "unit_price_cents": unit_price_cents}


def value_cents(items: list[dict]) -> int:
    """What the items are worth at their unit prices (items without a price count for nothing)."""
    total = sum((Decimal(str(i["quantity"])) * i["unit_price_cents"] for i in items if i.get("unit_price_cents") is not None),
                Decimal(0))
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check_section(section: Section) -> None:
    """The limits shared by the page and the API; raises AnnouncementError."""
    if len(section.items) > MAX_ITEMS:
        raise AnnouncementError("items", _("At most %(max)s items per share.", max=MAX_ITEMS))
    if len(section.note) > MAX_NOTE:
        raise AnnouncementError("note", _("At most %(max)s characters.", max=MAX_NOTE))
    for entry in section.items:
        if not entry["name"] or len(entry["name"]) > 100:
            raise AnnouncementError("name", _("Name each item, in at most 100 characters."))
        if len(entry["unit"]) > 20:
            raise AnnouncementError("unit", _("At most %(max)s characters.", max=20))
        price = entry["unit_price_cents"]
        if price is not None and not 0 <= price <= MAX_UNIT_PRICE_CENTS:
            raise AnnouncementError("price", _("Enter a unit price between 0 and 1 000 euros."))


# --- Saving ----------------------------------------------------------------------------------

async def save(delivery: dict, sections: list[Section], *, by_user: int, publish: bool, upload_dir: Path) -> int:
    """Write the announcements of the share types sent (others stay as they are); returns how many
    are published now. Editing an announcement already published publishes the change: members
    never see a stale one. New photos are written first; replaced ones are removed after."""
    shares = {share["id"] for share in await offer_shares(delivery["offer"])}
    for section in sections:
        if section.offer_share not in shares:
            raise AnnouncementError("offer_share_id", _("Choose one of the offer's shares."))
        check_section(section)
    if publish and not any(section.items for section in sections):
        raise AnnouncementError("items", _("Add at least one item before publishing."))
    replaced: list[str] = []
    published = 0
    now = utcnow()
    async with write_transaction():
        existing = await saved(delivery["id"])
        for section in sections:
            old = existing.get(section.offer_share)
            photo = old["photo"] if old else ""
            if section.photo is not None:
                replaced.append(photo)
                photo = store_photo(upload_dir, *section.photo)
            elif section.remove_photo:
                replaced.append(photo)
                photo = ""
            if old is None and not (section.items or section.note or photo):
                continue
            live = (publish or (old is not None and old["published_at"] is not None)) and bool(
                section.items or section.note)
            published += live
            values = {"items": section.items, "note": section.note, "photo": photo,
                      "value_cents": value_cents(section.items), "published_at": now if live else None,
                      "published_by": by_user if live else None}
            if old is None:
                await Announcement.insert(Announcement(delivery=delivery["id"], offer_share=section.offer_share,
                                                       **values))
            else:
                await Announcement.update(values).where(Announcement.id == old["id"])
    for name in replaced:
        remove_photo(upload_dir, name)
    if published:
        log.info("announcement of delivery %s published by user %s (%s shares)", delivery["id"], by_user, published)
    return published


# --- The harvest-first helper ----------------------------------------------------------------

def propose(harvest: Decimal, unit: str, shares: list[dict], due: dict[int, int]) -> Split:
    """The split of one harvested item across the share types due that day, by standard price."""
    counts = [ShareCount(key=share["id"], shares=due.get(share["id"], 0), weight_cents=share["standard_cents"])
              for share in shares]
    return split_harvest(harvest, counts, step_for(unit))
