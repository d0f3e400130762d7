"""Network tables: a network federates groups and farms and has its coordinators."""

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import User
from amap.farms.tables import Farm
from amap.groups.tables import Group


class Network(Table, tablename="network"):
    name = Varchar(length=200)
    slug = Varchar(length=80, unique=True)
    description = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class NetworkGroup(Table, tablename="network_group"):
    """A group's membership of a network. Leaving sets `left_at` (the row stays: who was a member
    and when is part of the network's history); joining again adds a new row."""

    network = ForeignKey(references=Network, index=True)
    group = ForeignKey(references=Group, index=True)
    kind = Varchar(length=20, default="amap")  # amap | collective | kitchen | restaurant (GROUP_KINDS)
    joined_at = Timestamptz(default=TimestamptzNow())
    left_at = Timestamptz(null=True, default=None)
    left_by = ForeignKey(references=User, null=True, default=None)


class NetworkFarm(Table, tablename="network_farm"):
    """A producer's membership of a network; ended by `left_at`, like NetworkGroup."""

    network = ForeignKey(references=Network, index=True)
    farm = ForeignKey(references=Farm, index=True)
    joined_at = Timestamptz(default=TimestamptzNow())
    left_at = Timestamptz(null=True, default=None)
    left_by = ForeignKey(references=User, null=True, default=None)


class NetworkCoordinator(Table, tablename="network_coordinator"):
    network = ForeignKey(references=Network, index=True)
    user = ForeignKey(references=User, index=True)
    granted_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)
