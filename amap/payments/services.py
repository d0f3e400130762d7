"""Recording payments and computing what is expected, received and outstanding."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from amap.contracts.tables import Installment, Subscription
from amap.payments.tables import Payment

METHODS = ("cheque", "transfer", "cash")


@dataclass(frozen=True)
class Balance:
    expected_cents: int  # the subscription's total (what the schedule adds up to)
    due_cents: int  # what the schedule asked for by today
    received_cents: int

    @property
    def outstanding_cents(self) -> int:
        """Still to pay over the season; negative when the member paid too much."""
        return self.expected_cents - self.received_cents

    @property
    def overdue_cents(self) -> int:
        return max(0, self.due_cents - self.received_cents)


async def record_payment(*, subscription_id: int, amount_cents: int, method: str, received_on: date,
                         recorded_by: int, cheque_number: str = "", bank: str = "", note: str = "") -> int:
    rows = await Payment.insert(Payment(
        subscription=subscription_id, amount_cents=amount_cents, method=method, received_on=received_on,
        cheque_number=cheque_number, bank=bank, note=note, recorded_by=recorded_by,
    )).returning(Payment.id)
    return rows[0]["id"]


async def balances(subscription_ids: list[int], today: date) -> dict[int, Balance]:
    """Balances of many subscriptions in three queries, whatever their number."""
    if not subscription_ids:
        return {}
    totals = {row["id"]: row["total_cents"] for row in await Subscription.select(
        Subscription.id, Subscription.total_cents).where(Subscription.id.is_in(subscription_ids))}
    due: dict[int, int] = defaultdict(int)
    for row in await Installment.select(Installment.subscription, Installment.amount_cents).where(
            Installment.subscription.is_in(subscription_ids) & (Installment.due_on <= today)):
        due[row["subscription"]] += row["amount_cents"]
    received: dict[int, int] = defaultdict(int)
    for row in await Payment.select(Payment.subscription, Payment.amount_cents).where(
            Payment.subscription.is_in(subscription_ids)):
        received[row["subscription"]] += row["amount_cents"]
    return {sid: Balance(totals[sid], due[sid], received[sid]) for sid in totals}
