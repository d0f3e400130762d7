"""A spreadsheet in memory: a titled table whose columns say what their cells hold (text typed by
people, integers, money in cents, dates, moments shown as local dates, yes/no), so that each writer
(amap/exports/writers.py) writes them as its readers expect. Knows no domain: any part of the app
may build a Sheet."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from amap.lib.dates import DEFAULT_TIMEZONE


class Kind(StrEnum):
    TEXT = "text"
    """Text, typed by people or a label we write: defused so that a spreadsheet never runs it."""
    INTEGER = "integer"
    MONEY = "money"
    """Integer cents, written as euros: 1250 is 12.50."""
    DATE = "date"
    MOMENT = "moment"
    """A timezone-aware datetime, written as its date in the sheet's timezone."""
    YES_NO = "yes_no"
    """A boolean, written as "yes" or "no" in the reader's language."""


TEXT, INTEGER, MONEY, DATE, MOMENT, YES_NO = (Kind.TEXT, Kind.INTEGER, Kind.MONEY, Kind.DATE, Kind.MOMENT,
                                             Kind.YES_NO)


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = TEXT


@dataclass(frozen=True)
class Sheet:
    """Rows are tuples with one value per column, None for an empty cell."""

    title: str
    columns: tuple[Column, ...]
    rows: list[tuple]
    timezone: str = DEFAULT_TIMEZONE
    """Where MOMENT cells are read as dates (the group's)."""

    def __post_init__(self) -> None:
        widths = {len(row) for row in self.rows} - {len(self.columns)}
        if widths:
            raise ValueError(f"rows of {sorted(widths)} cells for {len(self.columns)} columns in {self.title!r}")
