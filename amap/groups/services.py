"""Group lifecycle: invitations, accepting members, appointing the committee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from amap.accounts.services import create_user
from amap.accounts.tables import User
from amap.groups.tables import Coordinator, Group, Invitation, Membership, Place
from amap.lib.db import utcnow, write_transaction
from amap.lib.security import hash_password, new_token, token_digest

INVITATION_LIFETIME = timedelta(days=21)


async def invite(*, email: str, invited_by: int | None, group_id: int | None = None,
                 household_id: int | None = None) -> str:
    token = new_token()
    await Invitation.insert(
        Invitation(
            group=group_id,
            household=household_id,
            email=email.lower(),
            token_digest=token_digest(token),
            invited_by=invited_by,
            expires_at=utcnow() + INVITATION_LIFETIME,
        )
    )
    return token


async def open_invitation(token: str) -> dict | None:
    return await Invitation.select(
        Invitation.all_columns(), Invitation.group.name.as_alias("group_name"),
        Invitation.household.name.as_alias("household_name"),
    ).where(
        (Invitation.token_digest == token_digest(token))
        & Invitation.accepted_at.is_null()
        & (Invitation.expires_at > utcnow())
    ).first()


async def join_group(household_id: int, group_id: int, accepted_by: int | None) -> None:
    """Make the household an active member, whatever its earlier status was."""
    existing = await Membership.select(Membership.id).where(
        (Membership.household == household_id) & (Membership.group == group_id)
    ).first()
    values = {Membership.status: "active", Membership.accepted_at: utcnow(), Membership.accepted_by: accepted_by}
    if existing:
        await Membership.update(values).where(Membership.id == existing["id"])
    else:
        await Membership.insert(
            Membership(household=household_id, group=group_id, status="active",
                       accepted_at=utcnow(), accepted_by=accepted_by)
        )


async def accept_invitation_as_new_user(invitation: dict, *, name: str, password: str) -> int:
    """Create the invited person's account; returns the new user's id."""
    password_hash = await hash_password(password)
    async with write_transaction():
        user_id = await create_user(
            invitation["email"], name, None, household_id=invitation["household"], password_hash=password_hash
        )
        await _mark_accepted(invitation)
        if invitation["group"] is not None:
            household = await User.select(User.household).where(User.id == user_id).first()
            await join_group(household["household"], invitation["group"], invitation["invited_by"])
    return user_id


async def accept_invitation_as_existing_user(invitation: dict, user_id: int, household_id: int) -> None:
    async with write_transaction():
        await _mark_accepted(invitation)
        if invitation["group"] is not None:
            await join_group(household_id, invitation["group"], invitation["invited_by"])


async def _mark_accepted(invitation: dict) -> None:
    await Invitation.update({Invitation.accepted_at: utcnow()}).where(Invitation.id == invitation["id"])


async def set_membership_status(membership_id: int, group_id: int, status: str, by_user: int) -> bool:
    values = {Membership.status: status}
    if status == "active":
        values.update({Membership.accepted_at: utcnow(), Membership.accepted_by: by_user})
    rows = await Membership.update(values).where(
        (Membership.id == membership_id) & (Membership.group == group_id)
    ).returning(Membership.id)
    return bool(rows)


async def appoint_coordinator(group_id: int, user_id: int, by_user: int, title: str = "") -> None:
    already = await Coordinator.exists().where(
        (Coordinator.group == group_id) & (Coordinator.user == user_id) & Coordinator.ended_at.is_null()
    )
    if not already:
        await Coordinator.insert(Coordinator(group=group_id, user=user_id, granted_by=by_user, title=title))


async def end_coordinator(coordinator_id: int, group_id: int) -> bool:
    """Step down: the row stays with its end date, so the committee's history is kept."""
    rows = await Coordinator.update({Coordinator.ended_at: utcnow()}).where(
        (Coordinator.id == coordinator_id) & (Coordinator.group == group_id) & Coordinator.ended_at.is_null()
    ).returning(Coordinator.id)
    return bool(rows)


@dataclass(frozen=True)
class NextDistribution:
    place: dict
    starts: datetime
    ends: datetime


def next_distribution(place: dict, timezone: str, now: datetime) -> NextDistribution:
    """The next time the place's weekly distribution window is open or still to come."""
    tz = ZoneInfo(timezone)
    local_now = now.astimezone(tz)
    day: date = local_now.date()
    for _ in range(8):
        if day.weekday() == place["weekday"]:
            ends = datetime.combine(day, place["ends_at"], tzinfo=tz)
            if ends > local_now:
                return NextDistribution(place, datetime.combine(day, place["starts_at"], tzinfo=tz), ends)
        day += timedelta(days=1)
    raise AssertionError("a weekday recurs within eight days")


async def places_of(group_ids: list[int]) -> list[dict]:
    if not group_ids:
        return []
    return await Place.select().where(Place.group.is_in(group_ids)).order_by(Place.weekday).order_by(Place.id)


async def groups_by_id(group_ids: list[int]) -> dict[int, dict]:
    if not group_ids:
        return {}
    rows = await Group.select().where(Group.id.is_in(group_ids)).order_by(Group.name)
    return {row["id"]: row for row in rows}
