"""The distribution calendar, derived from the contracts' delivery dates.

Every date of a published offer's calendar is a delivery at the group's distribution of that
day; the distribution is created at the group's place for that weekday the first time a
contract needs it. `sync_group` is idempotent: the distribution pages and the API bring the groups
whose calendar misses a delivery up to date before showing it (`sync_groups`, so a contract just
published appears at once), the worker every group hourly.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from amap.contracts.tables import Offer, OfferDelivery
from amap.distributions.tables import Delivery, Distribution
from amap.groups.tables import Group, Place
from amap.lib.db import write_transaction
from amap.lib.prepared import prepared


def place_for(places: list[dict], day: date) -> dict | None:
    """The group's place for that weekday, else its first place."""
    return next((p for p in places if p["weekday"] == day.weekday()), places[0] if places else None)


async def sync_group(group_id: int) -> int:
    """Create the missing distributions and deliveries of a group; returns how many deliveries were added."""
    async with write_transaction():
        places = await Place.select().where(Place.group == group_id).order_by(Place.id)
        offers = [row["id"] for row in await Offer.select(Offer.id).where(
            (Offer.group == group_id) & (Offer.status != "draft"))]
        if not offers or not places:
            return 0
        calendar = await OfferDelivery.select(OfferDelivery.offer, OfferDelivery.delivers_on).where(
            OfferDelivery.offer.is_in(offers))
        distributions = {row["held_on"]: row["id"] for row in await Distribution.select(
            Distribution.id, Distribution.held_on).where(Distribution.group == group_id)}
        existing = {(row["offer"], row["due_on"]) for row in await Delivery.select(
            Delivery.offer, Delivery.due_on).where(Delivery.offer.is_in(offers))}
        added = []
        for entry in calendar:
            day = entry["delivers_on"]
            if (entry["offer"], day) in existing:
                continue
            if day not in distributions:
                place = place_for(places, day)
                rows = await Distribution.insert(Distribution(
                    group=group_id, place=place["id"], held_on=day, starts_at=place["starts_at"],
                    ends_at=place["ends_at"])).returning(Distribution.id)
                distributions[day] = rows[0]["id"]
            added.append(Delivery(offer=entry["offer"], distribution=distributions[day], due_on=day))
            existing.add((entry["offer"], day))
        if added:
            await Delivery.insert(*added)
    return len(added)


# The groups among these whose calendar misses a delivery: a date of a published offer's calendar with no
# delivery yet, in a group with a place (what sync_group would add). Read on every view of the calendar,
# where a write transaction each time would queue the views behind SQLite's one writer.
MISSING_DELIVERIES_SQL = f"""
SELECT DISTINCT offer."group" FROM offer_delivery JOIN offer ON offer.id = offer_delivery.offer
WHERE {{}} AND offer.status <> 'draft'
  AND EXISTS (SELECT 1 FROM {Place._meta.tablename} AS place WHERE place."group" = offer."group")
  AND NOT EXISTS (SELECT 1 FROM delivery
                  WHERE delivery.offer = offer_delivery.offer AND delivery.due_on = offer_delivery.delivers_on)
"""
_MISSING_DELIVERIES = prepared(lambda groups: Offer.raw(MISSING_DELIVERIES_SQL, Offer.group.is_in(groups).querystring))


async def sync_groups(group_ids: list[int]) -> int:
    """sync_group for those of these groups whose calendar misses a delivery; one read when none does."""
    if not group_ids:
        return 0
    added = 0
    for row in await _MISSING_DELIVERIES(groups=sorted(group_ids)):
        added += await sync_group(row["group"])
    return added


async def sync_all() -> int:
    total = 0
    for group in await Group.select(Group.id):
        total += await sync_group(group["id"])
    return total


def absence_deadline(held_on: date, starts_at, timezone: str, notice_hours: int) -> datetime:
    """The last moment to declare an absence: `notice_hours` before the distribution starts, in the
    group's own time (so a daylight-saving change in between is counted right)."""
    start = datetime.combine(held_on, starts_at, tzinfo=ZoneInfo(timezone))
    return start - timedelta(hours=notice_hours)
