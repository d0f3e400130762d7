"""Numbers as the reader's locale writes them, by Babel's (CLDR) rules rather than per-language branches."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from babel.numbers import format_percent, get_decimal_symbol

from amap.lib.i18n import get_language


def decimal_mark(language: str | None = None) -> str:
    """"," in French, Spanish and Portuguese, "." in English."""
    return _decimal_symbol(language or get_language())


@cache
def _decimal_symbol(language: str) -> str:
    return get_decimal_symbol(language)


def decimal_text(value: object, language: str | None = None) -> str:
    """A plain decimal (1.5, "12.50", Decimal) as a person types it back into a field: 1,5 where the
    locale writes a decimal comma; no thousands separator, so that it reads back as typed."""
    return str(value).replace(".", decimal_mark(language or get_language()))


def csv_separator(language: str | None = None) -> str:
    """What a spreadsheet of that locale expects between cells: ";" where the decimal mark is a comma."""
    return ";" if decimal_mark(language or get_language()) == "," else ","


def percent_text(percent: Decimal | int, language: str | None = None) -> str:
    """5.5 (per cent) as "5,5 %" in French, "5.5%" in English, "5,5%" in Portuguese; decimals kept."""
    return format_percent(Decimal(percent) / 100, locale=language or get_language(), decimal_quantization=False)
