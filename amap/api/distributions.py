"""`/api/v1/distributions`: the distribution calendar of the token holder's groups with each farm's
delivery, and one distribution with what the holder's household collects there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import QueryParameter

from amap.api.params import PathId
from amap.api.ranges import date_range
from amap.distributions import services
from amap.distributions.calendar import sync_groups
from amap.distributions.tables import Distribution
from amap.errors import api_errors
from amap.lib.access import Principal, current, ensure, requires_login
from amap.lib.dates import local_today


@dataclass
class ChangeOut:
    kind: str
    before: str
    after: str
    reason: str
    changed_at: datetime


@dataclass
class DeliveryOut:
    id: int
    offer_id: int
    offer_name: str
    farm_id: int
    farm: str
    due_on: date
    outcome: str
    delivered_percent: int
    missing: str
    cause: str
    missed_delivery_rule: str
    catch_up_for_id: int | None


@dataclass
class DistributionOut:
    id: int
    group_id: int
    group: str
    held_on: date
    starts_at: time
    ends_at: time
    timezone: str
    place: str | None
    address: str | None
    status: str
    changes: list[ChangeOut]
    deliveries: list[DeliveryOut]


@dataclass
class CollectionOut:
    delivery_id: int
    offer_id: int
    offer_name: str
    farm: str
    offer_share_id: int
    share: str
    quantity: int
    outcome: str
    catch_up_for_id: int | None
    collects: bool
    shared_with_household_id: int | None
    sharing: str


@dataclass
class DistributionDetailOut(DistributionOut):
    collection: list[CollectionOut]


def _group_ids(principal: Principal) -> list[int]:
    return sorted(principal.member_groups | principal.coordinator_groups | principal.farm_groups)


async def _distributions_out(rows: list[dict]) -> list[DistributionOut]:
    ids = [row["id"] for row in rows]
    deliveries: dict[int, list[DeliveryOut]] = {}
    for d in await services.deliveries_of(ids):
        deliveries.setdefault(d["distribution"], []).append(DeliveryOut(
            id=d["id"], offer_id=d["offer"], offer_name=d["offer_name"], farm_id=d["farm"], farm=d["farm_name"],
            due_on=d["due_on"], outcome=d["outcome"], delivered_percent=d["delivered_percent"], missing=d["missing"],
            cause=d["cause"], missed_delivery_rule=d["missed_delivery_rule"], catch_up_for_id=d["catch_up_for"]))
    changes = await services.changes_of(ids)
    return [DistributionOut(
        id=row["id"], group_id=row["group"], group=row["group_name"], held_on=row["held_on"], starts_at=row["starts_at"],
        ends_at=row["ends_at"], timezone=row["timezone"], place=row["place_name"], address=row["place_address"],
        status=row["status"], deliveries=deliveries.get(row["id"], []),
        changes=[ChangeOut(kind=c["kind"], before=c["before"], after=c["after"], reason=c["reason"],
                           changed_at=c["changed_at"]) for c in changes.get(row["id"], [])],
    ) for row in rows]


class ApiDistributionsController(Controller):
    path = "/api/v1/distributions"
    guards = [requires_login]
    security = [{"BearerToken": []}]
    tags = ["distributions"]

    @get("", responses=api_errors(400),
         summary="Distributions of the token holder's groups between two dates, with each farm's delivery")
    async def distributions(
        self, request: Request,
        from_: Annotated[str | None, QueryParameter(name="from", description="First day, YYYY-MM-DD; today by default")
                         ] = None,
        to: Annotated[str | None, QueryParameter(description="Last day, YYYY-MM-DD; 60 days after the first by default")
                      ] = None,
    ) -> list[DistributionOut]:
        principal = current(request)
        first, last = date_range(from_, to, local_today())
        group_ids = _group_ids(principal)
        await sync_groups(group_ids)  # a contract published a minute ago is already there
        query = Distribution.select(*services.distribution_columns()).where(
            (Distribution.held_on >= first) & (Distribution.held_on <= last))
        if not principal.is_admin:
            query = query.where(Distribution.group.is_in(group_ids or [-1]))
        return await _distributions_out(await query.order_by(Distribution.held_on).order_by(
            Distribution.starts_at).order_by(Distribution.id))

    @get("/{distribution_id:int}", responses=api_errors(400, 404),
         summary="One distribution, with what the holder's household collects there")
    async def distribution(self, request: Request, distribution_id: PathId) -> DistributionDetailOut:
        principal = current(request)
        row = await Distribution.select(*services.distribution_columns()).where(
            Distribution.id == distribution_id).first()
        ensure(row is not None and principal.belongs_to(row["group"]))
        summary = (await _distributions_out([row]))[0]
        collection = []
        if principal.household_id is not None:
            collection = await services.collections([distribution_id], [principal.household_id],
                                                    include_other_weeks=True)
        return DistributionDetailOut(**summary.__dict__, collection=[CollectionOut(
            delivery_id=c.delivery_id, offer_id=c.offer_id, offer_name=c.offer_name, farm=c.farm_name,
            offer_share_id=c.offer_share_id, share=c.share_name, quantity=c.quantity, outcome=c.outcome,
            catch_up_for_id=c.catch_up_for, collects=c.collects, shared_with_household_id=c.shared_with,
            sharing=c.sharing) for c in collection])
