"""Audit events in words: one sentence per kind of change, in the reader's language, from the values
the event keeps (amounts in cents, dates, before and after, the reason)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from amap.lib.dates import format_date
from amap.lib.i18n import _, _l, get_language, ngettext
from amap.lib.money import format_cents

KIND_NAMES = {
    "payment": _l("Payments"),
    "remittance": _l("Cheques handed over"),
    "subscription": _l("Contracts"),
    "amendment": _l("Leave requests"),
    "compensation": _l("Compensations"),
    "membership": _l("Memberships"),
    "coordinator": _l("Committee"),
    "referent": _l("Contract coordinators"),
    "farmer": _l("Farmers"),
    "delivery": _l("Deliveries"),
    "distribution": _l("Distributions"),
    "order": _l("Order payments"),
}
"""Each kind of object the log speaks of, as the filter of the history page names it."""

SUBJECT_NAMES = {
    "payment": _l("Payment"),
    "remittance": _l("Cheques handed over"),
    "subscription": _l("Contract"),
    "amendment": _l("Leave request"),
    "compensation": _l("Compensation"),
    "membership": _l("Membership"),
    "coordinator": _l("Committee member"),
    "referent": _l("Contract coordinator"),
    "farmer": _l("Farmer"),
    "delivery": _l("Contract delivery"),
    "distribution": _l("Distribution"),
    "order": _l("Order"),
}

PAID = {"cheque": _l("by cheque"), "transfer": _l("by transfer"), "cash": _l("in cash"), "card": _l("by card")}
TIERS = {"reduced": _l("reduced price"), "standard": _l("standard price"), "solidarity": _l("solidarity price")}
OUTCOMES = {"planned": _l("planned"), "delivered": _l("delivered as planned"), "reduced": _l("delivered reduced"),
            "cancelled": _l("cancelled")}


def money(cents: int | None) -> str:
    return format_cents(cents or 0, get_language())


def day(value: str | None) -> str:
    """An ISO date kept in the event, as the reader writes dates; anything else as it is."""
    if not value:
        return ""
    try:
        return format_date(date.fromisoformat(value), get_language(), "long")
    except ValueError:
        return value


def with_reason(sentence: str, reason: str | None, label: object = None) -> str:
    return f"{sentence} {label or _('Reason:')} {reason}" if reason else sentence


Names = dict[str, dict[int, str]]  # {"household": {id: name}, "user": {id: name}}


def _money_received(d: dict, corrected: bool) -> str:
    """A payment or its correction, for a contract or an order alike."""
    paid = PAID.get(d.get("method", ""), d.get("method", ""))
    if corrected:
        return _("Correction of %(amount)s %(method)s recorded.", amount=money(d.get("amount_cents")), method=paid)
    return _("Payment of %(amount)s %(method)s recorded, received on %(date)s.",
             amount=money(d.get("amount_cents")), method=paid, date=day(d.get("received_on")))


def _payment(event: dict, names: Names) -> str:
    d = event["details"]
    text = _money_received(d, event["action"] == "corrected")
    if d.get("cheque_number"):
        text += " " + _("Cheque no. %(number)s, %(bank)s.", number=d["cheque_number"], bank=d.get("bank", ""))
    return with_reason(text, d.get("note"), _("Note:"))


def _remittance(event: dict, names: Names) -> str:
    d = event["details"]
    return ngettext("%(num)s cheque of %(amount)s in all handed over to the farm on %(date)s.",
                    "%(num)s cheques of %(amount)s in all handed over to the farm on %(date)s.",
                    d.get("cheques", 0), amount=money(d.get("total_cents")), date=day(d.get("handed_over_on")))


def _subscription(event: dict, names: Names) -> str:
    d = event["details"]
    if event["action"] == "promoted":
        return ngettext("A place freed up: signed from the waiting list, %(amount)s for %(num)s delivery.",
                        "A place freed up: signed from the waiting list, %(amount)s for %(num)s deliveries.",
                        d.get("deliveries", 0), amount=money(d.get("total_cents")))
    if d.get("status") == "waiting":
        text = _("Put on the waiting list (quantity %(quantity)s, %(tier)s).", quantity=d.get("quantity", 1),
                 tier=TIERS.get(d.get("tier", ""), d.get("tier", "")))
    else:
        text = _("Contract signed (quantity %(quantity)s, %(tier)s): %(amount)s for the season.",
                 quantity=d.get("quantity", 1), tier=TIERS.get(d.get("tier", ""), d.get("tier", "")),
                 amount=money(d.get("total_cents")))
    if d.get("donation_cents"):
        text += " " + _("Including a donation of %(amount)s.", amount=money(d["donation_cents"]))
    if d.get("co_household"):
        text += " " + _("Shared with %(household)s.", household=names["household"].get(d["co_household"], "—"))
    return text


def _amendment(event: dict, names: Names) -> str:
    d = event["details"]
    when = day(d.get("effective_on"))
    if event["action"] == "requested":
        return with_reason(_("Asked to leave the contract from %(date)s.", date=when), d.get("reason"))
    if event["action"] == "refused":
        return _("Leaving from %(date)s refused.", date=when)
    if d.get("refund_cents"):
        return _("Leaving from %(date)s approved: %(amount)s of deliveries not received is no longer owed.",
                 date=when, amount=money(d["refund_cents"]))
    return _("Leaving from %(date)s approved.", date=when)


def _compensation(event: dict, names: Names) -> str:
    d = event["details"]
    cents = d.get("amount_cents", 0)
    if cents >= 0:
        text = _("Compensation of %(amount)s owed to the household recorded.", amount=money(cents))
    else:
        text = _("%(amount)s owed by the household recorded.", amount=money(-cents))
    return with_reason(text, d.get("note"), _("Note:"))


def _membership(event: dict, names: Names) -> str:
    d, action = event["details"], event["action"]
    if action == "requested":
        text = _("Asked to join the group.")
        if d.get("fee_cents"):
            text += " " + _("Membership fee: %(amount)s.", amount=money(d["fee_cents"]))
        return text
    if action == "fee_received":
        return _("Membership fee of %(amount)s received.", amount=money(d.get("amount_cents")))
    after = "active" if action == "joined" else d.get("after")
    before = d.get("before")
    if after == "active":
        return {None: _("Joined the group."), "pending": _("Accepted as a member."),
                "left": _("Back as a member."), "active": _("Confirmed as a member.")}.get(before, _("Accepted as a member."))
    if after == "left":
        return _("Marked as having left the group.")
    if after == "pending":
        return _("Set back to waiting for acceptance.")
    return _("Membership changed.")


def _role(event: dict, names: Names) -> str:
    d = event["details"]
    person = names["user"].get(d.get("user"), "—")
    if event["subject_kind"] == "farmer":
        return _("%(name)s now acts for %(farm)s.", name=person, farm=d.get("farm_name", ""))
    if event["subject_kind"] == "referent":
        if event["action"] == "stepped_down":
            return _("%(name)s is no longer a coordinator of this contract.", name=person)
        return _("%(name)s becomes a coordinator of this contract.", name=person)
    if event["action"] == "stepped_down":
        return _("%(name)s leaves the committee.", name=person)
    if d.get("title"):
        return _("%(name)s joins the committee as %(title)s.", name=person, title=d["title"])
    return _("%(name)s joins the committee.", name=person)


def _delivery(event: dict, names: Names) -> str:
    d = event["details"]
    if event["action"] == "catch_up_scheduled":
        return _("Catch-up planned at the distribution of %(date)s.", date=day(d.get("catch_up_on")))
    outcome = d.get("outcome")
    if outcome == "reduced":
        text = _("Recorded as delivered reduced (about %(percent)s %%).", percent=d.get("delivered_percent", 0))
        text = with_reason(text, d.get("missing"), _("Missing:"))
    elif outcome == "cancelled":
        text = with_reason(_("Recorded as cancelled."), d.get("cause"))
    else:
        text = _("Recorded as delivered as planned.")
    if d.get("before") not in (None, "planned"):
        text += " " + _("This corrects an earlier record (%(before)s).", before=OUTCOMES.get(d["before"], d["before"]))
    return text


def _distribution(event: dict, names: Names) -> str:
    d = event["details"]
    if event["action"] == "sheet_closed":
        text = _("Sign-off sheet closed.")
        if d.get("donated") or d.get("kept"):
            text += " " + _("Shares not collected: %(donated)s donated, %(kept)s kept.", donated=d.get("donated", 0),
                            kept=d.get("kept", 0))
        return text
    if event["action"] == "cancelled":
        return with_reason(_("Distribution cancelled."), d.get("reason"))
    change = d.get("change")
    if change == "moved":
        text = _("Moved from %(before)s to %(after)s.", before=day(d.get("before")), after=day(d.get("after")))
    elif change == "time":
        text = _("Time changed from %(before)s to %(after)s.", before=d.get("before", ""), after=d.get("after", ""))
    else:
        text = _("Place changed from %(before)s to %(after)s.", before=d.get("before", ""), after=d.get("after", ""))
    return with_reason(text, d.get("reason"))


def _order(event: dict, names: Names) -> str:
    d = event["details"]
    return with_reason(_money_received(d, event["action"] == "payment_corrected"), d.get("note"), _("Note:"))


DESCRIBERS: dict[str, Callable[[dict, Names], str]] = {
    "payment": _payment, "remittance": _remittance, "subscription": _subscription, "amendment": _amendment,
    "compensation": _compensation, "membership": _membership, "coordinator": _role, "referent": _role,
    "farmer": _role,
    "delivery": _delivery, "distribution": _distribution, "order": _order,
}


def sentence(event: dict, names: Names) -> str:
    """What happened, as a sentence; an action this module does not know yet is still shown."""
    describe = DESCRIBERS.get(event["subject_kind"])
    try:
        text = describe(event, names) if describe else f"{event['subject_kind']}: {event['action']}"
        return f"{text} {_('Imported from a file.')}" if event["details"].get("source") == "import" else text
    except (KeyError, TypeError, ValueError):  # details of an older shape: say at least what it was
        return f"{SUBJECT_NAMES.get(event['subject_kind'], event['subject_kind'])}: {event['action']}"


def context(event: dict, names: Names) -> str:
    """Which object it is about, in a few words: the household and the contract, the day."""
    d: dict[str, Any] = event["details"]
    parts = [str(SUBJECT_NAMES.get(event["subject_kind"], event["subject_kind"]))]
    if d.get("household") is not None:
        parts.append(names["household"].get(d["household"], "—"))
    for key in ("offer_name", "window_title", "farm_name"):
        if d.get(key):
            parts.append(d[key])
    if event["subject_kind"] == "delivery" and d.get("held_on"):
        parts.append(day(d["held_on"]))
    if event["subject_kind"] == "distribution" and d.get("held_on"):
        parts.append(day(d["held_on"]))
    return " · ".join(parts)
