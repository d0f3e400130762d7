"""Reading the audit log: a group's latest events, page by page, and one object's whole history,
each event with who did it and what it means in words."""

from __future__ import annotations

from dataclasses import dataclass

from amap.accounts.tables import Household, User
from amap.audit import describe
from amap.audit.tables import AuditEvent
from amap.lib.prepared import prepared


@dataclass(frozen=True)
class Line:
    id: int
    at: object  # aware datetime
    who: str  # the actor's name; "" for a job or the system
    what: str  # the sentence
    about: str  # which object: "Contract · Foyer Martin · Légumes 2027"
    kind: str
    subject_id: int
    link_kind: str  # the object whose history the line links to: its parent when it has one
    link_id: int


def _columns() -> list:
    return [AuditEvent.all_columns(), AuditEvent.actor.name.as_alias("actor_name")]


async def _names(events: list[dict]) -> describe.Names:
    """The households and people the events name, looked up now (an anonymised person shows as such)."""
    households = {event["details"].get(key) for event in events for key in ("household", "co_household")}
    users = {event["details"].get("user") for event in events}
    households = {h for h in households if isinstance(h, int)}
    users = {u for u in users if isinstance(u, int)}
    # Both queries always run (finding nothing if need be): a page reads as often whatever it shows.
    household_rows = await Household.select(Household.id, Household.name).where(
        Household.id.is_in(sorted(households) or [-1]))
    user_rows = await User.select(User.id, User.name).where(User.id.is_in(sorted(users) or [-1]))
    return {"household": {row["id"]: row["name"] for row in household_rows},
            "user": {row["id"]: row["name"] for row in user_rows}}


async def _lines(events: list[dict]) -> list[Line]:
    names = await _names(events)
    lines = []
    for event in events:
        if not isinstance(event["details"], dict):
            event["details"] = {}
        parent = event["parent_kind"] and event["parent_id"] is not None
        lines.append(Line(
            id=event["id"], at=event["at"], who=event["actor_name"] or "", what=describe.sentence(event, names),
            about=describe.context(event, names), kind=event["subject_kind"], subject_id=event["subject_id"],
            link_kind=event["parent_kind"] if parent else event["subject_kind"],
            link_id=event["parent_id"] if parent else event["subject_id"]))
    return lines


async def count(group_id: int, kind: str | None = None) -> int:
    where = AuditEvent.group == group_id
    if kind:
        where &= AuditEvent.subject_kind == kind
    return await AuditEvent.count().where(where)


async def latest(group_id: int, kind: str | None = None, *, limit: int, offset: int = 0) -> list[Line]:
    """A page of the group's events, newest first."""
    where = AuditEvent.group == group_id
    if kind:
        where &= AuditEvent.subject_kind == kind
    events = await AuditEvent.select(*_columns()).where(where).order_by(AuditEvent.at, ascending=False).order_by(
        AuditEvent.id, ascending=False).limit(limit).offset(offset).output(load_json=True)
    return await _lines(events)


def _about(kind: str, subject_id: int):
    return (((AuditEvent.subject_kind == kind) & (AuditEvent.subject_id == subject_id))
            | ((AuditEvent.parent_kind == kind) & (AuditEvent.parent_id == subject_id)))


async def of_object(group_id: int, kind: str, subject_id: int) -> list[Line]:
    """Everything recorded about one object of the group and its parts (a contract's payments),
    oldest first: the object's story. Empty for another group's object."""
    events = await AuditEvent.select(*_columns()).where(
        (AuditEvent.group == group_id) & _about(kind, subject_id)
    ).order_by(AuditEvent.at).order_by(AuditEvent.id).output(load_json=True)
    return await _lines(events)


# Asked by the subscription and distribution pages on every view: its SQL is written once.
_ANY_EVENT = prepared(lambda group, kind, subject: AuditEvent.select(AuditEvent.id).where(
    (AuditEvent.group == group) & _about(kind, subject)).first())


async def has_history(group_id: int, kind: str, subject_id: int) -> bool:
    """Whether the object has anything to show, so pages link to its history only then."""
    return await _ANY_EVENT(group=group_id, kind=kind, subject=subject_id) is not None


def history_url(slug: str, kind: str, subject_id: int) -> str:
    return f"/committee/{slug}/history/{kind}/{subject_id}"
