"""The `from` / `to` query parameters the API's calendar endpoints share."""

from __future__ import annotations

from datetime import date, timedelta

from litestar.exceptions import ValidationException

DEFAULT_RANGE = timedelta(days=60)
MAX_RANGE = timedelta(days=400)


def _day(name: str, value: str | None, default: date) -> date:
    if value is None or value == "":
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationException(detail=f"{name}: give a date as YYYY-MM-DD, like 2027-04-01") from None


def date_range(from_: str | None, to: str | None, today: date) -> tuple[date, date]:
    """From today (by default) to 60 days later (by default), at most 400 days; an HTTP 400 with the reason otherwise."""
    first = _day("from", from_, today)
    last = _day("to", to, first + DEFAULT_RANGE)
    if last < first:
        raise ValidationException(detail="to: give a day on or after from")
    if last - first > MAX_RANGE:
        raise ValidationException(detail=f"to: ask for at most {MAX_RANGE.days} days at a time")
    return first, last
