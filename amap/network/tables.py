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
    network = ForeignKey(references=Network, index=True)
    group = ForeignKey(references=Group, index=True)
    joined_at = Timestamptz(default=TimestamptzNow())


class NetworkFarm(Table, tablename="network_farm"):
    network = ForeignKey(references=Network, index=True)
    farm = ForeignKey(references=Farm, index=True)
    joined_at = Timestamptz(default=TimestamptzNow())


class NetworkCoordinator(Table, tablename="network_coordinator"):
    network = ForeignKey(references=Network, index=True)
    user = ForeignKey(references=User, index=True)
    granted_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)
