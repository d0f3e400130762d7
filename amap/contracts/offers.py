"""Defining contract offers: share types, creating an offer, its calendar and shares, the checks
before publishing, and renewing it for the next season."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from amap.accounts.tables import User
from amap.audit import log as audit
from amap.contracts import schedule
from amap.contracts.tables import (
    Offer,
    OfferCoordinator,
    OfferDelivery,
    OfferPrice,
    OfferShare,
    OfferVersion,
    PaymentPlan,
    ShareType,
    Subscription,
)
from amap.farms.tables import FarmSupply
from amap.groups.tables import Membership
from amap.lib.db import is_sqlite, utcnow, write_transaction
from amap.lib.i18n import _, _l
from amap.lib.prepared import prepared

NATURES = {
    "fixed": _l("Fixed: the same share at every delivery"),
    "variable": _l("Variable: members choose a quantity for each delivery"),
}
MISSED_DELIVERY_RULES = {
    "catch_up": _l("Catch-up: the delivery is made up later"),
    "shared_loss": _l("Shared loss: members carry it together, nothing is refunded"),
}
FREQUENCIES = {
    "weekly": _l("Every week"),
    "fortnightly": _l("Every other week"),
    "monthly": _l("Once a month, on the first such weekday of the month"),
}
PAYMENT_METHODS = {"cheque": _l("Cheques"), "transfer": _l("Bank transfer"), "cash": _l("Cash")}
MAX_REFERENTS = 2


def default_charter() -> str:
    return _(
        "By signing this contract, the member and the farmer commit to each other for the whole season.\n\n"
        "The member pays the season in advance, directly to the farm: the association never holds the money.\n\n"
        "Risk sharing: the share follows the harvest. After hail, drought or disease the share is smaller "
        "and nobody is refunded; in a good season it is bigger. A delivery that cannot take place "
        "(flood, illness) is handled as this contract states: made up later, or a loss the members "
        "carry together.\n\n"
        "Before each distribution the farmer announces what the share holds, and any shortfall. "
        "Members are welcome on the farm."
    )


# --- What a farm sells ----------------------------------------------------------------------

# Read on every view of the farm's dashboard: their SQL is written once (amap.lib.prepared).
_SHARE_TYPES = prepared(lambda farm: ShareType.select().where(
    (ShareType.farm == farm) & ShareType.archived_at.is_null()).order_by(ShareType.name))
_FARM_OFFERS = prepared(lambda farm: Offer.select(
    Offer.id, Offer.name, Offer.status, Offer.version, Offer.starts_on, Offer.ends_on,
    Offer.group.name.as_alias("group_name"),
).where(Offer.farm == farm).order_by(Offer.starts_on, ascending=False).order_by(Offer.id, ascending=False))


async def farm_share_types(farm_id: int) -> list[dict]:
    """The share types the farm sells now (archived ones are kept for the contracts that used them)."""
    return await _SHARE_TYPES(farm=farm_id)


async def farm_offers(farm_id: int) -> list[dict]:
    return await _FARM_OFFERS(farm=farm_id)


async def supplied_groups(farm_id: int) -> list[dict]:
    """The groups a farm supplies now: the only ones it can make an offer to."""
    return await FarmSupply.select(
        FarmSupply.group.id.as_alias("id"), FarmSupply.group.name.as_alias("name"),
        FarmSupply.group.slug.as_alias("slug"),
    ).where((FarmSupply.farm == farm_id) & FarmSupply.ended_at.is_null()).order_by(FarmSupply.group.name)


async def active_adults(group_id: int) -> list[dict]:
    """The adults of the group's active households: who may be chosen as a référent."""
    households = [row["household"] for row in await Membership.select(Membership.household).where(
        (Membership.group == group_id) & (Membership.status == "active"))]
    if not households:
        return []
    return await User.select(User.id, User.name, User.household.name.as_alias("household_name")).where(
        User.household.is_in(households) & (User.is_active == True)  # noqa: E712
    ).order_by(User.name)


# --- One offer ------------------------------------------------------------------------------

async def create_offer(farm_id: int, group_id: int, terms: dict, days: list[date], by_user: int) -> int:
    """A draft offer and its calendar. `terms` holds the Offer columns read from the form."""
    async with write_transaction():
        rows = await Offer.insert(Offer(farm=farm_id, group=group_id, created_by=by_user, **terms)).returning(Offer.id)
        offer_id = rows[0]["id"]
        await add_deliveries(offer_id, days)
    return offer_id


async def add_deliveries(offer_id: int, days: list[date]) -> None:
    if days:
        await OfferDelivery.insert(*[OfferDelivery(offer=offer_id, delivers_on=day) for day in sorted(set(days))])


async def replace_calendar(offer_id: int, days: list[date]) -> None:
    async with write_transaction():
        await OfferDelivery.delete().where(OfferDelivery.offer == offer_id)
        await add_deliveries(offer_id, days)


async def deliveries(offer_id: int) -> list[dict]:
    return await OfferDelivery.select(OfferDelivery.id, OfferDelivery.delivers_on).where(
        OfferDelivery.offer == offer_id).order_by(OfferDelivery.delivers_on)


async def offer_shares(offer_id: int) -> list[dict]:
    """The shares offered with their prices by tier, places taken and whether anyone holds one."""
    shares = await OfferShare.select(
        OfferShare.id, OfferShare.capacity, OfferShare.taken, OfferShare.share_type,
        OfferShare.share_type.name.as_alias("name"),
    ).where(OfferShare.offer == offer_id).order_by(OfferShare.id)
    ids = [share["id"] for share in shares] or [-1]
    prices = await OfferPrice.select().where(OfferPrice.offer_share.is_in(ids))
    held = {row["offer_share"] for row in await Subscription.select(Subscription.offer_share).where(
        Subscription.offer_share.is_in(ids))}
    for share in shares:
        share["prices"] = {p["tier"]: p["price_cents"] for p in prices if p["offer_share"] == share["id"]}
        share["held"] = share["id"] in held
    return shares


async def add_share(offer_id: int, share_type_id: int, capacity: int, prices: dict[str, int]) -> int:
    """Offer a share type with its places and a price per tier; only the tiers given are offered."""
    async with write_transaction():
        rows = await OfferShare.insert(OfferShare(offer=offer_id, share_type=share_type_id, capacity=capacity)
                                       ).returning(OfferShare.id)
        share_id = rows[0]["id"]
        await OfferPrice.insert(*[OfferPrice(offer_share=share_id, tier=tier, price_cents=cents)
                                  for tier, cents in prices.items()])
    return share_id


async def remove_share(offer_id: int, share_id: int) -> bool:
    """Withdraw a share nobody signed for (not even on the waiting list); False when someone did."""
    async with write_transaction():
        if await Subscription.exists().where(Subscription.offer_share == share_id):
            return False
        await OfferPrice.delete().where(OfferPrice.offer_share == share_id)
        await OfferShare.delete().where((OfferShare.id == share_id) & (OfferShare.offer == offer_id))
    return True


async def locked_offer(offer_id: int) -> dict:
    """The offer row, locked until the transaction ends on PostgreSQL (SQLite's IMMEDIATE
    transaction already lets one writer in at a time): two clicks at once act one after the other."""
    query = Offer.select().where(Offer.id == offer_id)
    if not is_sqlite():
        query = query.lock_rows()
    return await query.first()


async def add_referent(offer_id: int, user_id: int, by_user: int | None) -> bool:
    """Name a référent; False when the offer already has its two, or this one."""
    async with write_transaction():
        offer = await locked_offer(offer_id)
        chosen = {row["user"] for row in await referents(offer_id)}
        if user_id in chosen or len(chosen) >= MAX_REFERENTS:
            return False
        rows = await OfferCoordinator.insert(OfferCoordinator(offer=offer_id, user=user_id)).returning(OfferCoordinator.id)
        await audit.record(group=offer["group"], kind="referent", subject_id=rows[0]["id"], action="appointed",
                           actor=by_user, details={"user": user_id, "offer_name": offer["name"]})
    return True


async def remove_referent(offer_id: int, referent_id: int, by_user: int | None) -> bool:
    """End a référent's role (kept in history); False when there is no such référent in office."""
    async with write_transaction():
        removed = await OfferCoordinator.update({OfferCoordinator.ended_at: utcnow()}).where(
            (OfferCoordinator.id == referent_id) & (OfferCoordinator.offer == offer_id)
            & OfferCoordinator.ended_at.is_null()).returning(OfferCoordinator.user)
        if not removed:
            return False
        offer = await Offer.select(Offer.group, Offer.name).where(Offer.id == offer_id).first()
        await audit.record(group=offer["group"], kind="referent", subject_id=referent_id, action="stepped_down",
                           actor=by_user, details={"user": removed[0]["user"], "offer_name": offer["name"]})
    return True


async def referents(offer_id: int) -> list[dict]:
    return await OfferCoordinator.select(
        OfferCoordinator.id, OfferCoordinator.user, OfferCoordinator.user.name.as_alias("name"),
        OfferCoordinator.user.email.as_alias("email"), OfferCoordinator.user.phone.as_alias("phone"),
    ).where((OfferCoordinator.offer == offer_id) & OfferCoordinator.ended_at.is_null()).order_by(OfferCoordinator.id)


async def versions(offer_id: int) -> list[dict]:
    return await OfferVersion.select(OfferVersion.version, OfferVersion.created_at,
                                     OfferVersion.created_by.name.as_alias("by")).where(
        OfferVersion.offer == offer_id).order_by(OfferVersion.version)


async def publish_problems(offer: dict) -> list[str]:
    """What stops an offer from being published; empty when members can sign it."""
    problems = []
    days = [row["delivers_on"] for row in await deliveries(offer["id"])]
    if not days:
        problems.append(_("Add at least one delivery date."))
    elif days[0] < offer["starts_on"] or days[-1] > offer["ends_on"]:
        problems.append(_("Every delivery must fall within the season: remove the dates outside it."))
    shares = await offer_shares(offer["id"])
    if not any("standard" in share["prices"] for share in shares):
        problems.append(_("Offer at least one share with a standard price."))
    if not await PaymentPlan.exists().where(PaymentPlan.offer == offer["id"]):
        problems.append(_("Add at least one payment plan."))
    return problems


# --- Next season ----------------------------------------------------------------------------

def rhythm(days: list[date]) -> tuple[int, str]:
    """The weekday and frequency a calendar was most likely made with (breaks and extra days aside)."""
    weekday = Counter(day.weekday() for day in days).most_common(1)[0][0]
    gaps = sorted((later - earlier).days for earlier, later in zip(days, days[1:], strict=False))
    usual = gaps[len(gaps) // 2] if gaps else 7
    return weekday, "weekly" if usual <= 10 else "fortnightly" if usual <= 21 else "monthly"


def renewal_calendar(days: list[date], starts_on: date, ends_on: date) -> list[date]:
    """Next season's calendar: last season's weekday and frequency between the new dates, keeping
    its breaks. A new day is kept when last season delivered near the same day a year earlier
    (within half the interval, or in the same month for a monthly calendar), so the August break
    carries over."""
    if not days:
        return []
    days = sorted(days)
    weekday, frequency = rhythm(days)
    kept = []
    for day in schedule.delivery_dates(starts_on, ends_on, weekday, frequency):
        before = schedule.add_months(day, -12)
        if frequency == "monthly":
            delivered = any((d.year, d.month) == (before.year, before.month) for d in days)
        else:
            reach = 3 if frequency == "weekly" else 7
            delivered = any(abs((d - before).days) <= reach for d in days)
        if delivered:
            kept.append(day)
    return kept


def next_season_name(name: str) -> str:
    """"Légumes 2027" becomes "Légumes 2028", "Œufs 2027-2028" becomes "Œufs 2028-2029"."""
    return re.sub(r"\b(?:19|20)\d\d\b", lambda match: str(int(match.group()) + 1), name)


async def renewal_of(offer_id: int) -> dict | None:
    return await Offer.select(Offer.id, Offer.name).where(Offer.renewed_from == offer_id).first()


async def renew(offer_id: int, by_user: int) -> tuple[int, bool]:
    """A draft for the next season: terms, shares still sold, prices, payment plans and référents
    copied, every date one year later, the calendar regenerated on the same weekday.

    Returns the draft's id and whether it was made now (an offer is renewed once)."""
    async with write_transaction():
        offer = await locked_offer(offer_id)
        if existing := await renewal_of(offer_id):
            return existing["id"], False
        year_later = {key: schedule.add_months(offer[key], 12)
                      for key in ("starts_on", "ends_on", "signup_opens_on", "signup_closes_on")}
        rows = await Offer.insert(Offer(
            farm=offer["farm"], group=offer["group"], name=next_season_name(offer["name"]), **year_later,
            nature=offer["nature"], min_quantity_per_delivery=offer["min_quantity_per_delivery"],
            min_quantity_per_season=offer["min_quantity_per_season"],
            missed_delivery_rule=offer["missed_delivery_rule"], shifts_allowed=offer["shifts_allowed"],
            charter=offer["charter"], renewed_from=offer_id, created_by=by_user,
        )).returning(Offer.id)
        new_id = rows[0]["id"]
        old_days = [row["delivers_on"] for row in await deliveries(offer_id)]
        await add_deliveries(new_id, renewal_calendar(old_days, year_later["starts_on"], year_later["ends_on"]))
        still_sold = {row["id"] for row in await ShareType.select(ShareType.id).where(
            (ShareType.farm == offer["farm"]) & ShareType.archived_at.is_null())}
        for share in await offer_shares(offer_id):
            if share["share_type"] in still_sold:
                await add_share(new_id, share["share_type"], share["capacity"], share["prices"])
        plans = await PaymentPlan.select().where(PaymentPlan.offer == offer_id).order_by(PaymentPlan.id)
        if plans:
            await PaymentPlan.insert(*[PaymentPlan(
                offer=new_id, installments=plan["installments"], method=plan["method"], payee=plan["payee"],
                first_due_on=schedule.add_months(plan["first_due_on"], 12)) for plan in plans])
        people = await referents(offer_id)
        if people:
            await OfferCoordinator.insert(*[OfferCoordinator(offer=new_id, user=person["user"]) for person in people])
    return new_id, True
