"""Balances computed by the database, for the lists that page them: an offer's subscriptions
(`/offers/{id}/payments`) and a group's households (`/committee/{slug}/balances`).

The rule is `services.balances()`'s, written in SQL so that a page reads only its own rows while
the totals above it still cover the whole list: what a subscription is expected to pay is its total
less what approved leaves give back (never below 0); what is due is the installments due before
today, at most that; what is overdue is what is due and not received. Each query is one statement
whatever the number of subscriptions, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from piccolo.columns.combination import And, Or, Where
from piccolo.querystring import QueryString

from amap.contracts.tables import Offer, Subscription
from amap.payments.services import LISTED, Totals

Condition = Where | And | Or

# Each listed subscription with its balance, as a CTE named `balance`; {} = today, then the condition.
# What leaves give back is summed once for all the listed subscriptions: the amendment table is small,
# so PostgreSQL scanned all of it again for each subscription (a third of the query's time). The
# installments and payments stay one index lookup per subscription: summed for the whole list at once,
# PostgreSQL reads the two tables end to end (on a group's 509 subscriptions, 7.2 ms instead of 3.8).
# `listed` is MATERIALIZED: inlined, PostgreSQL would run its two sums again for every later use of
# their columns.
BALANCES = """
WITH listed AS MATERIALIZED (
  SELECT subscription.id, subscription.offer, subscription.household, subscription.co_household,
    subscription.offer_share, subscription.tier, subscription.quantity, subscription.status, subscription.ended_on,
    subscription.total_cents,
    COALESCE((SELECT SUM(installment.amount_cents) FROM installment
              WHERE installment.subscription = subscription.id AND installment.due_on < {}), 0) AS scheduled_cents,
    COALESCE((SELECT SUM(payment.amount_cents) FROM payment WHERE payment.subscription = subscription.id), 0)
      AS received_cents
  FROM subscription WHERE {}
), refunded AS (
  SELECT amendment.subscription, SUM(amendment.refund_cents) AS refund_cents FROM amendment
  WHERE amendment.subscription IN (SELECT id FROM listed) AND amendment.kind = 'leave' AND amendment.status = 'approved'
  GROUP BY amendment.subscription
), owed AS (
  SELECT listed.*, COALESCE(refunded.refund_cents, 0) AS refund_cents,
    CASE WHEN total_cents > COALESCE(refunded.refund_cents, 0) THEN total_cents - COALESCE(refunded.refund_cents, 0)
      ELSE 0 END AS expected_cents
  FROM listed LEFT JOIN refunded ON refunded.subscription = listed.id
), due AS (
  SELECT owed.*, CASE WHEN scheduled_cents < expected_cents THEN scheduled_cents ELSE expected_cents END AS due_cents
  FROM owed
), balance AS (
  SELECT due.*, CASE WHEN due_cents > received_cents THEN due_cents - received_cents ELSE 0 END AS overdue_cents
  FROM due
)
"""


@dataclass(frozen=True)
class Summary:
    """The totals of a list and how many rows it has, overdue or not."""

    totals: Totals
    count: int
    overdue_count: int


def offer_subscriptions(offer_id: int) -> And:
    """The offer's subscriptions that hold or held a place (those the payments page lists)."""
    return ((Subscription.offer == offer_id) & Subscription.status.is_in(list(LISTED))
            & Subscription.first_delivery_on.is_not_null())


def group_subscriptions(group_id: int) -> And:
    """Every subscription of the group's contracts that holds or held a place."""
    return (Subscription.offer.is_in(Offer.select(Offer.id).where(Offer.group == group_id))
            & Subscription.status.is_in(list(LISTED)))


def _totals(row: dict, prefix: str = "") -> Totals:
    """The totals a row read as `{prefix}expected_cents`, `{prefix}received_cents`, `{prefix}overdue_cents`."""
    expected, received = row[f"{prefix}expected_cents"], row[f"{prefix}received_cents"]
    return Totals(expected, received, expected - received, row[f"{prefix}overdue_cents"])


async def _run(sql: str, condition: Condition, today: date, *args: object) -> list[dict]:
    return await Subscription.raw(BALANCES + sql, today, condition.querystring, *args)


def _overdue_only(overdue: bool, column: str = "overdue_cents") -> QueryString:
    return QueryString(f"{column} > 0" if overdue else "1 = 1")


async def summary(condition: Condition, today: date, *, overdue: bool = False) -> Summary:
    """Totals of the subscriptions, with how many there are and how many are overdue."""
    row = (await _run("""
        SELECT COUNT(*) AS count, COALESCE(SUM(expected_cents), 0) AS expected_cents,
          COALESCE(SUM(received_cents), 0) AS received_cents, COALESCE(SUM(overdue_cents), 0) AS overdue_cents,
          COALESCE(SUM(CASE WHEN overdue_cents > 0 THEN 1 ELSE 0 END), 0) AS overdue_count
        FROM balance WHERE {}""", condition, today, _overdue_only(overdue)))[0]
    return Summary(_totals(row), row["count"], row["overdue_count"])


async def totals_by_offer(offer_ids: list[int], today: date) -> dict[int, Totals]:
    """The totals of each offer's listed subscriptions (as on its payments page), in one query."""
    condition = (Subscription.offer.is_in(list(offer_ids) or [-1]) & Subscription.status.is_in(list(LISTED))
                 & Subscription.first_delivery_on.is_not_null())
    rows = await _run("""
        SELECT offer, SUM(expected_cents) AS expected_cents, SUM(received_cents) AS received_cents,
          SUM(overdue_cents) AS overdue_cents
        FROM balance GROUP BY offer""", condition, today)
    found = {offer_id: Totals() for offer_id in offer_ids}
    for row in rows:
        found[row["offer"]] = _totals(row)
    return found


# The totals of the whole list, beside each row of one page of it: the page and the figures above it
# from one reading of the balances instead of two (window sums run before LIMIT).
_LIST_TOTALS = """, COUNT(*) OVER () AS list_count, SUM(expected_cents) OVER () AS list_expected_cents,
  SUM(received_cents) OVER () AS list_received_cents, SUM(overdue_cents) OVER () AS list_overdue_cents,
  SUM(CASE WHEN overdue_cents > 0 THEN 1 ELSE 0 END) OVER () AS list_overdue_count"""


async def subscription_page(condition: Condition, today: date, *, overdue: bool = False, limit: int,
                            offset: int = 0) -> tuple[list[dict], Summary]:
    """One page of the subscriptions (as `subscription_rows`) and the summary of all those listed."""
    rows = await subscription_rows(condition, today, overdue=overdue, limit=limit, offset=offset, totals=True)
    if not rows:  # an empty list, or a page beyond its end: the summary on its own
        return rows, await summary(condition, today, overdue=overdue)
    first = rows[0]
    return rows, Summary(_totals(first, "list_"), first["list_count"], first["list_overdue_count"])


async def subscription_rows(condition: Condition, today: date, *, overdue: bool = False, limit: int | None = None,
                            offset: int = 0, totals: bool = False) -> list[dict]:
    """The subscriptions by household name, each with its balance as the columns the table shows
    (`expected_cents`, `received_cents`, `outstanding_cents`, `overdue_cents`: no object per row); one page
    of them when `limit` is given (with `totals`, each row also carries the whole list's: `subscription_page`)."""
    paging = QueryString("LIMIT {} OFFSET {}", limit, offset) if limit is not None else QueryString("")
    # The page is chosen by household name first; its other names are joined to its rows only. Both
    # households' names are read by key: joined, PostgreSQL hashed every household of the large demo (5,100)
    # for an offer's 238 rows, then again for the page's co-households.
    rows = await _run("""
        SELECT page.*, (SELECT co.name FROM household co WHERE co.id = page.co_household) AS co_household_name,
          share_type.name AS share_name, offer.nature AS nature, offer.name AS offer_name, offer.id AS offer_id
        FROM (SELECT balance.id, balance.household, balance.co_household, balance.offer_share, balance.offer,
            balance.tier, balance.quantity, balance.status, balance.ended_on, balance.expected_cents,
            balance.received_cents, balance.expected_cents - balance.received_cents AS outstanding_cents,
            balance.overdue_cents,
            (SELECT household.name FROM household WHERE household.id = balance.household) AS household_name {}
          FROM balance
          WHERE {} ORDER BY household_name, balance.id {}) page
          JOIN offer_share ON offer_share.id = page.offer_share
          JOIN share_type ON share_type.id = offer_share.share_type
          JOIN offer ON offer.id = page.offer
        ORDER BY page.household_name, page.id""", condition, today,
                      QueryString(_LIST_TOTALS if totals else ""), _overdue_only(overdue), paging)
    for row in rows:
        row["ended_on"] = _as_date(row["ended_on"])
    return rows


async def household_count(condition: Condition, today: date, *, overdue: bool = False) -> int:
    """How many households the subscriptions belong to (those owing overdue money only, if asked)."""
    rows = await _run("""
        SELECT COUNT(*) AS count FROM (SELECT household FROM balance GROUP BY household HAVING {}) households""",
                      condition, today, _overdue_only(overdue, "SUM(overdue_cents)"))
    return rows[0]["count"]


async def household_rows(condition: Condition, today: date, *, overdue: bool = False, limit: int,
                         offset: int = 0) -> tuple[list[dict], int, Totals | None]:
    """One page of the households the subscriptions belong to, by name, each with the totals of its
    subscriptions and the subscriptions themselves (`contracts`: id and offer name); how many households are listed in
    all, and the totals of all their subscriptions (both None for a page beyond the end)."""
    households = await _run("""
        SELECT balance.household, household.name, SUM(expected_cents) AS expected_cents,
          SUM(received_cents) AS received_cents, SUM(overdue_cents) AS overdue_cents,
          COUNT(*) OVER () AS list_count, SUM(SUM(expected_cents)) OVER () AS list_expected_cents,
          SUM(SUM(received_cents)) OVER () AS list_received_cents, SUM(SUM(overdue_cents)) OVER () AS list_overdue_cents
        FROM balance JOIN household ON household.id = balance.household
        GROUP BY balance.household, household.name HAVING {}
        ORDER BY household.name, balance.household LIMIT {} OFFSET {}""",
                            condition, today, _overdue_only(overdue, "SUM(overdue_cents)"), limit, offset)
    contracts: dict[int, list[dict]] = {}
    if households:  # each household's contracts by name (their sums are in the household's row)
        for row in await Subscription.select(
                Subscription.id, Subscription.household, Subscription.offer.name.as_alias("offer_name")).where(
                condition & Subscription.household.is_in([h["household"] for h in households])).order_by(
                Subscription.id):
            contracts.setdefault(row["household"], []).append(row)
    for household in households:
        household["totals"] = _totals(household)
        household["contracts"] = contracts.get(household["household"], [])
    if not households:
        return households, None, None
    return households, households[0]["list_count"], _totals(households[0], "list_")


def _as_date(value: object) -> date | None:
    """SQLite hands a date read through a CTE back as its ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]
