"""Farm tables."""

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import User
from amap.groups.tables import Group


class Farm(Table, tablename="farm"):
    name = Varchar(length=200)
    slug = Varchar(length=80, unique=True)
    production = Varchar(length=200, default="")  # "vegetables", "eggs", "bread"...
    description = Text(default="")
    address = Varchar(length=300, default="")
    practices = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Farmer(Table, tablename="farmer"):
    """A user who acts for a farm: posts shares, sees its subscribers and payments."""

    user = ForeignKey(references=User, index=True)
    farm = ForeignKey(references=Farm, index=True)
    granted_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)


class FarmSupply(Table, tablename="farm_supply"):
    """A farm supplies a group: its farmers act in that group as the farmer role."""

    farm = ForeignKey(references=Farm, index=True)
    group = ForeignKey(references=Group, index=True)
    since = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)
