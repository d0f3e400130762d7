"""Payment tables: what was received for a subscription and when it went to the farmer."""

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import User
from amap.contracts.tables import Offer, Subscription
from amap.farms.tables import Farm


class Remittance(Table, tablename="remittance"):
    """A bundle of cheques of one offer handed over to the farmer on one day."""

    farm = ForeignKey(references=Farm, index=True)
    # Per offer, so that only the people who manage that offer see the cheques of the slip.
    offer = ForeignKey(references=Offer, null=True, default=None, index=True)
    handed_over_on = Date()
    created_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Payment(Table, tablename="payment"):
    """Money received for a subscription. Corrections are new rows (negative amounts), never edits."""

    subscription = ForeignKey(references=Subscription, index=True)
    amount_cents = Integer()
    method = Varchar(length=10)  # cheque | transfer | cash
    cheque_number = Varchar(length=40, default="")
    bank = Varchar(length=80, default="")
    received_on = Date()
    note = Text(default="")
    remittance = ForeignKey(references=Remittance, null=True, default=None, index=True)
    recorded_by = ForeignKey(references=User, null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())
