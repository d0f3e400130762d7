"""The sheets of an offer's subscriptions and payments, for those who manage it; the committee's
exports of the whole group (amap/exports/datasets.py) reuse their columns, with the offer in front.
How a sheet is written as CSV or XLSX is amap/exports/writers.py."""

from __future__ import annotations

from amap.contracts.lifecycle import TIER_LABELS
from amap.exports.sheet import DATE, INTEGER, MOMENT, MONEY, Column, Sheet
from amap.lib.i18n import _
from amap.payments.services import METHOD_NAMES


def household_of(row: dict) -> str:
    return row["household_name"] + (f" + {row['co_household_name']}" if row.get("co_household_name") else "")


def subscription_columns() -> list[Column]:
    return [Column(_("Household")), Column(_("Share")), Column(_("Quantity"), INTEGER), Column(_("Price level")),
            Column(_("Status")), Column(_("Deliveries"), INTEGER), Column(_("Signed on"), MOMENT),
            Column(_("Ended on"), DATE), Column(_("Total for the season"), MONEY), Column(_("Received"), MONEY),
            Column(_("Still to pay"), MONEY), Column(_("Overdue"), MONEY)]


def subscription_cells(row: dict) -> tuple:
    """A subscription of `services.subscription_rows` (or alike), with its balance."""
    balance = row["balance"]
    return (household_of(row), row["share_name"], row["quantity"], str(TIER_LABELS.get(row["tier"], row["tier"])),
            _("active") if row["status"] == "active" else _("ended"), row["deliveries"], row["signed_at"],
            row["ended_on"], balance.expected_cents, balance.received_cents, balance.outstanding_cents,
            balance.overdue_cents)


def subscriptions_sheet(rows: list[dict], timezone: str) -> Sheet:
    """One line per subscription holding (or having held) a place, with its balance."""
    return Sheet(_("Subscriptions"), tuple(subscription_columns()), [subscription_cells(row) for row in rows],
                 timezone)


def payment_columns() -> list[Column]:
    return [Column(_("Received on"), DATE), Column(_("Household")), Column(_("Share")), Column(_("Method")),
            Column(_("Cheque number")), Column(_("Bank")), Column(_("Amount"), MONEY), Column(_("Note")),
            Column(_("Handed over to the farmer on"), DATE), Column(_("Recorded by")),
            Column(_("Recorded on"), MOMENT)]


def payment_cells(payment: dict) -> tuple:
    """A payment of `services.payments_of` (or alike)."""
    return (payment["received_on"], payment["household_name"], payment["share_name"],
            str(METHOD_NAMES.get(payment["method"], payment["method"])), payment["cheque_number"], payment["bank"],
            payment["amount_cents"], payment["note"], payment["handed_over_on"], payment["recorded_by_name"],
            payment["recorded_at"])


def payments_sheet(payments: list[dict], timezone: str) -> Sheet:
    """One line per payment recorded, corrections included, in the order they were recorded."""
    return Sheet(_("Payments"), tuple(payment_columns()), [payment_cells(payment) for payment in payments], timezone)
