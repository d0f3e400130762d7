"""The public front (`/`, `/groups/{slug}`), the member's home (`/me`) and `/healthz`."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template

from amap.accounts.tables import Household, User
from amap.contracts.lifecycle import TIER_LABELS
from amap.contracts.member import offer_details
from amap.contracts.tables import Offer, Subscription
from amap.farms.tables import Farm, FarmSupply
from amap.groups.services import groups_by_id, next_distribution, places_of
from amap.groups.tables import Group, Membership, Place
from amap.lib.access import current, requires_login
from amap.lib.dates import local_today
from amap.lib.db import database_ok, utcnow
from amap.lib.web import page
from amap.payments.services import balances


async def group_page_context(group: dict) -> dict:
    """What a group's public page shows: places and times, and the farms it works with."""
    places = await Place.select().where(Place.group == group["id"]).order_by(Place.weekday)
    supplies = await FarmSupply.select(FarmSupply.farm).where(
        (FarmSupply.group == group["id"]) & FarmSupply.ended_at.is_null()
    )
    farms = []
    if supplies:
        farms = await Farm.select().where(Farm.id.is_in([row["farm"] for row in supplies])).order_by(Farm.name)
    households = await Membership.count().where((Membership.group == group["id"]) & (Membership.status == "active"))
    offers = [await offer_details(offer) for offer in await Offer.select().where(
        (Offer.group == group["id"]) & (Offer.status == "open")).order_by(Offer.starts_on)]
    return {"group": group, "places": places, "farms": farms, "household_count": households, "offers": offers,
            "tiers": TIER_LABELS}


async def my_contracts(household_id: int | None, today) -> list[dict]:
    """The household's current contracts (its own and those it shares), with their balances."""
    if household_id is None:
        return []
    rows = await Subscription.select(
        Subscription.id, Subscription.status, Subscription.total_cents, Subscription.offer.name.as_alias("offer_name"),
        Subscription.offer.farm.name.as_alias("farm_name"),
    ).where(((Subscription.household == household_id) | (Subscription.co_household == household_id))
            & Subscription.status.is_in(["active", "waiting"])).order_by(Subscription.offer.starts_on)
    owed = await balances([row["id"] for row in rows], today)
    for row in rows:
        row["balance"] = owed[row["id"]]
    return rows


class PublicController(Controller):
    @get("/", name="home")
    async def home(self, request: Request) -> Template:
        groups = await Group.select().order_by(Group.name)
        if len(groups) == 1:
            return page(request, "groups/public.html", **await group_page_context(groups[0]))
        farms = await Farm.select(Farm.name, Farm.slug, Farm.production, Farm.address).order_by(Farm.name)
        return page(request, "home/directory.html", groups=groups, farms=farms)

    @get("/groups/{slug:str}", name="group_page")
    async def group(self, request: Request, slug: FromPath[str]) -> Template:
        group = await Group.select().where(Group.slug == slug).first()
        if group is None:
            raise NotFoundException()
        return page(request, "groups/public.html", **await group_page_context(group))

    @get("/healthz", name="healthz", exclude_from_auth=True)
    async def healthz(self) -> Response[dict]:
        ok = await database_ok()
        return Response(
            {"status": "ok" if ok else "error", "database": "ok" if ok else "unreachable"},
            status_code=200 if ok else 503,
            headers={"Cache-Control": "no-store"},
        )


class MeController(Controller):
    @get("/me", name="me", guards=[requires_login])
    async def me(self, request: Request) -> Template:
        principal = current(request)
        group_ids = sorted(principal.member_groups | principal.pending_groups | principal.coordinator_groups
                           | principal.farm_groups)
        groups = await groups_by_id(group_ids)
        now = utcnow()
        upcoming = []
        for place in await places_of(sorted(principal.member_groups)):
            group = groups[place["group"]]
            upcoming.append((group, next_distribution(place, group["timezone"], now)))
        upcoming.sort(key=lambda item: item[1].starts)
        household = None
        adults: list[dict] = []
        if principal.household_id is not None:
            household = await Household.select().where(Household.id == principal.household_id).first()
            adults = await User.select(User.id, User.name, User.email).where(
                User.household == principal.household_id
            ).order_by(User.id)
        contracts = await my_contracts(principal.household_id, local_today())
        return page(request, "home/me.html", groups=groups, upcoming=upcoming, household=household, adults=adults,
                    contracts=contracts)
