"""`/farm`: the farm's dashboard — its groups, offers, share types, money secured, and its profile."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.contracts.offers import farm_offers, farm_share_types
from amap.contracts.tables import Subscription
from amap.distributions.tables import Delivery
from amap.farms.access import chosen_farm, my_farms
from amap.farms.tables import Farm, Farmer, FarmSupply
from amap.lib.access import current, requires_farmer
from amap.lib.dates import local_today
from amap.lib.db import utcnow
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.prepared import prepared
from amap.lib.web import form_data, notice, page, see_other
from amap.orders.windows import farm_windows, state
from amap.payments.listing import totals_by_offer
from amap.payments.services import LISTED, Month, month_of, months_between, recent_offers

PROFILE_FIELDS = ("name", "production", "description", "address", "practices")


# The farm's money by day, added up by the database; each {} is the listed subscriptions' condition. The
# sums are cast: PostgreSQL adds bigints up into numeric, which Python reads as Decimal. No CTE shared by
# the three parts: PostgreSQL plans each part better with the condition on `subscription` itself.
MONEY_BY_DAY = """
SELECT 'expected' AS kind, due_on AS day,
  CAST(SUM(CASE WHEN owed_cents <= before_cents THEN 0 WHEN owed_cents - before_cents < amount_cents
                THEN owed_cents - before_cents ELSE amount_cents END) AS BIGINT) AS cents
FROM (
  SELECT installment.due_on, installment.amount_cents,
    CASE WHEN subscription.total_cents > COALESCE(refunds.cents, 0)
         THEN subscription.total_cents - COALESCE(refunds.cents, 0) ELSE 0 END AS owed_cents,
    COALESCE(SUM(installment.amount_cents) OVER (PARTITION BY installment.subscription
      ORDER BY installment.due_on, installment.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before_cents
  FROM installment JOIN subscription ON subscription.id = installment.subscription
  LEFT JOIN (SELECT amendment.subscription, SUM(amendment.refund_cents) AS cents FROM amendment
             WHERE amendment.kind = 'leave' AND amendment.status = 'approved'
             GROUP BY amendment.subscription) refunds ON refunds.subscription = subscription.id
  WHERE {}
) scheduled
GROUP BY due_on
UNION ALL
SELECT 'received', payment.received_on, CAST(SUM(payment.amount_cents) AS BIGINT)
FROM payment JOIN subscription ON subscription.id = payment.subscription
WHERE {} GROUP BY payment.received_on
UNION ALL
SELECT 'delivered', offer_delivery.delivers_on,
  CAST(SUM(subscription.price_cents * CASE WHEN offer.nature <> 'variable' THEN subscription.quantity
    ELSE COALESCE((SELECT SUM(subscription_quantity.quantity) FROM subscription_quantity
                   WHERE subscription_quantity.subscription = subscription.id
                     AND subscription_quantity.delivers_on = offer_delivery.delivers_on), 0) END) AS BIGINT)
FROM subscription JOIN offer ON offer.id = subscription.offer
  JOIN offer_delivery ON offer_delivery.offer = subscription.offer
WHERE {} AND offer_delivery.delivers_on >= subscription.first_delivery_on
  AND (subscription.ended_on IS NULL OR offer_delivery.delivers_on < subscription.ended_on)
GROUP BY offer_delivery.delivers_on
"""


def _money_by_day(offers: list):
    condition = (Subscription.offer.is_in(offers) & Subscription.status.is_in(list(LISTED))
                 & Subscription.first_delivery_on.is_not_null())
    return Subscription.raw(MONEY_BY_DAY, *[condition.querystring] * MONEY_BY_DAY.count("{}"))


# The dashboard's reads, their SQL written once (amap.lib.prepared).
_MONEY_BY_DAY = prepared(_money_by_day)
_COMING = prepared(lambda farm, today, limit: Delivery.select(
    Delivery.id, Delivery.outcome, Delivery.distribution, Delivery.distribution.held_on.as_alias("held_on"),
    Delivery.offer.name.as_alias("offer_name"), Delivery.distribution.group.name.as_alias("group_name"),
).where((Delivery.offer.farm == farm) & (Delivery.distribution.held_on >= today)
        & (Delivery.distribution.status == "planned")).order_by(Delivery.distribution.held_on).limit(limit),
    shaping=("limit",))
_GROUPS = prepared(lambda farm: FarmSupply.select(
    FarmSupply.group.name.as_alias("name"), FarmSupply.group.slug.as_alias("slug"),
    FarmSupply.group.city.as_alias("city"), FarmSupply.since,
).where((FarmSupply.farm == farm) & FarmSupply.ended_at.is_null()).order_by(FarmSupply.group.name))
_FARMERS = prepared(lambda farm: Farmer.select(
    Farmer.user.name.as_alias("name"), Farmer.user.email.as_alias("email")).where(
    (Farmer.farm == farm) & Farmer.ended_at.is_null()))


async def money_by_month(offer_ids: list[int], today: date) -> list[Month]:
    """payments.services.monthly_balances, added up by the database in one query (the Python version
    read every installment and payment and walked every subscription's calendar: 30 ms for a farm
    of 600 subscriptions). The schedule stops at what is owed: an installment counts what is left of
    the owed money after the earlier ones (the same sum per day whatever the order of equal dates)."""
    if not offer_ids:
        return []
    money: dict[str, dict[date, int]] = {"expected": defaultdict(int), "received": defaultdict(int),
                                         "delivered": defaultdict(int)}
    for row in await _MONEY_BY_DAY(offers=offer_ids):
        day = date.fromisoformat(row["day"]) if isinstance(row["day"], str) else row["day"]  # SQLite: text
        money[row["kind"]][month_of(day)] += row["cents"]
    return months_between(money["expected"], money["received"], money["delivered"], today)


async def payments_overview(farm_id: int, today: date) -> dict:
    """The payments part of the farm's dashboard: each recent offer's balance, the months, the chart."""
    offers = await recent_offers(farm_id, today)
    totals = await totals_by_offer([offer["id"] for offer in offers], today)
    for offer in offers:
        offer["totals"] = totals[offer["id"]]
    months = await money_by_month([offer["id"] for offer in offers], today)
    chart = {
        "months": [m.starts_on.isoformat() for m in months],
        "received": [m.received_to_date_cents for m in months],
        "delivered": [m.delivered_to_date_cents for m in months],
    }
    return {"payment_offers": offers, "payment_months": months, "payment_chart": chart}


async def running_windows(farm_id: int) -> list[dict]:
    """The farm's order windows not closed yet (drafts included: they wait to be published)."""
    now = utcnow()
    return [window for window in await farm_windows(farm_id) if state(window, now) != "closed"]


async def coming_deliveries(farm_id: int, today, limit: int = 6) -> list[dict]:
    """The farm's next deliveries, to announce the share and print the delivery note."""
    return await _COMING(farm=farm_id, today=today, limit=limit)


class FarmController(Controller):
    path = "/farm"
    guards = [requires_farmer]

    async def _render(self, request: Request, farm_slug: str | None, form: Form | None = None,
                      status_code: int = 200) -> Template:
        farms = await my_farms(current(request))
        farm = await chosen_farm(current(request), farms, farm_slug)
        groups = await _GROUPS(farm=farm["id"])
        farmers = await _FARMERS(farm=farm["id"])
        return page(request, "farms/dashboard.html", status_code=status_code, farm=farm, farms=farms,
                    groups=groups, farmers=farmers,
                    **await payments_overview(farm["id"], local_today()),
                    form=form or Form({key: str(farm[key]) for key in PROFILE_FIELDS}),
                    offers=await farm_offers(farm["id"]), share_types=await farm_share_types(farm["id"]),
                    coming=await coming_deliveries(farm["id"], local_today()),
                    windows=await running_windows(farm["id"]),
                    share_type_form=Form())

    @get("", name="farm")
    async def dashboard(self, request: Request, farm: FromQuery[str | None] = None) -> Template:
        return await self._render(request, farm)

    @post("/{slug:str}")
    async def update_profile(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        farm = await chosen_farm(current(request), [], slug)
        form = Form(await form_data(request))
        values = {
            Farm.name: form.text("name"),
            Farm.production: form.text("production", required=False),
            Farm.description: form.text("description", required=False, max_length=5000),
            Farm.address: form.text("address", required=False, max_length=300),
            Farm.practices: form.text("practices", required=False, max_length=5000),
        }
        if not form.ok:
            return await self._render(request, slug, form, status_code=400)
        await Farm.update(values).where(Farm.id == farm["id"])
        notice(request, _("The farm's profile is saved."))
        return see_other(f"/farm?farm={slug}")
