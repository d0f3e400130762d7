"""One-off orders (short chain): a producer's catalog, order windows open to groups, orders.

Money in integer cents; quantities in whole units of the product's `unit` ("1 kg bag",
"jar of 500 g", "lamb box of 5 kg"), so every total is exact.
"""

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from amap.accounts.tables import Household, User
from amap.distributions.tables import Distribution
from amap.farms.tables import Farm
from amap.groups.tables import Group
from amap.network.tables import Network


class Product(Table, tablename="product"):
    """An item of a producer's catalog."""

    farm = ForeignKey(references=Farm, index=True)
    name = Varchar(length=200)
    description = Text(default="")
    unit = Varchar(length=60)  # what one unit is: "1 kg bag", "jar of 500 g", "bottle of 1 l"
    price_cents = Integer()  # per unit, all taxes included
    vat_rate_bp = Integer(null=True, default=None)  # in basis points (550 = 5.5 %); None: no VAT shown
    packaging = Integer(default=1)  # sold by multiples of this many units (a case of 6 bottles)
    min_quantity = Integer(default=1)  # the smallest order, in units
    price_parts = JSON(default="[]")  # the fair-price composition, see amap/lib/price_parts.py
    archived_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class OrderWindow(Table, tablename="order_window"):
    """A time during which groups order from one producer, delivered at one distribution per group."""

    farm = ForeignKey(references=Farm, index=True)
    title = Varchar(length=200)
    description = Text(default="")
    network = ForeignKey(references=Network, null=True, default=None, index=True)  # offered network-wide
    opens_at = Timestamptz()
    closes_at = Timestamptz(index=True)
    published_at = Timestamptz(null=True, default=None)  # a draft until then
    closed_at = Timestamptz(null=True, default=None)  # orders locked (by the close job, at closes_at)
    created_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class WindowProduct(Table, tablename="order_window_product"):
    """A product offered in a window, at this window's price and with its stock for all groups.

    `reserved` moves only in one conditional UPDATE (reserved + n <= stock), so orders placed at
    the same instant from several groups can never oversell.
    """

    window = ForeignKey(references=OrderWindow, index=True)
    product = ForeignKey(references=Product, index=True)
    price_cents = Integer()
    price_parts = JSON(default="[]")
    stock = Integer(null=True, default=None)  # None: no limit
    reserved = Integer(default=0)


class WindowStop(Table, tablename="order_window_stop"):
    """A group the window serves, where and when its orders are delivered; in tour order."""

    window = ForeignKey(references=OrderWindow, index=True)
    group = ForeignKey(references=Group, index=True)
    distribution = ForeignKey(references=Distribution, null=True, default=None, index=True)
    position = Integer(default=0)  # order of the stop in the producer's delivery tour
    arrives_at = Varchar(length=5, default="")  # "17:45", planned arrival at the stop


class Order(Table, tablename="order_placed"):
    """A household's (or a member organisation's) order in one window, delivered at its group's stop."""

    window = ForeignKey(references=OrderWindow, index=True)
    stop = ForeignKey(references=WindowStop, index=True)
    household = ForeignKey(references=Household, index=True)
    placed_by = ForeignKey(references=User, null=True, default=None)
    total_cents = Integer(default=0)
    status = Varchar(length=10, default="open")  # open | locked | cancelled
    placed_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class OrderLine(Table, tablename="order_line"):
    order = ForeignKey(references=Order, index=True)
    window_product = ForeignKey(references=WindowProduct, index=True)
    quantity = Integer()
    unit_price_cents = Integer()
    total_cents = Integer()


class OrderPayment(Table, tablename="order_payment"):
    """Money handed to the producer for an order, at pickup or in advance; corrections are negative rows."""

    order = ForeignKey(references=Order, index=True)
    amount_cents = Integer()
    method = Varchar(length=10, default="cash")  # cash | cheque | transfer | card
    received_on = Timestamptz(default=TimestamptzNow())
    recorded_by = ForeignKey(references=User, null=True, default=None)
    note = Varchar(length=200, default="")


class BulkBuyer(Table, tablename="bulk_buyer"):
    """A household that is an organisation buying in quantity: a community kitchen, a collective,
    a popular restaurant. It orders the same way; the kind shows on picking lists."""

    household = ForeignKey(references=Household, unique=True)
    kind = Varchar(length=20, default="collective")  # kitchen | collective | restaurant
    network = ForeignKey(references=Network, null=True, default=None)  # a member of the network itself
    contact = Varchar(length=200, default="")
    active = Boolean(default=True)
