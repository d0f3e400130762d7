"""Contract tables. Money is integer cents; dates of deliveries are plain dates."""

from piccolo.columns import JSON, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import Household, User
from amap.farms.tables import Farm
from amap.groups.tables import Group


class ShareType(Table, tablename="share_type"):
    """What a farm sells by the delivery: "vegetables, full share", "6 eggs"."""

    farm = ForeignKey(references=Farm, index=True)
    name = Varchar(length=120)
    description = Text(default="")
    price_cents = Integer()  # usual price per delivery, the default for new offers
    # The fair-price composition of price_cents, shown to members (amap/lib/price_parts.py):
    # [{"category": "producer", "label": "farm labour", "cents": 1200}, ...]
    price_parts = JSON(default="[]")
    archived_at = Timestamptz(null=True, default=None)


class Offer(Table, tablename="offer"):
    """A farm's contract for one group and one season."""

    farm = ForeignKey(references=Farm, index=True)
    group = ForeignKey(references=Group, index=True)
    name = Varchar(length=200)
    starts_on = Date()
    ends_on = Date()
    signup_opens_on = Date()
    signup_closes_on = Date()
    nature = Varchar(length=10, default="fixed")  # fixed | variable
    min_quantity_per_delivery = Integer(default=0)  # variable nature only
    min_quantity_per_season = Integer(default=0)  # variable nature only
    missed_delivery_rule = Varchar(length=12, default="catch_up")  # catch_up | shared_loss
    shifts_allowed = Integer(default=0)  # absences per season a member may move to a later delivery
    charter = Text(default="")
    status = Varchar(length=10, default="draft")  # draft | open | closed
    version = Integer(default=1)  # the version members sign now (see OfferVersion)
    renewed_from = ForeignKey(references="self", null=True, default=None)
    created_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class OfferCoordinator(Table, tablename="offer_coordinator"):
    """A référent: the committee volunteer who follows this offer with the farmer."""

    offer = ForeignKey(references=Offer, index=True)
    user = ForeignKey(references=User, index=True)
    named_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)  # stepping down keeps the row: who held it stays known


class OfferDelivery(Table, tablename="offer_delivery"):
    offer = ForeignKey(references=Offer, index=True)
    delivers_on = Date()


class OfferShare(Table, tablename="offer_share"):
    """A share type offered in an offer, with its places. `taken` moves only in one
    conditional UPDATE, so two members signing at once can never both get the last place."""

    offer = ForeignKey(references=Offer, index=True)
    share_type = ForeignKey(references=ShareType)
    capacity = Integer()
    taken = Integer(default=0)


class OfferPrice(Table, tablename="offer_price"):
    """The price per delivery of a share in one tier of the sliding scale."""

    offer_share = ForeignKey(references=OfferShare, index=True)
    tier = Varchar(length=12)  # reduced | standard | solidarity
    price_cents = Integer()


class PaymentPlan(Table, tablename="payment_plan"):
    """A way to pay the season in advance, offered to members of an offer."""

    offer = ForeignKey(references=Offer, index=True)
    installments = Integer()  # 1 to 12
    first_due_on = Date()
    method = Varchar(length=10)  # cheque | transfer | cash
    payee = Varchar(length=200)  # to whom cheques are made out: always the farm, never the AMAP


class OfferVersion(Table, tablename="offer_version"):
    """What members signed: charter, prices and calendar frozen at each published version."""

    offer = ForeignKey(references=Offer, index=True)
    version = Integer()
    snapshot = JSON()
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = ForeignKey(references=User, null=True, default=None)


class Subscription(Table, tablename="subscription"):
    offer = ForeignKey(references=Offer, index=True)
    offer_version = Integer()
    household = ForeignKey(references=Household, index=True)
    offer_share = ForeignKey(references=OfferShare, index=True)
    tier = Varchar(length=12, default="standard")
    quantity = Integer(default=1)
    payment_plan = ForeignKey(references=PaymentPlan, null=True, default=None)
    status = Varchar(length=10)  # waiting | active | ended
    price_cents = Integer()  # per delivery and unit, as signed
    deliveries = Integer(default=0)  # how many deliveries the total pays for (prorated)
    first_delivery_on = Date(null=True, default=None)
    total_cents = Integer(default=0)
    donation_cents = Integer(default=0)
    co_household = ForeignKey(references=Household, null=True, default=None, index=True)
    sharing = Varchar(length=10, default="together")  # together | alternate (with a co-household)
    signed_by = ForeignKey(references=User, null=True, default=None)
    signed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    ended_on = Date(null=True, default=None)


class SubscriptionQuantity(Table, tablename="subscription_quantity"):
    """For a variable contract: how many units the member takes on one delivery date."""

    subscription = ForeignKey(references=Subscription, index=True)
    delivers_on = Date()
    quantity = Integer()


class Installment(Table, tablename="installment"):
    """One line of the payment schedule; the lines of a subscription add up to its total."""

    subscription = ForeignKey(references=Subscription, index=True)
    number = Integer()
    due_on = Date()
    amount_cents = Integer()


class Amendment(Table, tablename="amendment"):
    """A recorded change to a signed contract (leaving mid-season), with who and when."""

    subscription = ForeignKey(references=Subscription, index=True)
    kind = Varchar(length=12, default="leave")
    effective_on = Date()
    reason = Text(default="")
    requested_by = ForeignKey(references=User, null=True, default=None)
    requested_at = Timestamptz(default=TimestamptzNow())
    status = Varchar(length=10, default="pending")  # pending | approved | refused
    decided_by = ForeignKey(references=User, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    refund_cents = Integer(default=0)
