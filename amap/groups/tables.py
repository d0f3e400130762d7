"""Group tables. Roles are held per group: a household is a member, a user a coordinator."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Time, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import Household, User


class Group(Table, tablename="amap_group"):
    name = Varchar(length=200)
    slug = Varchar(length=80, unique=True)
    description = Text(default="")
    city = Varchar(length=120, default="")
    contact_email = Varchar(length=254, default="")
    timezone = Varchar(length=64, default="Europe/Paris")
    language = Varchar(length=5, default="fr")
    membership_fee_cents = Integer(default=0)  # per season, paid to the association itself
    accepts_members_at_once = Boolean(default=False)  # else the committee accepts each household
    absence_notice_hours = Integer(default=48)  # absences are declared at least this long before a distribution
    shift_leave_notice_hours = Integer(default=72)  # after that, a volunteer offers a swap instead of leaving
    vocabulary = Varchar(length=200, default="")  # the group's own words, "share=harvest_share" (amap.lib.vocabulary)
    created_at = Timestamptz(default=TimestamptzNow())


class Place(Table, tablename="distribution_place"):
    """Where and when a group's distributions usually happen."""

    group = ForeignKey(references=Group, index=True)
    name = Varchar(length=200)
    address = Varchar(length=300)
    weekday = Integer()  # 0 = Monday, as date.weekday()
    starts_at = Time()
    ends_at = Time()


class Membership(Table, tablename="membership"):
    household = ForeignKey(references=Household, index=True)
    group = ForeignKey(references=Group, index=True)
    status = Varchar(length=10, default="pending")  # pending | active | left
    created_at = Timestamptz(default=TimestamptzNow())
    accepted_at = Timestamptz(null=True, default=None)
    accepted_by = ForeignKey(references=User, null=True, default=None)
    fee_cents = Integer(default=0)  # the membership fee asked when joining
    fee_received_on = Date(null=True, default=None)
    fee_received_by = ForeignKey(references=User, null=True, default=None)


class Coordinator(Table, tablename="coordinator"):
    """A committee member of a group; ended (not deleted) when the role is handed over."""

    user = ForeignKey(references=User, index=True)
    group = ForeignKey(references=Group, index=True)
    title = Varchar(length=100, default="")
    granted_at = Timestamptz(default=TimestamptzNow())
    granted_by = ForeignKey(references=User, null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)


class Invitation(Table, tablename="invitation"):
    """A link e-mailed to join a group, or to join an existing household as another adult."""

    group = ForeignKey(references=Group, null=True, default=None, index=True)
    household = ForeignKey(references=Household, null=True, default=None)
    email = Varchar(length=254)
    token_digest = Varchar(length=64, unique=True)
    invited_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
