"""Tables behind the shared session store and the rate-limit counters."""

from piccolo.columns import Bytea, Integer, Timestamptz, Varchar
from piccolo.table import Table


class StoreEntry(Table, tablename="store_entry"):
    """One value of the shared store (sessions); expired rows are purged by a job."""

    key = Varchar(length=255, unique=True)
    value = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)


class Counter(Table, tablename="counter"):
    """A fixed-window counter (login failures per account or address)."""

    key = Varchar(length=255, unique=True)
    count = Integer(default=0)
    expires_at = Timestamptz(index=True)
