"""The outbox every message goes through, what members chose to receive, and group wording."""

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import User
from amap.groups.tables import Group


class OutboxMessage(Table, tablename="outbox_message"):
    """One e-mail to one recipient, stored before it is sent.

    `key` names the business event (job + recipient + object + date): storing the same event
    twice is a no-op, so a job that runs twice or restarts halfway sends nothing twice.
    """

    key = Varchar(length=200, unique=True)
    kind = Varchar(length=40, index=True)
    group = ForeignKey(references=Group, null=True, default=None, index=True)
    user = ForeignKey(references=User, null=True, default=None, index=True)
    to_address = Varchar(length=254)
    language = Varchar(length=5, default="fr")
    subject = Varchar(length=300)
    body_text = Text()
    body_html = Text(default="")
    unsubscribe_url = Varchar(length=500, default="")
    status = Varchar(length=10, default="queued", index=True)  # queued | sending | sent | failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    claimed_by = Varchar(length=64, default="")  # the scheduler holder sending it right now
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class OptOut(Table, tablename="notification_opt_out"):
    """A member does not want this kind of message (a row per kind refused; none = receives all)."""

    user = ForeignKey(references=User, index=True)
    kind = Varchar(length=40)
    created_at = Timestamptz(default=TimestamptzNow())


class Wording(Table, tablename="message_wording"):
    """A group's own subject and opening paragraph for one kind of message, per language."""

    group = ForeignKey(references=Group, index=True)
    kind = Varchar(length=40)
    language = Varchar(length=5)
    subject = Varchar(length=300, default="")
    intro = Text(default="")
    updated_by = ForeignKey(references=User, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class GroupMessage(Table, tablename="group_message"):
    """A message a coordinator wrote to a segment of the group, sent through the outbox."""

    group = ForeignKey(references=Group, index=True)
    author = ForeignKey(references=User)
    segment = Varchar(length=20)  # all | contract | distribution | volunteers | behind
    segment_ref = Integer(null=True, default=None)  # the offer or distribution id
    segment_label = Varchar(length=300, default="")
    subject = Varchar(length=300)
    body = Text()
    recipients = Integer(default=0)
    draft = Varchar(length=64, null=True, default=None, unique=True)
    """A token of the form it was written in: pressing Send twice sends one message."""
    created_at = Timestamptz(default=TimestamptzNow())
