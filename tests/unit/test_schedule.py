"""Calendars, proration and payment schedules, with property-based checks."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amap.contracts.schedule import (
    add_months,
    delivery_dates,
    installment_dates,
    remaining_deliveries,
    schedule,
    split_installments,
)


@given(total=st.integers(min_value=0, max_value=10_000_000), count=st.integers(min_value=1, max_value=12))
def test_installments_add_up_to_the_total_to_the_cent(total, count):
    parts = split_installments(total, count)
    assert sum(parts) == total and len(parts) == count
    assert all(part >= 0 for part in parts)
    assert max(parts) - min(parts) < count  # as even as cents allow
    assert parts[0] == max(parts) and len(set(parts[1:])) <= 1  # the remainder goes to the first


def test_a_season_of_26_deliveries_at_17_euros_in_5_cheques():
    assert split_installments(26 * 1700, 5) == [8840, 8840, 8840, 8840, 8840]
    assert split_installments(10000, 3) == [3334, 3333, 3333]


def test_refuses_nonsense():
    with pytest.raises(ValueError):
        split_installments(100, 0)
    with pytest.raises(ValueError):
        split_installments(-1, 2)


def test_weekly_calendar_of_thursdays():
    days = delivery_dates(date(2027, 4, 1), date(2027, 4, 30), weekday=3, frequency="weekly")
    assert days == [date(2027, 4, 1), date(2027, 4, 8), date(2027, 4, 15), date(2027, 4, 22), date(2027, 4, 29)]


def test_fortnightly_and_monthly_calendars():
    assert delivery_dates(date(2027, 4, 2), date(2027, 5, 15), 3, "fortnightly") == [
        date(2027, 4, 8), date(2027, 4, 22), date(2027, 5, 6)]
    assert delivery_dates(date(2027, 4, 2), date(2027, 7, 1), 3, "monthly") == [
        date(2027, 5, 6), date(2027, 6, 3), date(2027, 7, 1)]


@given(start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
       length=st.integers(min_value=0, max_value=400), weekday=st.integers(min_value=0, max_value=6),
       frequency=st.sampled_from(["weekly", "fortnightly", "monthly"]))
def test_calendars_fall_on_the_weekday_within_the_season_in_order(start, length, weekday, frequency):
    from datetime import timedelta

    end = start + timedelta(days=length)
    days = delivery_dates(start, end, weekday, frequency)
    assert all(day.weekday() == weekday and start <= day <= end for day in days)
    assert days == sorted(set(days))
    if frequency == "weekly":
        assert len(days) in (length // 7, length // 7 + 1)


@given(days=st.lists(st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)), unique=True),
       today=st.dates(min_value=date(2026, 12, 1), max_value=date(2028, 1, 31)))
def test_proration_keeps_exactly_the_deliveries_still_to_come(days, today):
    kept = remaining_deliveries(days, today)
    assert kept == sorted(day for day in days if day >= today)
    assert len(kept) + sum(1 for day in days if day < today) == len(days)


def test_month_arithmetic_stays_inside_short_months():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 5), 3) == date(2028, 2, 5)


def test_schedule_pairs_monthly_dates_with_amounts_and_starts_today_when_late():
    assert schedule(10000, 3, date(2027, 4, 5)) == [
        (date(2027, 4, 5), 3334), (date(2027, 5, 5), 3333), (date(2027, 6, 5), 3333)]
    assert installment_dates(date(2027, 4, 5), 2, today=date(2027, 6, 10)) == [date(2027, 6, 10), date(2027, 7, 10)]
