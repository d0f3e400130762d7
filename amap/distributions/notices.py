"""What members are told about distribution days: this week's share once the farmer posts it, and
on the eve, where, when and what to collect. Each message is keyed by its event (delivery or
distribution, and the person), so a job that runs every quarter of an hour tells everyone once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from amap.distributions import services
from amap.distributions.absences import absence_columns
from amap.distributions.pages import quantity_text
from amap.distributions.tables import Absence, Announcement, Distribution
from amap.notifications.outbox import event_key, household_recipients, notify, stored_keys
from amap.notifications.samples import register

EVE_FROM = time(17, 0)
"""The day before a distribution, members are told from this hour of the group's clock."""


def local_now(timezone: str, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(timezone))


def place_of(row: dict) -> dict:
    """A distribution as the mails show it."""
    return {"id": row["id"], "held_on": row["held_on"], "starts_at": row["starts_at"], "ends_at": row["ends_at"],
            "place_name": row["place_name"] or "", "place_address": row["place_address"] or ""}


def quantity(value: object) -> str:
    """Called while the mail renders, so "1.5" reads "1,5" for a French reader."""
    return quantity_text(value)


# --- This week's share --------------------------------------------------------------------------

async def published_announcements(group_id: int, today: date) -> list[dict]:
    """The published announcements of the group's deliveries from today on, of days still planned."""
    return await Announcement.select(
        Announcement.delivery, Announcement.offer_share, Announcement.items, Announcement.note,
        Announcement.delivery.distribution.as_alias("distribution"),
        Announcement.delivery.offer.farm.name.as_alias("farm_name"),
        Announcement.delivery.offer.name.as_alias("offer_name"),
    ).where(
        Announcement.published_at.is_not_null() & (Announcement.delivery.distribution.group == group_id)
        & (Announcement.delivery.distribution.held_on >= today)
        & (Announcement.delivery.distribution.status == "planned") & (Announcement.delivery.outcome != "cancelled")
    ).order_by(Announcement.delivery).order_by(Announcement.offer_share).output(load_json=True)


def announced_share(collection: services.Collection, announcement: dict) -> dict:
    items = announcement["items"] if isinstance(announcement["items"], list) else []
    return {"share_name": collection.share_name, "quantity": collection.quantity, "note": announcement["note"],
            "lines": [{"name": item.get("name", ""), "quantity": item.get("quantity", ""), "unit": item.get("unit", "")}
                      for item in items if isinstance(item, dict)]}


async def tell_published_shares(group: dict, now: datetime) -> int:
    """Tell every adult of each household collecting a delivery what its share holds, once per
    delivery: a farmer correcting the announcement later does not send it again. A household
    whose share type is not announced yet is told when it is."""
    local = local_now(group["timezone"], now)
    announced = await published_announcements(group["id"], local.date())
    if not announced:
        return 0
    by_share = {(row["delivery"], row["offer_share"]): row for row in announced}
    delivery_ids = {row["delivery"] for row in announced}
    days = {row["id"]: row for row in await Distribution.select(*services.distribution_columns()).where(
        Distribution.id.is_in(sorted({row["distribution"] for row in announced})))}
    # Only households that collect that day: the co-household of an alternating contract waits for its own week.
    found = [c for c in await services.collections(sorted(days)) if c.delivery_id in delivery_ids]
    shares: dict[tuple[int, int], list[dict]] = {}
    for collection in found:
        announcement = by_share.get((collection.delivery_id, collection.offer_share_id))
        if announcement is not None:
            shares.setdefault((collection.delivery_id, collection.household_id), []).append(
                announced_share(collection, announcement))
    adults = await household_recipients(household for _delivery, household in shares)
    told = await stored_keys(event_key("share_published", delivery, person.user_id)
                        for delivery, household in shares for person in adults.get(household, []))
    by_delivery = {row["delivery"]: row for row in announced}
    queued = 0
    for (delivery, household), listed in shares.items():
        row = by_delivery[delivery]
        distribution = days[row["distribution"]]
        if local >= datetime.combine(
                distribution["held_on"], distribution["ends_at"], tzinfo=ZoneInfo(group["timezone"])):
            continue  # over already: news of the share would come too late
        for person in adults.get(household, []):
            key = event_key("share_published", delivery, person.user_id)
            if key in told:
                continue
            queued += await notify(
                "share_published", key, person, group=group,
                words={"farm": row["farm_name"], "date": distribution["held_on"]},
                distribution=place_of(distribution), farm_name=row["farm_name"], offer_name=row["offer_name"],
                shares=listed, quantity=quantity)
    return queued


@register("share_published")
def sample_share(group: dict) -> dict:
    day = date(2027, 4, 8)
    return {"words": {"farm": "Ferme des Tilleuls", "date": day},
            "distribution": {"id": 1, "held_on": day, "starts_at": time(18, 30), "ends_at": time(20, 0),
                             "place_name": "Cour de l'école", "place_address": "1 place du Marché"},
            "farm_name": "Ferme des Tilleuls", "offer_name": "Légumes", "quantity": quantity,
            "shares": [{"share_name": "Panier complet", "quantity": 1, "note": "Les premiers radis de la saison.",
                        "lines": [{"name": "Carottes", "quantity": "1.5", "unit": "kg"},
                                  {"name": "Salade", "quantity": "1", "unit": "pièce"},
                                  {"name": "Radis", "quantity": "1", "unit": "botte"}]}]}


# --- The eve of a distribution ------------------------------------------------------------------

def eve_day(timezone: str, now: datetime) -> date | None:
    """The distribution day whose eve it is in the group: tomorrow, once its clock reads 17:00."""
    local = local_now(timezone, now)
    return local.date() + timedelta(days=1) if local.time() >= EVE_FROM else None


def collected(collection: services.Collection, catch_up_of: dict[int, date]) -> dict:
    return {"farm_name": collection.farm_name, "offer_name": collection.offer_name,
            "share_name": collection.share_name, "quantity": collection.quantity,
            "catch_up_of": catch_up_of.get(collection.delivery_id)}


def collector_of(absence: dict) -> dict | None:
    """Who collects an absent household's shares: a member household, a guest, or the household that
    took the offered shares; None if nobody does. The template words it in the reader's language."""
    if absence["collector_household"]:
        return {"name": absence["collector_household_name"] or "", "guest": False}
    if absence["collector_name"]:
        return {"name": absence["collector_name"], "guest": True}
    if absence["taken_by_household"]:
        return {"name": absence["taken_by_name"] or "", "guest": False}
    return None


async def eve_of(distribution: dict) -> dict[int, dict]:
    """What each household is told on the eve of a distribution, by household: its shares, its
    absence and who collects for it, and the households it collects for. Households with nothing
    to collect, and absent ones nobody collects for (donated, moved, offered and not taken), are
    left out: they have nothing to do that day."""
    catch_up_of = {d["id"]: d["catch_up_of_on"] for d in await services.deliveries_of([distribution["id"]])}
    shares: dict[int, list[dict]] = {}
    cancelled: dict[int, list[str]] = {}
    for c in await services.collections([distribution["id"]]):
        if c.outcome == "cancelled":
            cancelled.setdefault(c.household_id, []).append(c.farm_name)
        else:
            shares.setdefault(c.household_id, []).append(collected(c, catch_up_of))
    absences = {row["household"]: row for row in await Absence.select(*absence_columns()).where(
        (Absence.distribution == distribution["id"]) & Absence.withdrawn_at.is_null()).order_by(Absence.id)}
    helping: dict[int, list[dict]] = {}
    for household, absence in absences.items():
        helper = absence["collector_household"] or absence["taken_by_household"]
        if helper and shares.get(household):
            helping.setdefault(helper, []).append({"name": absence["household_name"], "shares": shares[household]})
    told: dict[int, dict] = {}
    for household in sorted(set(shares) | set(helping)):
        absence = absences.get(household)
        collector = collector_of(absence) if absence else None
        # Donated, moved to a later delivery or offered to nobody yet: nothing of theirs to collect.
        mine = [] if absence and collector is None else shares.get(household, [])
        if not mine and not helping.get(household):
            continue
        told[household] = {"shares": mine, "cancelled": sorted(set(cancelled.get(household, []))),
                           "collector": collector, "collects_for": helping.get(household, [])}
    return told


async def tell_eve(group: dict, now: datetime, shifts: dict[int, list[dict]] | None = None) -> int:
    """From 17:00 the day before, tell each adult of each household with something to collect where,
    when and what, with their own shift that day (`shifts`, by user id, from the roster)."""
    day = eve_day(group["timezone"], now)
    if day is None:
        return 0
    queued = 0
    for row in await Distribution.select(*services.distribution_columns()).where(
            (Distribution.group == group["id"]) & (Distribution.held_on == day)
            & (Distribution.status == "planned")).order_by(Distribution.starts_at):
        told = await eve_of(row)
        adults = await household_recipients(told)
        already = await stored_keys(event_key("distribution_eve", row["id"], person.user_id)
                               for people in adults.values() for person in people)
        for household, context in told.items():
            for person in adults.get(household, []):
                key = event_key("distribution_eve", row["id"], person.user_id)
                if key in already:
                    continue
                queued += await notify(
                    "distribution_eve", key, person, group=group,
                    words={"date": row["held_on"], "place": row["place_name"] or ""},
                    distribution=place_of(row), shifts=(shifts or {}).get(person.user_id, []), **context)
    return queued


@register("distribution_eve")
def sample_eve(group: dict) -> dict:
    day = date(2027, 4, 8)
    return {"words": {"date": day, "place": "Cour de l'école"},
            "distribution": {"id": 1, "held_on": day, "starts_at": time(18, 30), "ends_at": time(20, 0),
                             "place_name": "Cour de l'école", "place_address": "1 place du Marché"},
            "shares": [{"farm_name": "Ferme des Tilleuls", "offer_name": "Légumes", "share_name": "Panier complet",
                        "quantity": 1, "catch_up_of": None},
                       {"farm_name": "La Poule Rousse", "offer_name": "Œufs", "share_name": "6 œufs",
                        "quantity": 2, "catch_up_of": date(2027, 3, 25)}],
            "cancelled": [], "collector": None,
            "collects_for": [{"name": "Famille Martin", "shares": [
                {"farm_name": "Ferme des Tilleuls", "offer_name": "Légumes", "share_name": "Demi-panier",
                 "quantity": 1, "catch_up_of": None}]}],
            "shifts": [{"title": "Installation", "place": "Cour de l'école",
                        "starts": datetime(2027, 4, 8, 18, 0, tzinfo=ZoneInfo(group.get("timezone") or "Europe/Paris")),
                        "ends": datetime(2027, 4, 8, 18, 45, tzinfo=ZoneInfo(group.get("timezone") or "Europe/Paris"))}]}
