"""What a person chose to receive: the kinds their roles make relevant, and their refusals (OptOut rows)."""

from __future__ import annotations

from collections.abc import Iterable

from amap.lib.access import Principal
from amap.lib.db import write_transaction
from amap.notifications.kinds import KINDS, Kind
from amap.notifications.tables import OptOut


def relevant_kinds(principal: Principal) -> list[Kind]:
    """The optional kinds this person can receive: member kinds for members, coordinator kinds
    for coordinators, farmer kinds for farmers (a role they do not hold sends them nothing)."""
    audiences = set()
    if principal.member_groups:
        audiences.add("member")
    if principal.coordinator_groups:
        audiences.add("coordinator")
    if principal.farms:
        audiences.add("farmer")
    return [kind for kind in KINDS.values() if kind.optional and kind.audience in audiences]


def always_sent() -> list[Kind]:
    """Account messages answer a request of the person: they cannot be refused."""
    return [kind for kind in KINDS.values() if not kind.optional]


async def refused(user_id: int) -> set[str]:
    return {row["kind"] for row in await OptOut.select(OptOut.kind).where(OptOut.user == user_id)}


async def opt_out(user_id: int, kind: str) -> None:
    """Idempotent: the unique index on (user, kind) keeps one row however often it is asked."""
    # DO NOTHING rather than catching the error: on PostgreSQL a failed INSERT spoils the transaction.
    await OptOut.insert(OptOut(user=user_id, kind=kind)).on_conflict(
        target=(OptOut.user, OptOut.kind), action="DO NOTHING")


async def opt_in(user_id: int, kind: str) -> None:
    await OptOut.delete().where((OptOut.user == user_id) & (OptOut.kind == kind))


async def save_choices(user_id: int, shown: Iterable[str], received: set[str]) -> None:
    """Record the form: each shown kind left unticked is refused, each ticked one received.
    Kinds not shown (a role the person no longer holds) keep what was chosen before."""
    async with write_transaction():
        for kind in shown:
            if kind in received:
                await opt_in(user_id, kind)
            else:
                await opt_out(user_id, kind)
