"""Reading a spreadsheet's CSV export: size limits, encoding, separator, columns found by their names.

Everything here works on bytes and text only (no database): a file is refused as a whole
(`FileProblem`) when it cannot be read at all; what is wrong with one row is that row's problem.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from babel.dates import get_date_format
from babel.support import LazyProxy
from litestar.datastructures import UploadFile

from amap.lib.i18n import LANGUAGES, _, get_language, using_language
from amap.lib.numbers import csv_separator

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
SEPARATORS = (";", ",", "\t")
# First bytes of files people upload by mistake instead of a CSV export.
NOT_CSV = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileProblem(ValueError):
    """The file cannot be read at all: one message for the whole file, shown beside the upload field."""


@dataclass(frozen=True)
class Column:
    key: str
    label: LazyProxy
    """The name written in the templates, in the reader's language; its translations are accepted too."""
    aliases: tuple[str, ...] = ()
    """Other names accepted in the first line, in any case, with or without accents."""
    required: bool = False
    in_example: bool = True
    """Whether the example file has this column (an alternative to others need not be shown)."""

    def names(self) -> set[str]:
        found = {fold(self.key), *(fold(alias) for alias in self.aliases)}
        for language in LANGUAGES:
            with using_language(language):
                found.add(fold(str(self.label)))
        return found


@dataclass
class Row:
    line: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    note: str = ""
    """Not a problem, but worth saying: "already a member, skipped"."""
    skipped: bool = False
    readable: bool = True
    """False when the line's cells do not match the columns: nothing else is checked on it."""

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def problem(self, column: Column | None, message: str) -> None:
        self.problems.append(labelled(column, message))


def labelled(column: Column | None, message: object) -> str:
    """"E-mail: Enter an e-mail address…": a problem named by its column."""
    if column is None:
        return str(message)
    colon = "\u00a0: " if get_language() == "fr" else ": "  # French puts a space before a colon
    return f"{column.label}{colon}{message}"


@dataclass
class Sheet:
    columns: list[Column]
    """The known columns found, in the order of the file."""
    unknown: list[str]
    """Names of the columns that are not used, as written."""
    rows: list[Row]
    separator: str

    def has(self, key: str) -> bool:
        return any(column.key == key for column in self.columns)


def fold(text: str) -> str:
    """"Prénom", "PRENOM " and "prénom:" all read "prenom": letters and digits, no accents, lowercase."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


async def read_upload(upload: UploadFile) -> bytes:
    """The uploaded bytes, reading at most one byte more than allowed."""
    try:
        data = await upload.read(MAX_BYTES + 1)
    finally:
        await upload.close()
    if len(data) > MAX_BYTES:
        raise FileProblem(_("The file is too big: at most 2 MB. Split it into several files."))
    return data


def decode(data: bytes) -> str:
    """The text of a CSV export: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    not_csv = _("This is not a CSV file. In your spreadsheet, choose “Save as” (or “Download”) and the "
                "CSV format, then upload that file.")
    if data.startswith(NOT_CSV):
        raise FileProblem(not_csv)
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")  # Excel's "Unicode text"
        elif b"\x00" in data:
            raise FileProblem(not_csv)
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")  # what Excel writes on Windows in Western Europe
    except UnicodeDecodeError as error:
        raise FileProblem(not_csv) from error
    return checked(text)


def checked(text: str) -> str:
    """Text as decoded, or sent back by the confirmation form: within the limits, with no binary content."""
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    if len(text) > MAX_BYTES:
        raise FileProblem(_("The file is too big: at most 2 MB. Split it into several files."))
    if CONTROL.search(text):
        raise FileProblem(_("This is not a CSV file. In your spreadsheet, choose “Save as” (or “Download”) and the "
                            "CSV format, then upload that file."))
    return text


def separator_of(header: str) -> str:
    """The separator the first line uses most (outside quotes): ";" in French spreadsheets, "," elsewhere."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(SEPARATORS, key=lambda s: counts[s])  # ties go to the first: ";" then ","
    return best if counts[best] else ","


def parse(text: str, columns: Sequence[Column]) -> Sheet:
    """The rows of the file, each with its line number and the values of the known columns."""
    first_line = (text.lstrip("\r\n").splitlines() or [""])[0]  # old Macs end lines with \r alone
    separator = separator_of(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    header: list[str] | None = None
    positions: dict[int, Column] = {}
    unknown: list[str] = []
    rows: list[Row] = []
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if "end of data" in str(error):
                raise FileProblem(_("Line %(line)s: a quote (\") is opened and never closed.", line=line)) from error
            raise FileProblem(_("Line %(line)s is not valid CSV: a quote (\") is misplaced. Put a value that "
                                "holds quotes or separators between quotes, and double its quotes.",
                                line=line)) from error
        start, line = line, reader.line_num + 1
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if header is None:
            header = cells
            positions, unknown = _match_header(header, columns)
            continue
        if len(rows) >= MAX_ROWS:
            raise FileProblem(_("The file has more than %(max)s rows: split it into several files.", max=MAX_ROWS))
        rows.append(_row(start, cells, header, positions))
    if header is None:
        raise FileProblem(_("The file is empty."))
    if not rows:
        raise FileProblem(_("The file has a first line naming the columns, but no rows under it."))
    found = [positions[index] for index in sorted(positions)]
    return Sheet(columns=found, unknown=unknown, rows=rows, separator=separator)


def _match_header(header: list[str], columns: Sequence[Column]) -> tuple[dict[int, Column], list[str]]:
    names = {column.key: column.names() for column in columns}
    positions: dict[int, Column] = {}
    unknown: list[str] = []
    for index, title in enumerate(header):
        column = next((c for c in columns if fold(title) in names[c.key]), None) if fold(title) else None
        if column is None:
            if title:
                unknown.append(title)
            continue
        twice = next((header[i] for i, c in positions.items() if c.key == column.key), None)
        if twice is not None:
            raise FileProblem(_("The columns “%(first)s” and “%(second)s” both give the %(what)s: keep one.",
                                first=twice, second=title, what=str(column.label).lower()))
        positions[index] = column
    keys = {column.key for column in positions.values()}
    for column in columns:
        if column.required and column.key not in keys:
            raise FileProblem(missing_column(column))
    return positions, unknown


def missing_column(*alternatives: Column) -> str:
    names = " / ".join(f"“{column.label}”" for column in alternatives)
    return _("The column %(names)s is missing. The first line of the file must name the columns, "
             "as in the example file.", names=names)


def _row(line: int, cells: list[str], header: list[str], positions: dict[int, Column]) -> Row:
    row = Row(line=line, values={column.key: cells[index] if index < len(cells) else ""
                                 for index, column in positions.items()})
    extra = cells[len(header):]
    if len(cells) < len(header) or any(extra):
        row.readable = False
        row.problems.append(_("This line has %(cells)s cells where the first line names %(columns)s columns: "
                              "a separator inside a value? Put that value between quotes.",
                              cells=len(cells), columns=len(header)))
    return row


DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")


def parse_date(text: str) -> date:
    """2027-01-15 or 15/01/2027 (also 15.01.2027, 15-01-2027, 15/01/27). Raises ValueError."""
    value = text.strip()
    if match := DATE_ISO.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := DATE_FR.match(value):
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2000
    else:
        raise ValueError(text)
    return date(year, month, day)


def example_date(day: date, language: str | None = None) -> str:
    """A date as the example file writes it: 15/01/2027 where the locale puts the day first (French,
    Spanish, Portuguese, as their spreadsheets do), else 2027-01-15; `parse_date` reads both."""
    pattern = get_date_format("short", locale=language or get_language()).pattern
    return day.strftime("%d/%m/%Y") if pattern.startswith("d") else day.isoformat()


def example_file(columns: Iterable[Column], rows: Iterable[dict[str, str]], language: str) -> bytes:
    """A template to fill in: the columns named in the reader's language, a few example rows, with a
    BOM and the separator a spreadsheet of that language expects, so it opens right in Excel."""
    columns = [column for column in columns if column.in_example]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_separator(language), lineterminator="\r\n")
    writer.writerow([str(column.label) for column in columns])
    for row in rows:
        writer.writerow([row.get(column.key, "") for column in columns])
    return buffer.getvalue().encode("utf-8-sig")
