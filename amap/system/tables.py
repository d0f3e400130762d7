"""Tables behind the shared session store and the rate-limit counters."""

from piccolo.columns import Bytea, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class StoreEntry(Table, tablename="store_entry"):
    """One value of the shared store (sessions); expired rows are purged by a job."""

    key = Varchar(length=255, unique=True)
    value = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)
    # A session's logged-in user, as its value says: the request reads the session and its user's
    # roles in one statement (amap.principal.SESSION_PRINCIPAL_SQL).
    user_id = Integer(null=True, default=None)


class Counter(Table, tablename="counter"):
    """A fixed-window counter (login failures per account or address)."""

    key = Varchar(length=255, unique=True)
    count = Integer(default=0)
    expires_at = Timestamptz(index=True)


class SchedulerLease(Table, tablename="scheduler_lease"):
    """Who runs the scheduler now. On SQLite the row is the lock (taken when expired); on
    PostgreSQL an advisory lock decides and the row only tells the admin page who holds it."""

    name = Varchar(length=40, unique=True)
    holder = Varchar(length=64, default="")
    acquired_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)


class JobRun(Table, tablename="job_run"):
    """One run of a scheduled job: when, for which moment, by whom, and how it ended."""

    job = Varchar(length=60, index=True)
    run_for = Timestamptz()  # the moment the job ran as (now, or `amap jobs run --at`)
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    status = Varchar(length=10, default="running")  # running | ok | failed
    result = Integer(null=True, default=None)
    error = Text(default="")
    holder = Varchar(length=64, default="")
