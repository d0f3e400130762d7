"""`/distributions/{id}/delivery-note`: the farmer's delivery note — how many shares of each type to
bring to that distribution (catch-ups due that day included), and what that makes of each item."""

from __future__ import annotations

from decimal import Decimal

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from amap.contracts.tables import OfferShare
from amap.distributions.season import clean_items, holders, units_on
from amap.distributions.split import format_quantity
from amap.distributions.tables import Announcement, Delivery, Distribution
from amap.farms.tables import Farm
from amap.lib.access import current, ensure, requires_login
from amap.lib.numbers import decimal_text
from amap.lib.web import page


async def delivery_lines(deliveries: list[dict]) -> list[dict]:
    """Each delivery on the note: shares due by type and the announced items multiplied out; in five
    queries whatever the number of contracts delivered that day."""
    offer_ids = sorted({delivery["offer"] for delivery in deliveries}) or [-1]
    shares: dict[int, list[dict]] = {}
    for share in await OfferShare.select(OfferShare.id, OfferShare.offer, OfferShare.share_type.name.as_alias("name")
                                         ).where(OfferShare.offer.is_in(offer_ids)).order_by(OfferShare.id):
        shares.setdefault(share["offer"], []).append(share)
    subscriptions, quantities = await holders(offer_ids)
    announced = {(row["delivery"], row["offer_share"]): row for row in await Announcement.select(
        Announcement.delivery, Announcement.offer_share, Announcement.items, Announcement.published_at,
    ).where(Announcement.delivery.is_in([d["id"] for d in deliveries] or [-1])).output(load_json=True)}
    notes = []
    for delivery in deliveries:
        variable = delivery["nature"] == "variable"
        due: dict[int, int] = {}
        for subscription in subscriptions:
            if subscription["offer"] == delivery["offer"]:
                units = units_on(subscription, quantities.get(subscription["id"], {}), delivery["due_on"], variable)
                due[subscription["offer_share"]] = due.get(subscription["offer_share"], 0) + units
        lines = []
        for share in shares.get(delivery["offer"], []):
            units = due.get(share["id"], 0)
            row = announced.get((delivery["id"], share["id"]))
            items = [{"name": entry["name"], "unit": entry["unit"], "per_share": decimal_text(entry["quantity"]),
                      "total": decimal_text(format_quantity(Decimal(str(entry["quantity"])) * units))}
                     for entry in clean_items(row["items"] if row else [])]
            lines.append({"id": share["id"], "name": share["name"], "units": units, "contents": items,
                          "published": bool(row and row["published_at"])})
        notes.append({**delivery, "shares": lines, "units": sum(line["units"] for line in lines)})
    return notes


class DeliveryNoteController(Controller):
    path = "/distributions/{distribution_id:int}/delivery-note"
    guards = [requires_login]

    @get("", name="delivery_note")
    async def show(self, request: Request, distribution_id: FromPath[int], farm: FromQuery[str | None] = None
                   ) -> Template:
        """For the farm's farmers and the group's committee; without ?farm=, every farm they may see."""
        principal = current(request)
        distribution = await Distribution.select(
            Distribution.all_columns(), Distribution.group.name.as_alias("group_name"),
            Distribution.place.name.as_alias("place_name"), Distribution.place.address.as_alias("place_address"),
        ).where(Distribution.id == distribution_id).first()
        ensure(distribution is not None)
        committee = principal.coordinates(distribution["group"])
        supplier = principal.is_farmer and distribution["group"] in principal.farm_groups
        ensure(committee or supplier)
        where = Delivery.distribution == distribution_id
        if farm is not None:
            row = await Farm.select(Farm.id).where(Farm.slug == farm).first()
            ensure(row is not None and (committee or principal.runs_farm(row["id"])))
            where &= Delivery.offer.farm == row["id"]
        elif not committee:
            where &= Delivery.offer.farm.is_in(list(principal.farms) or [-1])
        deliveries = await Delivery.select(
            Delivery.id, Delivery.offer, Delivery.due_on, Delivery.catch_up_for, Delivery.outcome,
            Delivery.offer.name.as_alias("offer_name"), Delivery.offer.nature.as_alias("nature"),
            Delivery.offer.farm.as_alias("farm"), Delivery.offer.farm.name.as_alias("farm_name"),
        ).where(where).order_by(Delivery.offer.farm.name).order_by(Delivery.offer.name).order_by(Delivery.due_on)
        farms: dict[int, dict] = {}
        for delivery in await delivery_lines(deliveries):
            note = farms.setdefault(delivery["farm"], {"name": delivery["farm_name"], "deliveries": []})
            note["deliveries"].append(delivery)
        return page(request, "distributions/delivery_note.html", distribution=distribution, farms=list(farms.values()))
