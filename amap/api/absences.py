"""`/api/v1/absences`: a household declares an absence from a distribution, as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Controller, Request, post
from litestar.exceptions import ValidationException
from litestar.params import JSONBody

from amap.api.params import BodyId, BodyText
from amap.distributions.absences import AbsenceError, Declaration, declare, distribution_columns
from amap.distributions.tables import Absence, Distribution
from amap.errors import api_errors
from amap.lib.access import current, ensure, requires_login
from amap.lib.db import utcnow


@dataclass
class AbsenceIn:
    distribution_id: BodyId
    choice: BodyText
    """collector | offered | donated | shifted"""
    collector_email: BodyText = ""
    """For "collector": an adult of another member household…"""
    collector_name: BodyText = ""
    """…or a guest's name."""


@dataclass
class AbsenceOut:
    id: int
    distribution_id: int
    household_id: int
    choice: str
    collector_household_id: int | None
    collector_name: str
    declared_at: datetime


class ApiAbsencesController(Controller):
    path = "/api/v1"
    guards = [requires_login]
    security = [{"BearerToken": []}]
    tags = ["distributions"]

    @post("/absences", responses=api_errors(400, 404),
          summary="Declare the token holder's household absent from a distribution")
    async def declare_absence(self, request: Request, data: JSONBody[AbsenceIn]) -> AbsenceOut:
        """Before the group's deadline only; 400 says why an absence is refused."""
        principal = current(request)
        distribution = await Distribution.select(*distribution_columns()).where(
            Distribution.id == data.distribution_id).first()
        ensure(distribution is not None and distribution["group"] in principal.member_groups
               and principal.household_id is not None)
        try:
            ids = await declare(Declaration(household_id=principal.household_id, user_id=principal.id,
                                            choice=data.choice, collector_email=data.collector_email,
                                            collector_name=data.collector_name),
                                [distribution], utcnow(), field="distribution_id")
        except AbsenceError as refused:
            raise ValidationException(detail=str(refused)) from refused
        row = await Absence.select().where(Absence.id == ids[0]).first()
        return AbsenceOut(id=row["id"], distribution_id=row["distribution"], household_id=row["household"],
                          choice=row["choice"], collector_household_id=row["collector_household"],
                          collector_name=row["collector_name"], declared_at=row["declared_at"])
