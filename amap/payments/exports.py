"""CSV exports of an offer's subscriptions and payments, made to open cleanly in spreadsheets.

The convention, the same for both files:
- UTF-8 with a byte order mark: without it Excel reads the file as Windows-1252 and garbles
  accents ("Ã©" for "é"); LibreOffice and scripts ignore the mark.
- Separator and decimal mark follow the reader's language, as their spreadsheet expects:
  in French `;` between cells and `12,50` (French Excel uses the comma as decimal mark, so it
  splits cells on `;`, and reads "12.50" as text or a date); in English `,` and `12.50`.
  Amounts are plain numbers in euros, without currency sign or thousands separator, so they
  add up in a spreadsheet. Programs wanting a fixed format should use the JSON API.
- Dates are ISO 8601 (2027-04-05), which both spreadsheets recognise as dates in any locale.
- CRLF line ends (RFC 4180) and every text cell quoted when needed by the csv module.
- Text typed by people that starts with = + - @ (or a tab or carriage return) is prefixed with
  a quote: a spreadsheet would otherwise run it as a formula (CSV injection). Amounts we write
  ourselves are left alone, so a negative amount stays a number.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from zoneinfo import ZoneInfo

from litestar.response import Response

from amap.contracts.lifecycle import TIER_LABELS
from amap.lib.i18n import _
from amap.payments.services import METHOD_NAMES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = {"fr": ";", "en": ","}
DECIMAL_MARKS = {"fr": ",", "en": "."}
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})  # NFKD keeps them whole


def safe_text(value: object) -> str:
    """A cell typed by someone, defused so that a spreadsheet shows it rather than runs it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def euros(cents: int, language: str) -> str:
    """1250 -> "12,50" (French) or "12.50" (English); -5 -> "-0,05"."""
    return f"{Decimal(cents) / 100:.2f}".replace(".", DECIMAL_MARKS.get(language, "."))


def to_csv(header: list[str], rows: Iterable[list[str]], language: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATORS.get(language, ","), lineterminator="\r\n")
    writer.writerow([safe_text(cell) for cell in header])
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def filename(offer_name: str, kind: str) -> str:
    """An ASCII file name from the offer's name: "Légumes 2027" -> "legumes-2027-payments.csv"."""
    spelled = f"{offer_name} {kind}".translate(LIGATURES)
    ascii_name = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return f"{slug or 'export'}.csv"


def csv_response(body: bytes, name: str) -> Response[bytes]:
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def household_of(row: dict) -> str:
    return row["household_name"] + (f" + {row['co_household_name']}" if row.get("co_household_name") else "")


def subscriptions_csv(rows: list[dict], language: str) -> bytes:
    """One line per subscription holding (or having held) a place, with its balance."""
    header = [_("Household"), _("Share"), _("Quantity"), _("Price level"), _("Status"), _("Deliveries"),
              _("Signed on"), _("Ended on"), _("Total for the season"), _("Received"), _("Still to pay"),
              _("Overdue")]
    lines = []
    for row in rows:
        balance = row["balance"]
        lines.append([
            safe_text(household_of(row)), safe_text(row["share_name"]), str(row["quantity"]),
            str(TIER_LABELS.get(row["tier"], row["tier"])),
            _("active") if row["status"] == "active" else _("ended"), str(row["deliveries"]),
            row["signed_at"].date().isoformat() if row["signed_at"] else "",
            row["ended_on"].isoformat() if row["ended_on"] else "",
            euros(balance.expected_cents, language), euros(balance.received_cents, language),
            euros(balance.outstanding_cents, language), euros(balance.overdue_cents, language),
        ])
    return to_csv(header, lines, language)


def payments_csv(payments: list[dict], language: str, timezone: str) -> bytes:
    """One line per payment recorded, corrections included, in the order they were recorded."""
    header = [_("Received on"), _("Household"), _("Share"), _("Method"), _("Cheque number"), _("Bank"),
              _("Amount"), _("Note"), _("Handed over to the farmer on"), _("Recorded by"), _("Recorded on")]
    zone = ZoneInfo(timezone)
    lines = [[
        payment["received_on"].isoformat(), safe_text(payment["household_name"]), safe_text(payment["share_name"]),
        str(METHOD_NAMES.get(payment["method"], payment["method"])), safe_text(payment["cheque_number"]),
        safe_text(payment["bank"]), euros(payment["amount_cents"], language), safe_text(payment["note"]),
        payment["handed_over_on"].isoformat() if payment["handed_over_on"] else "",
        safe_text(payment["recorded_by_name"] or ""), payment["recorded_at"].astimezone(zone).date().isoformat(),
    ] for payment in payments]
    return to_csv(header, lines, language)
