"""Roster tables. A Slot is one role at one distribution (or one one-off task) with its places;
`taken` moves only in one conditional UPDATE, so the last place cannot be taken twice."""

from piccolo.columns import Date, ForeignKey, Integer, Text, Time, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import Household, User
from amap.distributions.tables import Distribution
from amap.groups.tables import Group


class RosterRole(Table, tablename="roster_role"):
    """A job at every distribution of a group (set-up, sign-off desk, clean-up), and how many it needs."""

    group = ForeignKey(references=Group, index=True)
    name = Varchar(length=100)
    description = Text(default="")
    people_needed = Integer(default=1)
    archived_at = Timestamptz(null=True, default=None)


class RosterTask(Table, tablename="roster_task"):
    """A one-off job that is not a distribution: a farm work day, setting up the general assembly."""

    group = ForeignKey(references=Group, index=True)
    title = Varchar(length=200)
    description = Text(default="")
    held_on = Date()
    starts_at = Time()
    ends_at = Time()
    place = Varchar(length=300, default="")
    people_needed = Integer(default=1)


class Slot(Table, tablename="roster_slot"):
    group = ForeignKey(references=Group, index=True)
    distribution = ForeignKey(references=Distribution, null=True, default=None, index=True)
    task = ForeignKey(references=RosterTask, null=True, default=None, index=True)
    role = ForeignKey(references=RosterRole, null=True, default=None)
    held_on = Date(index=True)
    capacity = Integer()  # the role's default need, or this date's override
    taken = Integer(default=0)


class Signup(Table, tablename="roster_signup"):
    """A person on a slot. Leaving, swapping and confirming are recorded, never deleted."""

    slot = ForeignKey(references=Slot, index=True)
    user = ForeignKey(references=User, index=True)
    household = ForeignKey(references=Household, index=True)
    status = Varchar(length=10, default="signed")  # signed | left | swapped | done | no_show
    signed_at = Timestamptz(default=TimestamptzNow())
    signed_by = ForeignKey(references=User, null=True, default=None)  # the coordinator who assigned them, if any
    ended_at = Timestamptz(null=True, default=None)
    confirmed_by = ForeignKey(references=User, null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)


class SwapOffer(Table, tablename="roster_swap"):
    """After the leaving deadline, a member offers their place; the first taker replaces them."""

    signup = ForeignKey(references=Signup, index=True)
    offered_at = Timestamptz(default=TimestamptzNow())
    taken_by = ForeignKey(references=User, null=True, default=None)
    taken_at = Timestamptz(null=True, default=None)
    withdrawn_at = Timestamptz(null=True, default=None)


class Obligation(Table, tablename="roster_obligation"):
    """How many shifts each household owes a group in a season (optionally per share type name)."""

    group = ForeignKey(references=Group, index=True)
    starts_on = Date()
    ends_on = Date()
    shifts = Integer()
    share_type_name = Varchar(length=120, default="")  # empty: every household of the group


class Responsibility(Table, tablename="committee_responsibility"):
    """What a committee member holds (treasurer, roster coordinator…); handed over with dates."""

    group = ForeignKey(references=Group, index=True)
    title = Varchar(length=100)
    user = ForeignKey(references=User, index=True)
    since = Date()
    until = Date(null=True, default=None)
    handed_over_by = ForeignKey(references=User, null=True, default=None)

