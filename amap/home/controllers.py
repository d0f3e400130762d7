"""The public front (`/`, `/groups/{slug}`), the member's home (`/me`) and `/healthz`."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template

from amap.accounts.services import household_names
from amap.accounts.tables import User
from amap.contracts.lifecycle import TIER_LABELS
from amap.contracts.member import offers_details
from amap.contracts.tables import Offer, Subscription
from amap.distributions import services as distributions
from amap.distributions.pages import announcement_view, describe_change
from amap.farms.tables import Farm, FarmSupply
from amap.groups.services import next_distribution, places_of
from amap.groups.tables import Group, Membership, Place
from amap.lib.access import Principal, current, requires_login
from amap.lib.dates import local_today
from amap.lib.db import database_ok, utcnow
from amap.lib.i18n import set_vocabulary
from amap.lib.prepared import prepared
from amap.lib.web import page
from amap.network.directory import all_networks
from amap.orders import reads as orders
from amap.payments.listing import BALANCES
from amap.payments.services import Balance
from amap.roster.signups import obligations, shifts_of


async def group_page_context(group: dict) -> dict:
    """What a group's public page shows, in the group's own words: places and times, and the farms it works with."""
    set_vocabulary(group["vocabulary"])
    places = await Place.select().where(Place.group == group["id"]).order_by(Place.weekday)
    supplies = await FarmSupply.select(FarmSupply.farm).where(
        (FarmSupply.group == group["id"]) & FarmSupply.ended_at.is_null()
    )
    farms = []
    if supplies:
        farms = await Farm.select().where(Farm.id.is_in([row["farm"] for row in supplies])).order_by(Farm.name)
    households = await Membership.count().where((Membership.group == group["id"]) & (Membership.status == "active"))
    offers = await offers_details(await Offer.select().where(
        (Offer.group == group["id"]) & (Offer.status == "open")).order_by(Offer.starts_on))
    return {"group": group, "places": places, "farms": farms, "household_count": households, "offers": offers,
            "tiers": TIER_LABELS}


# One query: payments.listing's balances (the rule of payments.services.balances, in SQL), written once.
_MY_CONTRACTS = prepared(lambda household, today: Subscription.raw(BALANCES + """
    SELECT balance.id, balance.status, balance.total_cents, offer.name AS offer_name, farm.name AS farm_name,
      balance.expected_cents, balance.due_cents, balance.received_cents
    FROM balance JOIN offer ON offer.id = balance.offer JOIN farm ON farm.id = offer.farm
    ORDER BY offer.starts_on, balance.id""", today, (
    ((Subscription.household == household) | (Subscription.co_household == household))
    & Subscription.status.is_in(["active", "waiting"])).querystring))


async def my_contracts(household_id: int | None, today) -> list[dict]:
    """The household's current contracts (its own and those it shares), with their balances."""
    if household_id is None:
        return []
    rows = await _MY_CONTRACTS(household=household_id, today=today)
    for row in rows:
        row["balance"] = Balance(row.pop("expected_cents"), row.pop("due_cents"), row.pop("received_cents"))
    return rows


async def next_real_distribution(principal: Principal, groups: dict[int, dict]) -> dict | None:
    """The next distribution of the member's groups that is not cancelled (from today in each group's
    own time), with what the household collects there, its published shares and any cancellation
    on the way; None when the groups have no calendar yet (no contract published)."""
    group_ids = sorted(principal.member_groups)
    coming = await distributions.next_distributions(
        group_ids, {group_id: local_today(groups[group_id]["timezone"]) for group_id in group_ids})
    cancelled = [row for row in coming if row["status"] == "cancelled"]
    distribution = next((row for row in coming if row["status"] != "cancelled"), None)
    if distribution is None:
        return None
    collection = []
    if principal.household_id is not None:
        collection = await distributions.collections([distribution["id"]], [principal.household_id],
                                                     include_other_weeks=True)
    announced = await distributions.announcements_of(sorted({c.delivery_id for c in collection if c.collects}))
    shares = {(c.delivery_id, c.offer_share_id): announcement_view(a)
              for c in collection for a in announced.get(c.delivery_id, []) if a["offer_share"] == c.offer_share_id}
    names = await household_names(c.shared_with for c in collection if c.shared_with)
    changes = []
    if distribution["has_changes"]:
        changes = (await distributions.changes_of([distribution["id"]]))[distribution["id"]]
    return {"distribution": distribution, "group": groups[distribution["group"]], "collection": collection,
            "shares": shares, "household_names": names, "changes": [describe_change(c) for c in changes],
            "cancelled_before": [row for row in cancelled if row["held_on"] <= distribution["held_on"]]}


async def my_orders(principal: Principal, today: date) -> dict:
    """The household's one-off orders still open or to collect, and the windows it has not ordered from."""
    mine, windows = await orders.orders_and_open_windows(principal.household_id, principal.member_groups, utcnow(),
                                                         today)
    mine = [order for order in mine if order["state"] in ("open", "to_collect")]
    mine.sort(key=lambda order: (order["held_on"] or date.max, order["closes_at"]))
    ordered = {order["window"] for order in mine}
    return {"orders": mine, "order_windows": [row for row in windows if row["window"] not in ordered]}


class PublicController(Controller):
    @get("/", name="home")
    async def home(self, request: Request) -> Template:
        groups = await Group.select().order_by(Group.name)
        if len(groups) == 1:
            return page(request, "groups/public.html", **await group_page_context(groups[0]))
        farms = await Farm.select(Farm.name, Farm.slug, Farm.production, Farm.address).order_by(Farm.name)
        return page(request, "home/directory.html", groups=groups, farms=farms, networks=await all_networks())

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


# The household's name with its adults, in one query (the page shows the name and the adults' names).
_ADULTS = prepared(lambda household: User.select(
    User.id, User.name, User.email, User.household.name.as_alias("household_name")).where(
    (User.household == household) & (User.is_active == True)).order_by(User.id))  # noqa: E712


class MeController(Controller):
    @get("/me", name="me", guards=[requires_login])
    async def me(self, request: Request) -> Template:
        principal = current(request)
        groups = dict(principal.groups)  # member (active or pending), committee, farm: all of its groups
        upcoming = []
        coming = await next_real_distribution(principal, groups)
        if coming is None:  # no calendar yet: the usual day of the group's places
            now = utcnow()
            for place in await places_of(sorted(principal.member_groups)):
                group = groups[place["group"]]
                upcoming.append((group, next_distribution(place, group["timezone"], now)))
            upcoming.sort(key=lambda item: item[1].starts)
        household = None
        adults: list[dict] = []
        if principal.household_id is not None:
            adults = await _ADULTS(household=principal.household_id)
            household = {"id": principal.household_id, "name": adults[0]["household_name"]} if adults else None
        today = local_today()
        contracts = await my_contracts(principal.household_id, today)
        shifts = await shifts_of(principal.household_id, today)
        asking = principal.member_groups | principal.coordinator_groups
        progress = await obligations(asking, principal.household_id, today,
                                     groups={group_id: group for group_id, group in groups.items() if group_id in asking})
        return page(request, "home/me.html", groups=groups, coming=coming, upcoming=upcoming, household=household,
                    adults=adults, contracts=contracts, shifts=shifts, obligations=progress,
                    **await my_orders(principal, today))
