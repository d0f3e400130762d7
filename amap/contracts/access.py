"""Who may see or manage an offer or a subscription (404 for everyone else)."""

from __future__ import annotations

from amap.contracts.tables import Offer, OfferCoordinator, Subscription
from amap.lib.access import Principal, ensure


async def is_referent(principal: Principal, offer_id: int) -> bool:
    return await OfferCoordinator.exists().where(
        (OfferCoordinator.offer == offer_id) & (OfferCoordinator.user == principal.id)
        & OfferCoordinator.ended_at.is_null())


async def can_manage_offer(principal: Principal, offer: dict) -> bool:
    """The farm's farmers, the group's committee and the offer's référents manage an offer."""
    return (principal.runs_farm(offer["farm"]) or principal.coordinates(offer["group"])
            or await is_referent(principal, offer["id"]))


async def managed_offer(principal: Principal, offer_id: int) -> dict:
    offer = await Offer.select().where(Offer.id == offer_id).first()
    ensure(offer is not None and await can_manage_offer(principal, offer))
    return offer


async def visible_subscription(principal: Principal, subscription_id: int) -> dict:
    """A subscription for its household, its farm and its group's committee; 404 for anyone else."""
    subscription = await Subscription.select(
        Subscription.all_columns(), Subscription.offer.farm.as_alias("farm"), Subscription.offer.group.as_alias("group"),
    ).where(Subscription.id == subscription_id).first()
    ensure(subscription is not None and (
        principal.household_id in (subscription["household"], subscription["co_household"])
        or await can_manage_offer(principal, {"id": subscription["offer"], "farm": subscription["farm"],
                                              "group": subscription["group"]})
    ))
    return subscription


async def visible_offer(principal: Principal, offer_id: int) -> dict:
    """Open and closed offers for the group's households (pending ones too: they join by signing);
    drafts only for those who manage the offer."""
    offer = await Offer.select().where(Offer.id == offer_id).first()
    ensure(offer is not None)
    in_group = offer["group"] in (principal.member_groups | principal.pending_groups)
    ensure((in_group and offer["status"] != "draft") or await can_manage_offer(principal, offer))
    return offer
