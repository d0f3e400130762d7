"""Which installments the recorded payments do not cover yet.

Payments are not tied to an installment: a household pays its season, and what it paid covers
the schedule oldest line first. The unpaid lines due before a day add up to the balance's
`overdue_cents` that day, so reminders, digests and the payment pages always agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from amap.contracts.tables import Installment, Subscription
from amap.payments.services import leave_refunds
from amap.payments.tables import Payment


@dataclass(frozen=True)
class Line:
    id: int
    number: int
    due_on: date
    amount_cents: int


@dataclass(frozen=True)
class Unpaid:
    """One installment, or its part, that recorded payments do not cover."""

    installment_id: int
    subscription_id: int
    number: int
    count: int  # lines in the subscription's schedule, for "installment 2 of 5"
    due_on: date
    owed_cents: int  # the line as scheduled, less what an approved leave gives back
    unpaid_cents: int


def cover(lines: list[Line], expected_cents: int, received_cents: int) -> list[tuple[Line, int, int]]:
    """Each line with what it still asks (the schedule stops once the expected total is reached,
    as after a leave) and the part of that not covered by what was received, oldest first."""
    left, paid = expected_cents, max(0, received_cents)
    result = []
    for line in sorted(lines, key=lambda item: (item.due_on, item.number)):
        owed = max(0, min(line.amount_cents, left))
        left -= owed
        covered = min(owed, paid)
        paid -= covered
        result.append((line, owed, owed - covered))
    return result


async def unpaid_installments(subscription_ids: list[int]) -> list[Unpaid]:
    """The uncovered installments of these subscriptions, in four queries whatever their number."""
    if not subscription_ids:
        return []
    totals = {row["id"]: row["total_cents"] for row in await Subscription.select(
        Subscription.id, Subscription.total_cents).where(Subscription.id.is_in(subscription_ids))}
    refunds = await leave_refunds(subscription_ids)
    received: dict[int, int] = defaultdict(int)
    for row in await Payment.select(Payment.subscription, Payment.amount_cents).where(
            Payment.subscription.is_in(subscription_ids)):
        received[row["subscription"]] += row["amount_cents"]
    lines: dict[int, list[Line]] = defaultdict(list)
    for row in await Installment.select(
            Installment.id, Installment.subscription, Installment.number, Installment.due_on,
            Installment.amount_cents).where(Installment.subscription.is_in(subscription_ids)):
        lines[row["subscription"]].append(Line(row["id"], row["number"], row["due_on"], row["amount_cents"]))
    found = []
    for sid, total in totals.items():
        schedule = lines[sid]
        for line, owed, unpaid in cover(schedule, max(0, total - refunds[sid]), received[sid]):
            if unpaid > 0:
                found.append(Unpaid(line.id, sid, line.number, len(schedule), line.due_on, owed, unpaid))
    return sorted(found, key=lambda item: (item.due_on, item.subscription_id, item.number))
