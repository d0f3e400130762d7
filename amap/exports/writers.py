"""Writing a Sheet as CSV or XLSX, made to open cleanly in spreadsheets, and the download response.

CSV, the convention of every CSV file of the app:
- UTF-8 with a byte order mark: without it Excel reads the file as Windows-1252 and garbles
  accents ("Ã©" for "é"); LibreOffice and scripts ignore the mark.
- Separator and decimal mark follow the reader's language, as their spreadsheet expects, by the
  locale's decimal symbol (Babel): where it is a comma (French, Spanish, Portuguese) `;` between
  cells and `12,50` (such an Excel uses the comma as decimal mark, so it splits cells on `;`, and
  reads "12.50" as text or a date); where it is a point (English) `,` and `12.50`.
  Amounts are plain numbers in euros, without currency sign or thousands separator, so they
  add up in a spreadsheet. Programs wanting a fixed format should use the JSON API.
- Dates are ISO 8601 (2027-04-05), which both spreadsheets recognise as dates in any locale.
- CRLF line ends (RFC 4180) and every text cell quoted when needed by the csv module.
- Text that starts with = + - @ (or a tab or carriage return) is prefixed with a quote: a
  spreadsheet would otherwise run it as a formula (CSV injection). Numbers are left alone, so a
  negative amount stays a number.

XLSX (openpyxl, write-only): amounts are numbers with two decimals (the spreadsheet shows its
reader's own separators), dates are real dates shown as 2027-04-05; the header row is bold and
frozen, columns are as wide as their content (within bounds). Text cells are always stored as
strings, never as formulas, and those starting like a formula are marked as quoted text, as Excel
does when one types a leading '.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import anyio.to_thread
from litestar.response import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from amap.exports.sheet import Kind, Sheet
from amap.lib.i18n import _, get_language, using_language
from amap.lib.numbers import csv_separator, decimal_text

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})  # NFKD keeps them whole
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
"""The formats a Sheet is written in, by file extension."""
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 8, 60  # in characters


def safe_text(value: object) -> str:
    """A cell typed by someone, defused so that a spreadsheet shows it rather than runs it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def euros(cents: int, language: str) -> str:
    """1250 -> "12,50" (French) or "12.50" (English); -5 -> "-0,05"."""
    return decimal_text(f"{Decimal(cents) / 100:.2f}", language)


def filename(name: str, kind: str, extension: str = "csv") -> str:
    """An ASCII file name: ("Légumes 2027", "payments") -> "legumes-2027-payments.csv"."""
    spelled = f"{name} {kind}".translate(LIGATURES)
    ascii_name = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return f"{slug or 'export'}.{extension}"


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def csv_text(kind: Kind, value: object, language: str, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if kind is Kind.MONEY:
        return euros(value, language)
    if kind is Kind.DATE:
        return value.isoformat()
    if kind is Kind.MOMENT:
        return local_date(value, zone).isoformat()
    if kind is Kind.YES_NO:
        return yes_no(value)
    return str(value) if kind is Kind.INTEGER else safe_text(value)


def csv_file(header: list[str], lines: Iterable[list[str]], language: str) -> bytes:
    """Lines of cells already written as text, with the header, in the CSV convention above."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_separator(language), lineterminator="\r\n")
    writer.writerow([safe_text(cell) for cell in header])
    writer.writerows(lines)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_csv(sheet: Sheet, language: str) -> bytes:
    zone = ZoneInfo(sheet.timezone)
    kinds = [column.kind for column in sheet.columns]
    return csv_file([column.header for column in sheet.columns],
                    ([csv_text(kind, value, language, zone) for kind, value in zip(kinds, row, strict=True)]
                     for row in sheet.rows), language)


def xlsx_value(kind: Kind, value: object, zone: ZoneInfo) -> object:
    """What the cell holds: a number, a date, or text (None for an empty cell)."""
    if value is None:
        return None
    if kind is Kind.MONEY:
        return Decimal(value) / 100
    if kind is Kind.MOMENT:
        return local_date(value, zone)
    if kind is Kind.YES_NO:
        return yes_no(value)
    if kind in (Kind.INTEGER, Kind.DATE):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters are not allowed in XLSX


def xlsx_cell(sheet: WriteOnlyWorksheet, kind: Kind, value: object) -> WriteOnlyCell | None:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    if kind is Kind.MONEY:
        cell.number_format = MONEY_FORMAT
    elif kind in (Kind.DATE, Kind.MOMENT):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    return cell


def shown_width(kind: Kind, value: object) -> int:
    if value is None:
        return 0
    if kind is Kind.MONEY:
        return len(f"{value:,.2f}")
    if kind in (Kind.DATE, Kind.MOMENT):
        return 10
    return max(len(line) for line in str(value).splitlines() or [""])


def sheet_title(title: str) -> str:
    """At most 31 characters and none of []:*?/\\ in an XLSX sheet's name."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Sheet"


def to_xlsx(sheet: Sheet) -> bytes:
    zone = ZoneInfo(sheet.timezone)
    kinds = [column.kind for column in sheet.columns]
    values = [[xlsx_value(kind, value, zone) for kind, value in zip(kinds, row, strict=True)] for row in sheet.rows]
    book = Workbook(write_only=True)
    out = book.create_sheet(sheet_title(sheet.title))
    out.freeze_panes = "A2"
    for index, column in enumerate(sheet.columns):
        widest = max([len(column.header), *(shown_width(column.kind, row[index]) for row in values)])
        out.column_dimensions[get_column_letter(index + 1)].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
    bold = Font(bold=True)
    header = []
    for column in sheet.columns:
        cell = xlsx_cell(out, Kind.TEXT, column.header)
        cell.font = bold
        header.append(cell)
    out.append(header)
    for row in values:
        out.append([xlsx_cell(out, kind, value) for kind, value in zip(kinds, row, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_body(sheet: Sheet, extension: str, language: str) -> bytes:
    with using_language(language):  # the labels ("yes", "no") in the reader's language
        return to_xlsx(sheet) if extension == "xlsx" else to_csv(sheet, language)


async def download(sheet: Sheet, extension: str, name: str) -> Response[bytes]:
    """The sheet as an attachment in the reader's language; `extension` is one of MEDIA_TYPES.

    Written in a worker thread: a workbook of a few thousand lines takes openpyxl about half a second.
    """
    body = await anyio.to_thread.run_sync(file_body, sheet, extension, get_language())
    return Response(body, media_type=MEDIA_TYPES[extension], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
