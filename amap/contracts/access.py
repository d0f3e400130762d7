"""Who may see or manage an offer or a subscription (404 for everyone else)."""

from __future__ import annotations

from piccolo.querystring import QueryString

from amap.contracts.tables import Offer, OfferCoordinator, Subscription
from amap.lib.access import Principal, ensure
from amap.lib.prepared import prepared

# Read on every view of a subscription or a contract: their SQL is written once (amap.lib.prepared).
_REFERENT = prepared(lambda offer, user: OfferCoordinator.select(OfferCoordinator.id).where(
    (OfferCoordinator.offer == offer) & (OfferCoordinator.user == user) & OfferCoordinator.ended_at.is_null()
).first())
_OFFER = prepared(lambda offer: Offer.select().where(Offer.id == offer).first())
_SUBSCRIPTION = prepared(lambda subscription: Subscription.select(
    Subscription.all_columns(), Subscription.offer.farm.as_alias("farm"), Subscription.offer.group.as_alias("group"),
    Subscription.household.name.as_alias("household_name"), Subscription.co_household.name.as_alias("co_household_name"),
    Subscription.offer_share.share_type.name.as_alias("share_name"),
).where(Subscription.id == subscription).first())


async def is_referent(principal: Principal, offer_id: int) -> bool:
    return await _REFERENT(offer=offer_id, user=principal.id) is not None


def referent_of_subscriptions_offer(user: object) -> QueryString:
    """A column of a Subscription select, "referent": whether `user` is a référent of the subscription's
    offer, read with it (what `is_referent` asks in a query of its own)."""
    return QueryString(
        f'EXISTS (SELECT 1 FROM {OfferCoordinator._meta.tablename} AS named WHERE named.offer = '
        f'"{Subscription._meta.tablename}"."offer" AND named."user" = {{}} AND named.ended_at IS NULL)',
        user, alias="referent")


def manages(principal: Principal, offer: dict, referent: bool) -> bool:
    """`can_manage_offer` once whether the principal is a référent of the offer is known."""
    return principal.runs_farm(offer["farm"]) or principal.coordinates(offer["group"]) or referent


async def can_manage_offer(principal: Principal, offer: dict) -> bool:
    """The farm's farmers, the group's committee and the offer's référents manage an offer."""
    return manages(principal, offer, False) or await is_referent(principal, offer["id"])


def in_household(principal: Principal, subscription: dict) -> bool:
    """The principal's household holds the subscription, alone or with its co-household (a person
    with no household holds none: None would match a subscription's empty co-household)."""
    return principal.household_id is not None and principal.household_id in (
        subscription["household"], subscription["co_household"])


async def managed_offer(principal: Principal, offer_id: int) -> dict:
    offer = await _OFFER(offer=offer_id)
    ensure(offer is not None and await can_manage_offer(principal, offer))
    return offer


async def visible_subscription(principal: Principal, subscription_id: int) -> dict:
    """A subscription for its household, its farm and its group's committee; 404 for anyone else.
    With its offer's farm and group, and the names of its households and share (as its page shows them)."""
    subscription = await _SUBSCRIPTION(subscription=subscription_id)
    ensure(subscription is not None and (
        in_household(principal, subscription)
        or await can_manage_offer(principal, {"id": subscription["offer"], "farm": subscription["farm"],
                                              "group": subscription["group"]})
    ))
    return subscription


async def visible_offer(principal: Principal, offer_id: int) -> dict:
    """Open and closed offers for the group's households (pending ones too: they join by signing);
    drafts only for those who manage the offer."""
    offer = await _OFFER(offer=offer_id)
    ensure(offer is not None)
    in_group = offer["group"] in (principal.member_groups | principal.pending_groups)
    ensure((in_group and offer["status"] != "draft") or await can_manage_offer(principal, offer))
    return offer
