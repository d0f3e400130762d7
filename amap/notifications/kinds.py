"""The kinds of message the application sends: who gets them, and whether they can be refused."""

from __future__ import annotations

from dataclasses import dataclass

from babel.support import LazyProxy

from amap.lib.i18n import _l


@dataclass(frozen=True)
class Kind:
    code: str
    label: LazyProxy
    """What the member sees in their preferences and on the unsubscribe page."""
    audience: str
    """member | coordinator | farmer | account: whose preferences list it."""
    optional: bool = True
    """Account messages (password reset, invitations) cannot be refused: they answer a request."""
    editable: bool = True
    """The committee may reword its subject and opening paragraph for the group."""
    placeholders: tuple[str, ...] = ("group", "name")
    """Words a group's own wording may use, written {group}, {name}…"""


KINDS: dict[str, Kind] = {kind.code: kind for kind in [
    Kind("password_reset", _l("Password reset links"), "account", optional=False, editable=False),
    Kind("group_invitation", _l("Invitations to join a group"), "account", optional=False, editable=False),
    Kind("household_invitation", _l("Invitations to join a household"), "account", optional=False, editable=False),
    Kind("account_welcome", _l("Accounts created by the committee: choosing a password"), "account",
         optional=False, editable=False),
    Kind("share_published", _l("This week's share, when the farmer posts it"), "member",
         placeholders=("group", "name", "farm", "date")),
    Kind("distribution_eve", _l("The day before a distribution: where, when and what to collect"), "member",
         placeholders=("group", "name", "date", "place")),
    Kind("shift_reminder", _l("Reminder two days before my volunteer shift"), "member",
         placeholders=("group", "name", "date", "role")),
    Kind("roster_invitation", _l("A coordinator asks me to take a free shift"), "member",
         placeholders=("group", "name", "date", "role")),
    Kind("swap_taken", _l("Someone took the shift I offered to swap"), "member",
         placeholders=("group", "name", "date", "role")),
    # One kind for both reminders (a few days before, a week late): members think of them as one thing.
    Kind("payment_due", _l("Gentle reminders of payments due or late"), "member",
         placeholders=("group", "name", "contract", "amount", "date")),
    Kind("group_message", _l("Messages from the committee"), "member", editable=False),
    Kind("roster_gaps", _l("Free shifts in the coming week (coordinators)"), "coordinator"),
    Kind("payment_digest", _l("Weekly digest of payments due and late (treasurer)"), "coordinator",
         placeholders=("group", "name", "date")),
    # Not editable: it covers every group the farm supplies, so no one group's wording applies.
    Kind("farm_digest", _l("Weekly farm digest: subscribers, payments, next deliveries"), "farmer",
         editable=False, placeholders=("name", "farm")),
    Kind("order_window_open", _l("A producer opens one-off orders to my group"), "member",
         placeholders=("group", "name", "farm", "title", "date")),
    Kind("order_window_closing", _l("The day before one-off orders close, when I have not ordered"), "member",
         placeholders=("group", "name", "farm", "title", "date")),
    # Not optional: it is the record of what the household owes and where to collect it.
    Kind("order_receipt", _l("My one-off order once orders close: what, how much, where to collect"), "member",
         optional=False, placeholders=("group", "name", "farm", "title", "date")),
    # Not editable: it covers every group of the window, so no one group's wording applies.
    Kind("order_picking", _l("Picking lists when an order window closes"), "farmer", editable=False,
         placeholders=("name", "farm", "title")),
]}


def kind(code: str) -> Kind:
    return KINDS[code]
