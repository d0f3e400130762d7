"""`PUT /api/v1/deliveries/{id}/announcement`: the farm posts what each share holds, as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from litestar import Controller, Request, put
from litestar.exceptions import ValidationException
from litestar.params import JSONBody

from amap.api.params import BodyId, BodyInt, BodyText, PathId
from amap.distributions import announcements
from amap.distributions.announcements import AnnouncementError, Section
from amap.distributions.season import clean_items
from amap.errors import api_errors
from amap.lib.access import current, requires_login


@dataclass
class ItemIn:
    name: BodyText
    quantity: Decimal  # a JSON number or a string such as "1.5"
    unit: BodyText = ""
    unit_price_cents: BodyInt | None = None


@dataclass
class ShareIn:
    offer_share_id: BodyId
    items: list[ItemIn] = field(default_factory=list)
    note: BodyText = ""


@dataclass
class AnnouncementIn:
    shares: list[ShareIn]
    publish: bool = False  # changes to an announcement already published are published whatever this says


@dataclass
class ItemOut:
    name: str
    quantity: str  # exact decimal, as text
    unit: str
    unit_price_cents: int | None


@dataclass
class ShareOut:
    offer_share_id: int
    name: str
    items: list[ItemOut]
    note: str
    value_cents: int
    published_at: datetime | None


@dataclass
class AnnouncementOut:
    delivery_id: int
    contract_id: int
    due_on: date
    held_on: date
    shares: list[ShareOut]


def sections_from(data: AnnouncementIn) -> list[Section]:
    """The body as sections; ValidationException (400) naming the field at fault."""
    sections, seen = [], set()
    for index, share in enumerate(data.shares):
        if share.offer_share_id in seen:
            raise ValidationException(detail=f"shares[{index}].offer_share_id: given twice")
        seen.add(share.offer_share_id)
        items = []
        for number, entry in enumerate(share.items):
            try:
                quantity = announcements.checked_quantity(entry.quantity)
            except ValueError as error:
                raise ValidationException(detail=f"shares[{index}].items[{number}].quantity: {error}") from error
            items.append(announcements.item(entry.name.strip(), quantity, entry.unit.strip(), entry.unit_price_cents))
        sections.append(Section(offer_share=share.offer_share_id, items=items, note=share.note.strip()))
    return sections


class ApiAnnouncementsController(Controller):
    path = "/api/v1"
    guards = [requires_login]
    security = [{"BearerToken": []}]
    tags = ["distributions"]

    @put("/deliveries/{delivery_id:int}/announcement", responses=api_errors(400, 404),
         summary="Post what each share holds at a delivery (the offer's farm and those who manage it)")
    async def put_announcement(self, request: Request, delivery_id: PathId,
                               data: JSONBody[AnnouncementIn]) -> AnnouncementOut:
        principal = current(request)
        delivery = await announcements.managed_delivery(principal, delivery_id)
        try:
            await announcements.save(delivery, sections_from(data), by_user=principal.id, publish=data.publish,
                                     upload_dir=request.app.state.settings.upload_dir)
        except AnnouncementError as error:
            raise ValidationException(detail=f"{error.field}: {error.message}") from error
        shares = await announcements.offer_shares(delivery["offer"])
        saved = await announcements.saved(delivery_id)
        return AnnouncementOut(
            delivery_id=delivery_id, contract_id=delivery["offer"], due_on=delivery["due_on"],
            held_on=delivery["held_on"],
            shares=[ShareOut(offer_share_id=share["id"], name=share["name"],
                             items=[ItemOut(**entry) for entry in clean_items(saved[share["id"]]["items"])],
                             note=saved[share["id"]]["note"], value_cents=saved[share["id"]]["value_cents"],
                             published_at=saved[share["id"]]["published_at"])
                    for share in shares if share["id"] in saved],
        )
