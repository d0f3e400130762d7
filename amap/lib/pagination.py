"""Lists that grow with a group: one page at a time, read in SQL, and searched by name or e-mail.

A list page reads `?page=` with `page_number()` and `?q=` with `search_term()` (both refuse what no
link or search box sends, with a 400 that says why), counts the whole list in SQL, builds a `Pager`
(404 for a page beyond the last) and reads that page with `LIMIT pager.size OFFSET pager.offset`
under an ORDER BY ending on a unique key, so no row is shown twice or skipped. The template draws
it with `templates/macros/pagination.html`; htmx asks for the list alone (`list_block()`).

Searching ignores case and the accents of Western European languages on SQLite and PostgreSQL
alike, without an extension: every letter of the folded search becomes a character class of its
forms (`e` -> `[eéèêëEÉÈÊË]`), matched with GLOB on SQLite and a regular expression on PostgreSQL.
Limits: a ligature does not match two letters (`oe` does not find `œ`), letters outside
`ACCENTED` match only themselves and their case, and the whole search is matched as one piece.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw

from amap.lib.db import is_sqlite
from amap.lib.i18n import _
from amap.lib.web import Refused

PAGE_SIZE = 50
MAX_PAGE_DIGITS = 9  # a billion pages: anything longer is not a page number someone followed
MAX_SEARCH_LENGTH = 100
ACCENTED = {"a": "àâäáãå", "c": "ç", "e": "éèêë", "i": "îïíì", "n": "ñ", "o": "ôöóòõø", "u": "ûüúù", "y": "ÿý"}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

PageQuery = Annotated[str | None, QueryParameter(name="page")]
"""A handler's `?page=` (its name would hide `amap.lib.web.page`), read with `page_number()`."""


def page_number(value: str | None) -> int:
    """`?page=` as a number from 1 (1 when absent); 400 for anything else (empty, 0, -1, abc, 1.5, ten digits)."""
    value = "1" if value is None else value
    if not (value.isascii() and value.isdigit() and value.strip("0") and len(value) <= MAX_PAGE_DIGITS):
        raise Refused(_("The page number is a whole number from 1."))
    return int(value)


def search_term(value: str | None) -> str:
    """`?q=` without its outer spaces; 400 when longer than a search box allows or holding control characters."""
    value = (value or "").strip()
    if len(value) > MAX_SEARCH_LENGTH:
        raise Refused(_("A search is at most %(num)s characters long.", num=MAX_SEARCH_LENGTH))
    if CONTROL_CHARACTERS.search(value):
        raise Refused(_("The search holds an invisible control character: type it again."))
    return value


def page_offset(number: int, size: int = PAGE_SIZE) -> int:
    """Where page `number` starts: for a list read with its total in the same query (window counts),
    before the Pager that needs that total exists."""
    return (number - 1) * size


@dataclass(frozen=True)
class Pager:
    """One page of a list: which one, how many rows in the whole list, and the links to the others."""

    number: int
    total: int
    path: str
    params: tuple[tuple[str, str], ...] = ()  # the search and filters, kept in every link
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return page_offset(self.number, self.size)

    @property
    def first_row(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last_row(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def previous_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.pages else None

    def url(self, number: int) -> str:
        params = [*self.params, *([("page", str(number))] if number > 1 else [])]
        return f"{self.path}?{urlencode(params)}" if params else self.path


def pager(request: Request, number: int, total: int, *, keep: dict[str, object] | None = None,
          path: str | None = None, size: int = PAGE_SIZE) -> Pager:
    """The pager of the list at `path` (this request's by default); `keep` holds the search and
    filters its links carry (empty values are left out). A page beyond the last is not found."""
    params = tuple((name, "1" if value is True else str(value)) for name, value in (keep or {}).items()
                   if value not in (None, "", False))
    found = Pager(number=number, total=total, path=path or request.url.path, params=params, size=size)
    if number > found.pages:
        raise NotFoundException()
    return found


def list_block(request: Request, target: str, block: str) -> str | None:
    """`block` when htmx asks for the list whose element id is `target` (its search box or pager),
    so `amap.lib.web.page()` renders it alone; the whole page otherwise."""
    return block if request.headers.get("hx-target") == target else None


def folded(text: str) -> str:
    """Lowercase without accents: "Héloïse" -> "heloise"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _letter_class(letter: str) -> str:
    forms = letter + ACCENTED.get(letter, "")
    return "[" + forms + forms.upper() + "]"


def pattern(term: str) -> str:
    """The search as a GLOB pattern (SQLite) or a regular expression (PostgreSQL) finding it anywhere."""
    sqlite = is_sqlite()
    parts = []
    for char in folded(term):
        if char.isalpha():
            parts.append(_letter_class(char))
        elif sqlite:
            parts.append(f"[{char}]" if char in "*?[" else char)
        else:
            parts.append(char if char.isalnum() else "\\" + char)
    return "*" + "".join(parts) + "*" if sqlite else "".join(parts)


def contains(column: Column, term: str) -> WhereRaw:
    """The column holds the search term, whatever the case and accents (a column of the queried table)."""
    name = f'"{column._meta.table._meta.tablename}"."{column._meta.db_column_name}"'
    return WhereRaw(f"{name} {'GLOB' if is_sqlite() else '~'} {{}}", pattern(term))
