"""What the payment schedule tells people: gentle reminders to households (kind payment_due) and
a weekly digest of what is due and late to the group's treasurer (kind payment_digest)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from amap.contracts.tables import Installment, Subscription
from amap.groups.tables import Coordinator
from amap.lib.dates import local_today
from amap.lib.i18n import get_language
from amap.lib.money import format_cents
from amap.notifications.outbox import (
    event_key,
    household_recipients,
    notify,
    opted_out,
    recipients,
    stored_keys,
    week_of,
)
from amap.notifications.samples import register
from amap.payments.outstanding import Unpaid, unpaid_installments
from amap.payments.services import LISTED, METHOD_NAMES
from amap.roster.tables import Responsibility

REMIND_FROM = time(9, 0)
"""Reminders leave from 9:00, the group's time: nobody is reminded of money at dawn."""
DAYS_BEFORE = 3
OVERDUE_AFTER = 7
CATCH_UP = 6
"""Days a reminder may still leave late (the worker was down); an older debt starts no reminder,
so the day this runs for the first time does not remind households of last winter."""
DIGEST_DAY, DIGEST_FROM = 0, time(8, 0)  # Mondays from 8:00
TREASURER_WORDS = ("tresor", "treasur", "tesor", "tesour")  # trésorier·e, treasurer, tesorero/a, tesoureiro/a


@dataclass(frozen=True)
class Amount:
    """Cents a committee's own wording may show ({amount}): written in the reader's language."""

    cents: int

    def __str__(self) -> str:
        return format_cents(self.cents, get_language())


def local_moment(group: dict, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(group["timezone"]))


def stage_of(due_on: date, today: date) -> str | None:
    """"soon" in the three days before the due date, "overdue" from a week after it; else None."""
    if today < due_on <= today + timedelta(days=DAYS_BEFORE):
        return "soon"
    if OVERDUE_AFTER <= (today - due_on).days <= OVERDUE_AFTER + CATCH_UP:
        return "overdue"
    return None


# Reminders to households -----------------------------------------------------------------------


async def queue_reminders(group: dict, now: datetime) -> int:
    """Queue the reminders whose day has come in the group; returns how many were queued.

    Each installment is told at most twice (three days before, a week late), once per adult:
    the outbox key names installment, stage and person. Only contracts still running are
    reminded, and only the part of an installment that recorded payments do not cover.
    """
    moment = local_moment(group, now)
    if moment.time() < REMIND_FROM:
        return 0
    today = moment.date()
    soon = (Installment.due_on > today) & (Installment.due_on <= today + timedelta(days=DAYS_BEFORE))
    late = ((Installment.due_on <= today - timedelta(days=OVERDUE_AFTER))
            & (Installment.due_on >= today - timedelta(days=OVERDUE_AFTER + CATCH_UP)))
    candidates = {row["subscription"] for row in await Installment.select(Installment.subscription).where(
        (Installment.subscription.offer.group == group["id"]) & (Installment.subscription.status == "active")
        & (soon | late))}
    unpaid = [item for item in await unpaid_installments(sorted(candidates)) if stage_of(item.due_on, today)]
    if not unpaid:
        return 0
    subscriptions = {row["id"]: row for row in await Subscription.select(
        Subscription.id, Subscription.household, Subscription.offer.name.as_alias("contract"),
        Subscription.offer.farm.name.as_alias("farm"), Subscription.payment_plan.method.as_alias("method"),
        Subscription.payment_plan.payee.as_alias("payee"),
    ).where(Subscription.id.is_in([item.subscription_id for item in unpaid]))}
    adults = await household_recipients({row["household"] for row in subscriptions.values()})
    queued = 0
    for item in unpaid:
        subscription = subscriptions[item.subscription_id]
        stage = stage_of(item.due_on, today)
        for recipient in adults.get(subscription["household"], []):
            queued += await notify(
                "payment_due", event_key("payment_due", item.installment_id, stage, recipient.user_id), recipient,
                group=group, **reminder_context(subscription, item, stage, group))
    return queued


def reminder_context(subscription: dict, item: Unpaid, stage: str, group: dict) -> dict:
    return {
        "words": {"contract": subscription["contract"], "amount": Amount(item.unpaid_cents), "date": item.due_on},
        "stage": stage, "contract": subscription["contract"], "farm": subscription["farm"],
        "number": item.number, "count": item.count, "due_on": item.due_on,
        "amount_cents": item.unpaid_cents, "owed_cents": item.owed_cents,
        "method": subscription["method"] or "", "payee": subscription["payee"] or subscription["farm"],
        "subscription_id": item.subscription_id, "contact_email": group.get("contact_email") or "",
    }


# The treasurer's weekly digest -------------------------------------------------------------------


def folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def names_treasurer(title: str) -> bool:
    return any(word in folded(title) for word in TREASURER_WORDS)


async def treasurers(group_id: int) -> list[int]:
    """Who keeps the group's money: coordinators titled so or holding such a responsibility now;
    when nobody does, every coordinator (someone must hear about late payments)."""
    coordinators = await Coordinator.select(Coordinator.user, Coordinator.title).where(
        (Coordinator.group == group_id) & Coordinator.ended_at.is_null())
    held = await Responsibility.select(Responsibility.user, Responsibility.title).where(
        (Responsibility.group == group_id) & Responsibility.until.is_null())
    chosen = {row["user"] for row in [*coordinators, *held] if names_treasurer(row["title"])}
    return sorted(chosen or {row["user"] for row in coordinators})


async def digest(group: dict, today: date) -> dict | None:
    """Installments due in the seven days from `today` and what is late, per contract, with totals;
    None when there is neither. Amounts are the parts recorded payments do not cover."""
    subscriptions = {row["id"]: row for row in await Subscription.select(
        Subscription.id, Subscription.household, Subscription.household.name.as_alias("household_name"),
        Subscription.offer.as_alias("offer_id"), Subscription.offer.name.as_alias("contract"),
        Subscription.offer.farm.name.as_alias("farm"), Subscription.payment_plan.method.as_alias("method"),
    ).where((Subscription.offer.group == group["id"]) & Subscription.status.is_in(list(LISTED))
            & Subscription.first_delivery_on.is_not_null())}
    week_end = today + timedelta(days=6)
    contracts: dict[int, dict] = {}
    for item in await unpaid_installments(list(subscriptions)):
        if item.due_on > week_end:
            continue
        sub = subscriptions[item.subscription_id]
        contract = contracts.setdefault(sub["offer_id"], {
            "id": sub["offer_id"], "name": sub["contract"], "farm": sub["farm"], "due": [], "late": {}})
        if item.due_on >= today:
            contract["due"].append({"household": sub["household_name"], "due_on": item.due_on,
                                    "amount_cents": item.unpaid_cents, "method": sub["method"] or ""})
        else:
            late = contract["late"].setdefault(item.subscription_id, {
                "household": sub["household_name"], "household_id": sub["household"], "since": item.due_on,
                "amount_cents": 0})
            late["amount_cents"] += item.unpaid_cents
    if not contracts:
        return None
    for contract in contracts.values():
        contract["due"].sort(key=lambda row: (row["due_on"], row["household"].casefold()))
        contract["late"] = sorted(contract["late"].values(), key=lambda row: row["household"].casefold())
        contract["due_cents"] = sum(row["amount_cents"] for row in contract["due"])
        contract["late_cents"] = sum(row["amount_cents"] for row in contract["late"])
    ordered = sorted(contracts.values(), key=lambda c: (c["name"].casefold(), c["id"]))
    return {
        "week_start": today, "week_end": week_end, "contracts": ordered,
        "due_cents": sum(c["due_cents"] for c in ordered), "late_cents": sum(c["late_cents"] for c in ordered),
        "late_households": len({row["household_id"] for c in ordered for row in c["late"]}),
    }


def digest_key(group_id: int, user_id: int, today: date) -> str:
    return event_key("payment_digest", group_id, user_id, week_of(today))


async def queue_digest(group: dict, now: datetime) -> int:
    """On Mondays from 8:00 (the group's time), the week's digest to each treasurer, once a week."""
    moment = local_moment(group, now)
    if moment.weekday() != DIGEST_DAY or moment.time() < DIGEST_FROM:
        return 0
    today = moment.date()
    people = await recipients(await treasurers(group["id"]))
    # Monday's later runs find the digest stored: they stop before computing it again.
    refused = await opted_out([person.user_id for person in people], "payment_digest")
    stored = await stored_keys(digest_key(group["id"], p.user_id, today) for p in people)
    people = [p for p in people if p.user_id not in refused and digest_key(group["id"], p.user_id, today) not in stored]
    if not people:
        return 0
    found = await digest(group, today)
    if found is None:
        return 0
    queued = 0
    for person in people:
        queued += await notify("payment_digest", digest_key(group["id"], person.user_id, today), person,
                               group=group, words={"date": today}, method_names=METHOD_NAMES, **found)
    return queued


# Examples for the committee's wording preview ------------------------------------------------------


@register("payment_due")
def sample_reminder(group: dict) -> dict:
    due_on = local_today(group.get("timezone") or "Europe/Paris") + timedelta(days=DAYS_BEFORE)
    subscription = {"contract": "Légumes", "farm": "Ferme des Quatre Saisons", "method": "cheque",
                    "payee": "Ferme des Quatre Saisons"}
    return reminder_context(subscription, Unpaid(0, 0, 3, 5, due_on, 8840, 8840), "soon", group)


@register("payment_digest")
def sample_digest(group: dict) -> dict:
    today = local_today(group.get("timezone") or "Europe/Paris")
    today -= timedelta(days=today.weekday())  # the digest is a Monday's
    due = [{"household": "Martin", "due_on": today + timedelta(days=3), "amount_cents": 8840, "method": "cheque"}]
    late = [{"household": "Durand", "household_id": 0, "since": today - timedelta(days=26), "amount_cents": 17680}]
    contract = {"id": 0, "name": "Légumes", "farm": "Ferme des Quatre Saisons", "due": due, "late": late,
                "due_cents": 8840, "late_cents": 17680}
    return {"words": {"date": today}, "method_names": METHOD_NAMES, "week_start": today,
            "week_end": today + timedelta(days=6), "contracts": [contract], "due_cents": 8840, "late_cents": 17680,
            "late_households": 1}
