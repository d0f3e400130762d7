"""`/api/v1/contracts` and `/api/v1/subscriptions`: offers, signing and signed contracts as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Controller, Request, get, post
from litestar.exceptions import ValidationException
from litestar.params import JSONBody

from amap.api.params import BodyId, BodyInt, BodyText, PathId
from amap.contracts import lifecycle
from amap.contracts.access import visible_offer, visible_subscription
from amap.contracts.member import offer_details
from amap.contracts.tables import Installment, Offer, Subscription
from amap.errors import api_errors
from amap.groups.tables import Group
from amap.lib.access import Principal, current, ensure, requires_login
from amap.lib.dates import local_today
from amap.payments.services import balances
from amap.payments.tables import Payment


@dataclass
class ShareOut:
    id: int
    name: str
    prices_cents: dict[str, int]
    capacity: int
    places_left: int


@dataclass
class PlanOut:
    id: int
    installments: int
    first_due_on: date
    method: str
    payee: str


@dataclass
class ContractOut:
    id: int
    name: str
    farm: str
    group: str
    status: str
    nature: str
    starts_on: date
    ends_on: date
    signup_opens_on: date
    signup_closes_on: date
    version: int


@dataclass
class ContractDetailOut(ContractOut):
    charter: str
    missed_delivery_rule: str
    deliveries: list[date]
    shares: list[ShareOut]
    payment_plans: list[PlanOut]


@dataclass
class SubscribeIn:
    offer_share_id: BodyId
    payment_plan_id: BodyId
    charter_accepted: bool
    tier: BodyText = "standard"
    quantity: BodyInt = 1
    donation_cents: BodyInt = 0


@dataclass
class InstallmentOut:
    number: int
    due_on: date
    amount_cents: int


@dataclass
class PaymentOut:
    received_on: date
    amount_cents: int
    method: str


@dataclass
class SubscriptionOut:
    id: int
    contract_id: int
    contract_version: int
    household_id: int
    status: str
    tier: str
    quantity: int
    price_cents: int
    deliveries: int
    total_cents: int
    received_cents: int
    outstanding_cents: int
    overdue_cents: int


@dataclass
class SubscriptionDetailOut(SubscriptionOut):
    schedule: list[InstallmentOut]
    payments: list[PaymentOut]


def _contract(row: dict) -> dict:
    return {key: row[key] for key in ("id", "name", "status", "nature", "starts_on", "ends_on", "signup_opens_on",
                                      "signup_closes_on", "version")}


async def _visible_offer_ids(principal: Principal) -> list[int]:
    """Open and closed offers of the principal's groups, and every offer they manage."""
    groups = list(principal.member_groups | principal.pending_groups) or [-1]
    managed_groups = list(principal.coordinator_groups) or [-1]
    farms = list(principal.farms) or [-1]
    query = Offer.select(Offer.id)
    if not principal.is_admin:
        query = query.where((Offer.group.is_in(groups) & (Offer.status != "draft"))
                            | Offer.group.is_in(managed_groups) | Offer.farm.is_in(farms))
    return [row["id"] for row in await query]


async def _subscriptions_out(rows: list[dict], today: date) -> list[SubscriptionOut]:
    owed = await balances([row["id"] for row in rows], today)
    return [SubscriptionOut(
        id=row["id"], contract_id=row["offer"], contract_version=row["offer_version"], household_id=row["household"],
        status=row["status"], tier=row["tier"], quantity=row["quantity"], price_cents=row["price_cents"],
        deliveries=row["deliveries"], total_cents=row["total_cents"], received_cents=owed[row["id"]].received_cents,
        outstanding_cents=owed[row["id"]].outstanding_cents, overdue_cents=owed[row["id"]].overdue_cents,
    ) for row in rows]


class ApiContractsController(Controller):
    path = "/api/v1"
    guards = [requires_login]
    security = [{"BearerToken": []}]
    tags = ["contracts"]

    @get("/contracts", responses=api_errors(), summary="Contract offers the token holder may see")
    async def contracts(self, request: Request) -> list[ContractOut]:
        ids = await _visible_offer_ids(current(request))
        rows = await Offer.select(Offer.all_columns(), Offer.farm.name.as_alias("farm_name"),
                                  Offer.group.name.as_alias("group_name")).where(
            Offer.id.is_in(ids or [-1])).order_by(Offer.starts_on)
        return [ContractOut(**_contract(row), farm=row["farm_name"], group=row["group_name"]) for row in rows]

    @get("/contracts/{offer_id:int}", responses=api_errors(400, 404),
         summary="One contract offer: shares, prices, calendar, payment plans")
    async def contract(self, request: Request, offer_id: PathId) -> ContractDetailOut:
        details = await offer_details(await visible_offer(current(request), offer_id))
        offer = details["offer"]
        return ContractDetailOut(
            **_contract(offer), farm=details["farm_name"], group=details["group_name"], charter=offer["charter"],
            missed_delivery_rule=offer["missed_delivery_rule"], deliveries=details["deliveries"],
            shares=[ShareOut(id=s["id"], name=s["name"], prices_cents=s["prices"], capacity=s["capacity"],
                             places_left=s["places_left"]) for s in details["shares"]],
            payment_plans=[PlanOut(id=p["id"], installments=p["installments"], first_due_on=p["first_due_on"],
                                   method=p["method"], payee=p["payee"]) for p in details["plans"]],
        )

    @post("/contracts/{offer_id:int}/subscriptions", responses=api_errors(400, 404),
          summary="Sign a contract for the token holder's household")
    async def subscribe(self, request: Request, offer_id: PathId, data: JSONBody[SubscribeIn]) -> SubscriptionOut:
        principal = current(request)
        offer = await visible_offer(principal, offer_id)
        ensure(offer["group"] in (principal.member_groups | principal.pending_groups)
               and principal.household_id is not None)
        if not data.charter_accepted:
            raise ValidationException(detail="charter_accepted: the charter must be accepted to sign")
        group = await Group.select(Group.timezone).where(Group.id == offer["group"]).first()
        try:
            row = await lifecycle.sign(lifecycle.SignRequest(
                offer_id=offer_id, household_id=principal.household_id, user_id=principal.id,
                offer_share_id=data.offer_share_id, tier=data.tier, quantity=data.quantity,
                payment_plan_id=data.payment_plan_id, today=local_today(group["timezone"]),
                donation_cents=data.donation_cents))
        except lifecycle.SigningError as error:
            raise ValidationException(detail=f"{error.field}: {error.message}") from error
        return (await _subscriptions_out([row], local_today(group["timezone"])))[0]

    @get("/subscriptions", responses=api_errors(),
         summary="Signed contracts: the household's own, or those of a farm or group managed")
    async def subscriptions(self, request: Request) -> list[SubscriptionOut]:
        principal = current(request)
        query = Subscription.select()
        if not principal.is_admin:
            household = principal.household_id or -1
            query = query.where((Subscription.household == household) | (Subscription.co_household == household)
                                | Subscription.offer.farm.is_in(list(principal.farms) or [-1])
                                | Subscription.offer.group.is_in(list(principal.coordinator_groups) or [-1]))
        return await _subscriptions_out(await query.order_by(Subscription.id), local_today())

    @get("/subscriptions/{subscription_id:int}", responses=api_errors(400, 404),
         summary="One signed contract with its schedule and payments")
    async def subscription(self, request: Request, subscription_id: PathId) -> SubscriptionDetailOut:
        row = await visible_subscription(current(request), subscription_id)
        summary = (await _subscriptions_out([row], local_today()))[0]
        schedule = await Installment.select().where(Installment.subscription == subscription_id).order_by(
            Installment.number)
        payments = await Payment.select().where(Payment.subscription == subscription_id).order_by(Payment.received_on)
        return SubscriptionDetailOut(
            **summary.__dict__,
            schedule=[InstallmentOut(number=i["number"], due_on=i["due_on"], amount_cents=i["amount_cents"])
                      for i in schedule],
            payments=[PaymentOut(received_on=p["received_on"], amount_cents=p["amount_cents"], method=p["method"])
                      for p in payments],
        )
