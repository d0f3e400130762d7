"""Group lifecycle: invitations, accepting members, appointing the committee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from amap.accounts.services import create_user
from amap.accounts.tables import User
from amap.audit import log as audit
from amap.groups.tables import Coordinator, Group, Invitation, Membership, Place
from amap.lib.db import utcnow, write_transaction
from amap.lib.prepared import prepared
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
    async with write_transaction():
        existing = await Membership.select(Membership.id, Membership.status).where(
            (Membership.household == household_id) & (Membership.group == group_id)
        ).first()
        values = {Membership.status: "active", Membership.accepted_at: utcnow(), Membership.accepted_by: accepted_by}
        if existing:
            membership_id = existing["id"]
            await Membership.update(values).where(Membership.id == membership_id)
        else:
            membership_id = (await Membership.insert(
                Membership(household=household_id, group=group_id, status="active",
                           accepted_at=utcnow(), accepted_by=accepted_by)
            ).returning(Membership.id))[0]["id"]
        await audit.record(group=group_id, kind="membership", subject_id=membership_id, action="joined",
                           actor=accepted_by, details={"household": household_id,
                                                       "before": existing["status"] if existing else None})


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
    """Accept a household, mark it as left or set it back to waiting; False if not the group's."""
    async with write_transaction():
        before = await Membership.select(Membership.status, Membership.household).where(
            (Membership.id == membership_id) & (Membership.group == group_id)).first()
        if before is None:
            return False
        values = {Membership.status: status}
        if status == "active":
            values.update({Membership.accepted_at: utcnow(), Membership.accepted_by: by_user})
        await Membership.update(values).where(Membership.id == membership_id)
        if before["status"] != status:
            await audit.record(group=group_id, kind="membership", subject_id=membership_id, action="status_changed",
                               actor=by_user, details={"household": before["household"], "before": before["status"],
                                                       "after": status})
    return True


async def record_fee(membership_id: int, group_id: int, received_on: date, by_user: int) -> bool:
    """The association's fee was handed over; False if not the group's or already recorded."""
    async with write_transaction():
        rows = await Membership.update({Membership.fee_received_on: received_on,
                                        Membership.fee_received_by: by_user}).where(
            (Membership.id == membership_id) & (Membership.group == group_id) & Membership.fee_received_on.is_null()
        ).returning(Membership.household, Membership.fee_cents)
        if rows:
            await audit.record(group=group_id, kind="membership", subject_id=membership_id, action="fee_received",
                               actor=by_user, details={"household": rows[0]["household"],
                                                       "amount_cents": rows[0]["fee_cents"], "received_on": received_on})
    return bool(rows)


async def appoint_coordinator(group_id: int, user_id: int, by_user: int | None, title: str = "") -> None:
    async with write_transaction():
        already = await Coordinator.exists().where(
            (Coordinator.group == group_id) & (Coordinator.user == user_id) & Coordinator.ended_at.is_null()
        )
        if not already:
            rows = await Coordinator.insert(Coordinator(group=group_id, user=user_id, granted_by=by_user, title=title)
                                            ).returning(Coordinator.id)
            await audit.record(group=group_id, kind="coordinator", subject_id=rows[0]["id"], action="appointed",
                               actor=by_user, details={"user": user_id, "title": title})


async def end_coordinator(coordinator_id: int, group_id: int, by_user: int | None = None) -> bool:
    """Step down: the row stays with its end date, so the committee's history is kept."""
    async with write_transaction():
        rows = await Coordinator.update({Coordinator.ended_at: utcnow()}).where(
            (Coordinator.id == coordinator_id) & (Coordinator.group == group_id) & Coordinator.ended_at.is_null()
        ).returning(Coordinator.id, Coordinator.user, Coordinator.title)
        if rows:
            await audit.record(group=group_id, kind="coordinator", subject_id=coordinator_id, action="stepped_down",
                               actor=by_user, details={"user": rows[0]["user"], "title": rows[0]["title"]})
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


async def own_words(household_id: int | None) -> str:
    """The words of a household's group (Group.vocabulary), the first one's when it is in several; as the
    Principal has them, for what is read without a login (the calendar feed)."""
    if household_id is None:
        return ""
    row = await Membership.select(Membership.group.vocabulary.as_alias("vocabulary")).where(
        (Membership.household == household_id) & (Membership.status == "active")).order_by(Membership.group).first()
    return row["vocabulary"] if row else ""


async def places_of(group_ids: list[int]) -> list[dict]:
    if not group_ids:
        return []
    return await Place.select().where(Place.group.is_in(group_ids)).order_by(Place.weekday).order_by(Place.id)


_GROUPS = prepared(lambda ids: Group.select().where(Group.id.is_in(ids)).order_by(Group.name))


async def groups_by_id(group_ids: list[int]) -> dict[int, dict]:
    if not group_ids:
        return {}
    return {row["id"]: row for row in await _GROUPS(ids=list(group_ids))}
