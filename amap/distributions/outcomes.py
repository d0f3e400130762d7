"""How a delivery ended: delivered as planned, delivered reduced, or cancelled; and, under the
contract's catch-up rule, the catch-up delivery that makes a cancelled one up.

The latest outcome lives in the Delivery row's columns; every recording, the first and each
correction, is also kept as a DeliveryOutcome row with who and when, so nothing is lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from amap.audit import log as audit
from amap.distributions.tables import Delivery, DeliveryOutcome, Distribution
from amap.lib.db import utcnow, write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _, _l

log = logging.getLogger(__name__)

CHOICES = {
    "delivered": _l("Delivered as planned"),
    "reduced": _l("Delivered reduced"),
    "cancelled": _l("Cancelled"),
}
RULES = {
    "catch_up": _l("This contract makes a cancelled delivery up later: choose the distribution of the catch-up now or later."),
    "shared_loss": _l("Under this contract a cancelled delivery is a loss all its members carry together: nothing is refunded."),
}


class OutcomeError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Outcome:
    outcome: str
    delivered_percent: int = 100
    missing: str = ""
    cause: str = ""
    catch_up_distribution: int | None = None


def may_record(principal, delivery: dict) -> bool:
    """The farm's farmers and the group's committee record how a delivery ended."""
    return principal.runs_farm(delivery["farm"]) or principal.coordinates(delivery["group"])


def root_of(delivery: dict) -> int:
    """The regular delivery a catch-up makes up (catch-ups always point at it), or the delivery itself."""
    return delivery["catch_up_for"] or delivery["id"]


async def catch_ups(root_id: int) -> list[dict]:
    """Catch-ups scheduled for a regular delivery, the latest last, cancelled ones included."""
    return await Delivery.select(
        Delivery.id, Delivery.outcome, Delivery.distribution, Delivery.distribution.held_on.as_alias("held_on"),
    ).where(Delivery.catch_up_for == root_id).order_by(Delivery.distribution.held_on).order_by(Delivery.id)


def live_catch_up(rows: list[dict]) -> dict | None:
    """The catch-up that still counts: the latest one not cancelled."""
    live = [row for row in rows if row["outcome"] != "cancelled"]
    return live[-1] if live else None


async def later_distributions(group_id: int, after: date) -> list[dict]:
    """Distributions of the group after a date, not cancelled: where a catch-up can go."""
    return await Distribution.select(Distribution.id, Distribution.held_on).where(
        (Distribution.group == group_id) & (Distribution.held_on > after) & (Distribution.status != "cancelled")
    ).order_by(Distribution.held_on)


def read_outcome(form: Form, delivery: dict, choices: list[dict], today: date) -> Outcome | None:
    """The outcome as typed, with a message next to each wrong field."""
    outcome = form.choice("outcome", CHOICES)
    if not form.ok:
        return None
    percent, missing, cause, catch_up = 100, "", "", None
    if outcome in ("delivered", "reduced") and delivery["held_on"] > today:
        form.error("outcome", _("A delivery can be recorded as made only from its day on."))
    if outcome == "reduced":
        missing = form.text("missing", max_length=1000)
        percent = form.integer("delivered_percent", minimum=0, maximum=99)
    elif outcome == "cancelled":
        cause = form.text("cause", max_length=1000)
        if form.get("catch_up_distribution"):
            if delivery["rule"] != "catch_up":
                form.error("catch_up_distribution", _("This contract carries a cancelled delivery as a shared loss."))
            else:
                chosen = form.choice("catch_up_distribution", [str(row["id"]) for row in choices])
                catch_up = int(chosen) if form.ok else None
    if not form.ok:
        return None
    return Outcome(outcome=outcome, delivered_percent=percent if percent is not None else 0, missing=missing,
                   cause=cause, catch_up_distribution=catch_up)


async def record(delivery: dict, outcome: Outcome, by_user: int) -> int | None:
    """Record how the delivery ended (a correction is a new history row); returns the catch-up
    delivery created, if one was chosen."""
    async with write_transaction():
        current = await Delivery.select().where(Delivery.id == delivery["id"]).first()
        root = root_of(current)
        # A catch-up being cancelled no longer counts: the debt goes back to its regular delivery.
        live = live_catch_up([row for row in await catch_ups(root) if row["id"] != current["id"]])
        if live is not None and outcome.outcome != "cancelled":
            raise OutcomeError("outcome", _("A catch-up is planned for this delivery: cancel it first."))
        if live is not None and outcome.catch_up_distribution is not None:
            raise OutcomeError("catch_up_distribution", _("A catch-up is already planned for this delivery."))
        await Delivery.update({
            Delivery.outcome: outcome.outcome, Delivery.delivered_percent: outcome.delivered_percent,
            Delivery.missing: outcome.missing, Delivery.cause: outcome.cause,
            Delivery.recorded_by: by_user, Delivery.recorded_at: utcnow(),
        }).where(Delivery.id == delivery["id"])
        await DeliveryOutcome.insert(DeliveryOutcome(
            delivery=delivery["id"], outcome=outcome.outcome, delivered_percent=outcome.delivered_percent,
            missing=outcome.missing, cause=outcome.cause, recorded_by=by_user))
        about = await _about(delivery["id"])
        await audit.record(group=about["group"], kind="delivery", subject_id=delivery["id"], action="outcome_recorded",
                           actor=by_user, parent=("distribution", about["distribution"]),
                           details={**about["details"], "before": current["outcome"], "outcome": outcome.outcome,
                                    "delivered_percent": outcome.delivered_percent, "missing": outcome.missing,
                                    "cause": outcome.cause})
        created = None
        if outcome.catch_up_distribution is not None:
            created = await _schedule(root, outcome.catch_up_distribution, by_user)
    return created


async def schedule_catch_up(delivery: dict, distribution_id: int, by_user: int) -> int:
    """Put the catch-up of a cancelled delivery on a later distribution of the group."""
    async with write_transaction():
        created = await _schedule(root_of(delivery), distribution_id, by_user)
    log.info("catch-up %s for delivery %s on distribution %s scheduled by user %s", created, root_of(delivery),
             distribution_id, by_user)
    return created


async def _about(delivery_id: int) -> dict:
    """What the audit log says of a delivery: its group and distribution, its contract and dates."""
    row = await Delivery.select(
        Delivery.distribution, Delivery.distribution.group.as_alias("group"),
        Delivery.distribution.held_on.as_alias("held_on"), Delivery.due_on, Delivery.offer.name.as_alias("offer_name"),
    ).where(Delivery.id == delivery_id).first()
    return {"group": row["group"], "distribution": row["distribution"],
            "details": {"offer_name": row["offer_name"], "held_on": row["held_on"], "due_on": row["due_on"]}}


async def _schedule(root_id: int, distribution_id: int, by_user: int | None) -> int:
    root = await Delivery.select().where(Delivery.id == root_id).first()
    if root["outcome"] != "cancelled":
        raise OutcomeError("catch_up_distribution", _("Only a cancelled delivery is caught up."))
    if live_catch_up(await catch_ups(root_id)) is not None:
        raise OutcomeError("catch_up_distribution", _("A catch-up is already planned for this delivery."))
    rows = await Delivery.insert(Delivery(offer=root["offer"], distribution=distribution_id, due_on=root["due_on"],
                                          catch_up_for=root_id)).returning(Delivery.id)
    about, there = await _about(root_id), await _about(rows[0]["id"])
    await audit.record(group=about["group"], kind="delivery", subject_id=root_id, action="catch_up_scheduled",
                       actor=by_user, parent=("distribution", about["distribution"]),
                       details={**about["details"], "catch_up": rows[0]["id"], "catch_up_on": there["details"]["held_on"]})
    return rows[0]["id"]
