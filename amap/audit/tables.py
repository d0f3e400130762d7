"""The audit log's one table: an event per change, written in the transaction of the change itself."""

from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import User
from amap.groups.tables import Group


class AuditEvent(Table, tablename="audit_event"):
    """Who did what to which object, and when. Never updated, never deleted.

    The subject is named by a kind and an id (`"payment", 12`), not a foreign key, so that this core
    table knows no domain; `parent_*` names the object it belongs to (a payment's subscription), so an
    object's history includes its parts. (subject_kind, subject_id) and (parent_kind, parent_id) are
    indexed by a migration of their own.
    """

    group = ForeignKey(references=Group, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    subject_kind = Varchar(length=20)
    subject_id = Integer()
    parent_kind = Varchar(length=20, default="")
    parent_id = Integer(null=True, default=None)
    action = Varchar(length=30)
    details = JSON(default="{}")  # the values that matter: amounts in cents, before and after, the reason
    actor = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)  # None: a job, the system
    at = Timestamptz(default=TimestamptzNow())
