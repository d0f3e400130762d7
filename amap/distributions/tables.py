"""Distribution tables. A Distribution is a group's day at a place; a Delivery is one contract's
share of it. Outcomes, ticks and absences are recorded events: history is never overwritten."""

from piccolo.columns import JSON, Date, ForeignKey, Integer, Text, Time, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import Household, User
from amap.contracts.tables import Offer, OfferShare, Subscription
from amap.groups.tables import Group, Place


class Distribution(Table, tablename="distribution"):
    group = ForeignKey(references=Group, index=True)
    place = ForeignKey(references=Place, null=True, default=None)
    held_on = Date(index=True)
    starts_at = Time()
    ends_at = Time()
    status = Varchar(length=10, default="planned")  # planned | cancelled
    note = Text(default="")
    closed_at = Timestamptz(null=True, default=None)  # the sign-off sheet was closed
    closed_by = ForeignKey(references=User, null=True, default=None)


class DistributionChange(Table, tablename="distribution_change"):
    """An exception to the usual day: moved, another place or time, cancelled. Shown to members."""

    distribution = ForeignKey(references=Distribution, index=True)
    kind = Varchar(length=10)  # moved | place | time | cancelled
    before = Varchar(length=300, default="")
    after = Varchar(length=300, default="")
    reason = Text(default="")
    changed_by = ForeignKey(references=User, null=True, default=None)
    changed_at = Timestamptz(default=TimestamptzNow())


class Delivery(Table, tablename="delivery"):
    """One contract's delivery at one distribution, and how it ended."""

    offer = ForeignKey(references=Offer, index=True)
    distribution = ForeignKey(references=Distribution, index=True)
    due_on = Date()  # the date of the contract's calendar it was planned for
    outcome = Varchar(length=10, default="planned")  # planned | delivered | reduced | cancelled
    delivered_percent = Integer(default=100)  # an estimate, for a reduced delivery
    missing = Text(default="")  # what was missing, for a reduced delivery
    cause = Text(default="")  # why it was cancelled
    catch_up_for = ForeignKey(references="self", null=True, default=None)  # this one makes up a cancelled one
    recorded_by = ForeignKey(references=User, null=True, default=None)
    recorded_at = Timestamptz(null=True, default=None)


class DeliveryOutcome(Table, tablename="delivery_outcome"):
    """Each time a delivery's outcome is recorded or corrected: the history behind Delivery's columns."""

    delivery = ForeignKey(references=Delivery, index=True)
    outcome = Varchar(length=10)
    delivered_percent = Integer(default=100)
    missing = Text(default="")
    cause = Text(default="")
    recorded_by = ForeignKey(references=User, null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())


class Announcement(Table, tablename="announcement"):
    """What one share type holds at one delivery, as the farmer posts it."""

    delivery = ForeignKey(references=Delivery, index=True)
    offer_share = ForeignKey(references=OfferShare)
    items = JSON(default="[]")  # [{"name", "quantity", "unit", "unit_price_cents"}]
    note = Text(default="")
    photo = Varchar(length=200, default="")  # file name under the upload folder
    value_cents = Integer(default=0)  # what the items are worth at their unit prices
    published_by = ForeignKey(references=User, null=True, default=None)
    published_at = Timestamptz(null=True, default=None)


class LedgerEntry(Table, tablename="ledger_entry"):
    """A compensation the committee decided (never silent): positive is owed to the household."""

    subscription = ForeignKey(references=Subscription, index=True)
    delivery = ForeignKey(references=Delivery, null=True, default=None)
    amount_cents = Integer()
    note = Text()
    recorded_by = ForeignKey(references=User, null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())


class Absence(Table, tablename="absence"):
    """A household away on a distribution day, and what happens to its shares."""

    household = ForeignKey(references=Household, index=True)
    distribution = ForeignKey(references=Distribution, index=True)
    choice = Varchar(length=10)  # collector | offered | donated | shifted
    collector_name = Varchar(length=200, default="")  # a guest, or another member's name
    collector_household = ForeignKey(references=Household, null=True, default=None)
    taken_by_household = ForeignKey(references=Household, null=True, default=None)  # who took an offered share
    declared_by = ForeignKey(references=User, null=True, default=None)
    declared_at = Timestamptz(default=TimestamptzNow())
    withdrawn_at = Timestamptz(null=True, default=None)


class CollectionEvent(Table, tablename="collection_event"):
    """A tick on the sign-off sheet (or its undoing). The client's id makes a replayed offline
    tick a no-op instead of a second event."""

    distribution = ForeignKey(references=Distribution, index=True)
    household = ForeignKey(references=Household, index=True)
    action = Varchar(length=10)  # collected | undone | donated | kept
    client_event_id = Varchar(length=64, unique=True)
    recorded_by = ForeignKey(references=User, null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())


class CalendarToken(Table, tablename="calendar_token"):
    """The secret in a member's personal iCalendar address; revoked by making a new one."""

    user = ForeignKey(references=User, index=True)
    token_digest = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
