"""Pure rules of a season: delivery calendars, prorated totals, payment schedules."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

FREQUENCIES = {"weekly": 7, "fortnightly": 14, "monthly": None}


def add_months(day: date, months: int, day_of_month: int | None = None) -> date:
    """The same day `months` later, kept inside shorter months (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    wanted = day_of_month or day.day
    return date(year, month, min(wanted, calendar.monthrange(year, month)[1]))


def delivery_dates(starts_on: date, ends_on: date, weekday: int, frequency: str) -> list[date]:
    """Every delivery day between two dates: weekly, fortnightly, or the first `weekday` of each month."""
    if frequency not in FREQUENCIES:
        raise ValueError(frequency)
    first = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
    if frequency != "monthly":
        step = timedelta(days=FREQUENCIES[frequency])
        days = []
        day = first
        while day <= ends_on:
            days.append(day)
            day += step
        return days
    days = []
    month_start = date(starts_on.year, starts_on.month, 1)
    while month_start <= ends_on:
        day = month_start + timedelta(days=(weekday - month_start.weekday()) % 7)
        if starts_on <= day <= ends_on:
            days.append(day)
        month_start = add_months(month_start, 1)
    return days


def remaining_deliveries(deliveries: Iterable[date], today: date) -> list[date]:
    """The deliveries a member joining today still receives: joining mid-season is prorated."""
    return sorted(day for day in deliveries if day >= today)


def split_installments(total_cents: int, count: int) -> list[int]:
    """Equal installments adding up to the total to the cent; the remainder goes to the first."""
    if count < 1:
        raise ValueError("at least one installment")
    if total_cents < 0:
        raise ValueError("a total cannot be negative")
    base = total_cents // count
    return [base + total_cents - base * count] + [base] * (count - 1)


def installment_dates(first_due_on: date, count: int, today: date | None = None) -> list[date]:
    """Monthly due dates from the first one; a plan whose first date has passed starts today."""
    start = max(first_due_on, today) if today else first_due_on
    return [add_months(start, number, start.day) for number in range(count)]


def schedule(total_cents: int, count: int, first_due_on: date, today: date | None = None) -> list[tuple[date, int]]:
    return list(zip(installment_dates(first_due_on, count, today), split_installments(total_cents, count), strict=True))
