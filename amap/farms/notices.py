"""The farmers' weekly digest (kind farm_digest): who joined and who left, what was recorded as
paid over the last seven days, and how many shares to bring to the deliveries of the next two weeks.

It reads the season domains (contracts, payments, distributions) the way the farm's dashboard
does; nothing in them imports this module, so there is no cycle.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from amap.contracts.tables import Amendment, Offer, Subscription
from amap.distributions.season import holders, units_on
from amap.distributions.tables import Delivery
from amap.farms.tables import Farm, Farmer, FarmSupply
from amap.lib.dates import DEFAULT_TIMEZONE, local_today
from amap.notifications.outbox import event_key, notify, opted_out, recipients, stored_keys, week_of
from amap.notifications.samples import register
from amap.payments.services import LISTED, METHOD_NAMES
from amap.payments.tables import Payment

DIGEST_DAY, DIGEST_FROM = 0, time(7, 0)  # Mondays from 7:00, before the farm's day is under way
PAST_DAYS = 7
COMING_DAYS = 14


async def farms_to_tell() -> list[dict]:
    """Farms with a farmer, each in the timezone of the first group it supplies (else Paris's)."""
    with_farmer = {row["farm"] for row in await Farmer.select(Farmer.farm).where(Farmer.ended_at.is_null())}
    if not with_farmer:
        return []
    zones: dict[int, str] = {}
    for row in await FarmSupply.select(FarmSupply.farm, FarmSupply.group.timezone.as_alias("timezone")).where(
            FarmSupply.ended_at.is_null()).order_by(FarmSupply.id):
        zones.setdefault(row["farm"], row["timezone"])
    farms = await Farm.select(Farm.id, Farm.name, Farm.slug).where(Farm.id.is_in(sorted(with_farmer))
                                                                  ).order_by(Farm.id)
    return [{**farm, "timezone": zones.get(farm["id"], DEFAULT_TIMEZONE)} for farm in farms]


def local_midnight(day: date, timezone: str) -> datetime:
    # In UTC: SQLite compares stored timestamps as text, all written in UTC.
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


async def coming_deliveries(offers: dict[int, dict], today: date) -> list[dict]:
    """Deliveries of the next two weeks still planned, each with the shares due by share type
    (catch-ups count the shares of the date they make up)."""
    rows = await Delivery.select(
        Delivery.id, Delivery.offer, Delivery.due_on, Delivery.catch_up_for,
        Delivery.distribution.held_on.as_alias("held_on"), Delivery.distribution.group.name.as_alias("group_name"),
    ).where(Delivery.offer.is_in(list(offers)) & (Delivery.distribution.held_on >= today)
            & (Delivery.distribution.held_on < today + timedelta(days=COMING_DAYS))
            & (Delivery.distribution.status == "planned") & (Delivery.outcome != "cancelled")
            ).order_by(Delivery.distribution.held_on).order_by(Delivery.id)
    held: dict[int, tuple[list[dict], dict]] = {}
    for offer_id in sorted({row["offer"] for row in rows}):
        held[offer_id] = await holders(offer_id)
    for row in rows:
        offer = offers[row["offer"]]
        subscriptions, quantities = held[row["offer"]]
        units: dict[str, int] = defaultdict(int)
        for sub in subscriptions:
            count = units_on(sub, quantities.get(sub["id"], {}), row["due_on"], offer["nature"] == "variable")
            if count:
                units[sub["share_name"]] += count
        row["contract"] = offer["name"]
        row["shares"] = sorted(units.items(), key=lambda item: item[0].casefold())
        row["units"] = sum(units.values())
    return rows


async def farm_digest(farm: dict, today: date) -> dict | None:
    """The farm's last seven days and next two weeks; None when it has no contract in season (or
    not over before the week told) or when there is nothing at all to tell."""
    since = today - timedelta(days=PAST_DAYS)
    offers = {row["id"]: row for row in await Offer.select(Offer.id, Offer.name, Offer.nature).where(
        (Offer.farm == farm["id"]) & (Offer.status != "draft") & (Offer.ends_on >= since))}
    if not offers:
        return None
    start, end = local_midnight(since, farm["timezone"]), local_midnight(today, farm["timezone"])
    ids = list(offers)
    joined = await Subscription.select(
        Subscription.household.name.as_alias("household"), Subscription.offer.name.as_alias("contract"),
        Subscription.offer.group.name.as_alias("group_name"),
        Subscription.offer_share.share_type.name.as_alias("share"), Subscription.quantity,
    ).where(Subscription.offer.is_in(ids) & Subscription.status.is_in(list(LISTED))
            & (Subscription.signed_at >= start) & (Subscription.signed_at < end)
            ).order_by(Subscription.signed_at).order_by(Subscription.id)
    leaving = await Amendment.select(
        Amendment.subscription.household.name.as_alias("household"),
        Amendment.subscription.offer.name.as_alias("contract"),
        Amendment.subscription.offer.group.name.as_alias("group_name"), Amendment.effective_on,
    ).where(Amendment.subscription.offer.is_in(ids) & (Amendment.kind == "leave") & (Amendment.status == "approved")
            & (Amendment.decided_at >= start) & (Amendment.decided_at < end)
            ).order_by(Amendment.effective_on).order_by(Amendment.id)
    payments = await Payment.select(
        Payment.subscription.household.name.as_alias("household"),
        Payment.subscription.offer.name.as_alias("contract"), Payment.amount_cents, Payment.method,
        Payment.received_on,
    ).where(Payment.subscription.offer.is_in(ids) & (Payment.recorded_at >= start) & (Payment.recorded_at < end)
            ).order_by(Payment.recorded_at).order_by(Payment.id)
    deliveries = await coming_deliveries(offers, today)
    if not (joined or leaving or payments or deliveries):
        return None
    return {
        "farm": farm, "since": since, "until": today - timedelta(days=1), "joined": joined, "leaving": leaving,
        "payments": payments, "payments_cents": sum(row["amount_cents"] for row in payments),
        "deliveries": deliveries, "coming_until": today + timedelta(days=COMING_DAYS - 1),
        "method_names": METHOD_NAMES,
    }


def digest_key(farm_id: int, user_id: int, today: date) -> str:
    return event_key("farm_digest", farm_id, user_id, week_of(today))


async def queue_farm_digest(farm: dict, now: datetime) -> int:
    """On Mondays from 7:00 (the farm's time), the digest to each of its farmers, once a week."""
    moment = now.astimezone(ZoneInfo(farm["timezone"]))
    if moment.weekday() != DIGEST_DAY or moment.time() < DIGEST_FROM:
        return 0
    today = moment.date()
    people = await recipients([row["user"] for row in await Farmer.select(Farmer.user).where(
        (Farmer.farm == farm["id"]) & Farmer.ended_at.is_null())])
    # Monday's later runs find the digest stored: they stop before computing it again.
    refused = await opted_out([person.user_id for person in people], "farm_digest")
    keys = {person.user_id: digest_key(farm["id"], person.user_id, today) for person in people}
    stored = await stored_keys(keys.values())
    people = [p for p in people if p.user_id not in refused and keys[p.user_id] not in stored]
    if not people:
        return 0
    found = await farm_digest(farm, today)
    if found is None:
        return 0
    queued = 0
    for person in people:
        queued += await notify("farm_digest", keys[person.user_id], person, words={"farm": farm["name"]}, **found)
    return queued


@register("farm_digest")
def sample_digest(group: dict) -> dict:
    """The group passed only lends its name: a farm's digest covers every group it supplies."""
    today = local_today(group.get("timezone") or DEFAULT_TIMEZONE)
    farm = {"id": 0, "name": "Ferme des Quatre Saisons", "slug": "quatre-saisons", "timezone": DEFAULT_TIMEZONE}
    thursday = today + timedelta(days=(3 - today.weekday()) % 7)
    deliveries = [{"held_on": day, "due_on": day, "catch_up_for": None, "group_name": group["name"],
                   "contract": "Légumes", "shares": [("Demi-panier", 9), ("Panier complet", 21)], "units": 30}
                  for day in (thursday, thursday + timedelta(days=7))]
    return {
        "words": {"farm": farm["name"]}, "farm": farm, "since": today - timedelta(days=PAST_DAYS),
        "until": today - timedelta(days=1), "method_names": METHOD_NAMES,
        "joined": [{"household": "Martin", "contract": "Légumes", "group_name": group["name"],
                    "share": "Panier complet", "quantity": 1}],
        "leaving": [{"household": "Durand", "contract": "Légumes", "group_name": group["name"],
                     "effective_on": today + timedelta(days=10)}],
        "payments": [{"household": "Martin", "contract": "Légumes", "amount_cents": 8840, "method": "cheque",
                      "received_on": today - timedelta(days=4)}],
        "payments_cents": 8840, "deliveries": deliveries, "coming_until": today + timedelta(days=COMING_DAYS - 1),
    }
