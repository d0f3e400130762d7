"""Money as integer cents: parsing what people type and formatting per locale."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency

_AMOUNT = re.compile(r"^-?\d+([.,]\d{1,2})?$")


def parse_euros(text: str) -> int:
    """'12,50' or '12.5' -> 1250 cents. Raises ValueError on anything else."""
    cleaned = text.strip().replace("\u202f", "").replace(" ", "").removesuffix("€")
    if not _AMOUNT.match(cleaned):
        raise ValueError(text)
    try:
        return int((Decimal(cleaned.replace(",", ".")) * 100).to_integral_exact())
    except InvalidOperation as exc:  # pragma: no cover - the regex already refuses these
        raise ValueError(text) from exc


@lru_cache(maxsize=4096)
def format_cents(cents: int, locale: str = "fr", currency: str = "EUR") -> str:
    """Cached: Babel takes ~0.2 ms an amount, and a list repeats the same prices and totals."""
    return format_currency(Decimal(cents) / 100, currency, locale=locale)
