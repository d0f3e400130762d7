"""`/api/v1/roster`: open slots of the token holder's groups, signing up for one, leaving one's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from litestar import Controller, Request, delete, get, post
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_409_CONFLICT

from amap.api.params import PathId
from amap.api.ranges import date_range
from amap.errors import api_errors
from amap.lib.access import current, ensure, requires_login
from amap.lib.dates import local_today
from amap.roster import signups
from amap.roster.member import roster_group_ids
from amap.roster.slots import sync_slots
from amap.roster.tables import Signup


@dataclass
class SlotOut:
    id: int
    group_id: int
    group: str
    held_on: date
    starts: datetime
    title: str
    place: str
    distribution_id: int | None
    task_id: int | None
    capacity: int
    taken: int
    free: int
    people: list[str]
    leave_until: datetime


@dataclass
class SignupOut:
    id: int
    slot_id: int
    status: str


def slot_out(row: dict, names: list[str]) -> SlotOut:
    return SlotOut(id=row["id"], group_id=row["group"], group=row["group_name"], held_on=row["held_on"],
                   starts=row["starts"], title=row["title"], place=row["place"], distribution_id=row["distribution"],
                   task_id=row["task"], capacity=row["capacity"], taken=row["taken"], free=row["free"], people=names,
                   leave_until=row["leave_until"])


class ApiRosterController(Controller):
    path = "/api/v1/roster"
    guards = [requires_login]
    security = [{"BearerToken": []}]
    tags = ["roster"]

    @get("", responses=api_errors(400), summary="Slots with free places in the token holder's groups between two dates")
    async def slots(
        self, request: Request,
        from_: Annotated[str | None, QueryParameter(name="from", description="First day, YYYY-MM-DD; today by default")
                         ] = None,
        to: Annotated[str | None, QueryParameter(description="Last day, YYYY-MM-DD; 60 days after the first by default")
                      ] = None,
    ) -> list[SlotOut]:
        first, last = date_range(from_, to, local_today())
        group_ids = roster_group_ids(current(request))
        for group_id in group_ids:
            await sync_slots(group_id)
        return [slot_out(row, row["names"]) for row in await signups.open_slots(group_ids, first, last)]

    @post("/slots/{slot_id:int}/signup", responses=api_errors(400, 404, 409),
          summary="Take a place on a slot (409 when it is full)", status_code=201)
    async def signup(self, request: Request, slot_id: PathId) -> SignupOut:
        principal = current(request)
        row = await signups.slot(slot_id)
        ensure(row is not None and row["group"] in roster_group_ids(principal) and principal.household_id is not None)
        try:
            signup_id = await signups.sign_up(row, principal.id, principal.household_id,
                                              local_today(row["timezone"]))
        except signups.Full as full:
            raise HTTPException(status_code=HTTP_409_CONFLICT, detail=str(full)) from None
        except signups.Refused as refused:
            raise ValidationException(detail=str(refused)) from None
        return SignupOut(id=signup_id, slot_id=slot_id, status="signed")

    @delete("/signups/{signup_id:int}", responses=api_errors(400, 404),
            summary="Leave one's own shift, before the group's notice (else 400)")
    async def leave(self, request: Request, signup_id: PathId) -> None:
        signup = await Signup.select().where(Signup.id == signup_id).first()
        ensure(signup is not None and signup["user"] == current(request).id)
        row = await signups.slot(signup["slot"])
        ensure(row is not None)
        if signup["status"] != "signed":
            raise ValidationException(detail="this sign-up has already ended")
        try:
            await signups.leave(signup_id, row)
        except signups.Refused as refused:
            raise ValidationException(detail=str(refused)) from None
