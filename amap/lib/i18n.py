"""Translations: the reader's language for this request, gettext catalogs read from .po files."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

from amap.lib import vocabulary

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English", "es": "Español", "pt": "Português"}
"""Languages with a complete catalog, by code, named in their own language."""

_current: ContextVar[str] = ContextVar("amap_locale", default="fr")
_vocabulary: ContextVar[str | None] = ContextVar("amap_vocabulary", default=None)
"""A group's own words (Group.vocabulary, see amap.lib.vocabulary); None: the catalogs' words, at no cost."""


@cache
def translations(language: str) -> NullTranslations:
    """Compile the .po catalog in memory: no compiled .mo files to forget in the repository."""
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def set_language(language: str) -> None:
    _current.set(language if language in LANGUAGES else "fr")


def get_language() -> str:
    return _current.get()


@contextmanager
def using_language(language: str) -> Iterator[None]:
    """Render something in another language (an e-mail in its recipient's), then switch back."""
    token = _current.set(language if language in LANGUAGES else "fr")
    try:
        yield
    finally:
        _current.reset(token)


def set_vocabulary(stored: str | None) -> None:
    """Speak a group's words for the rest of this request (its Group.vocabulary; "" or None: the catalogs')."""
    _vocabulary.set(stored or None)


@contextmanager
def using_vocabulary(stored: str | None) -> Iterator[None]:
    """Render something in a group's words (a mail about that group), then switch back."""
    token = _vocabulary.set(stored or None)
    try:
        yield
    finally:
        _vocabulary.reset(token)


def gettext(message: str, **values: object) -> str:
    text = template_gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    return template_ngettext(singular, plural, n) % {"num": n, **values}


def template_gettext(message: str) -> str:
    """For Jinja's newstyle gettext, which does the % formatting itself (after the group's words are in)."""
    text = translations(get_language()).gettext(message)
    words = _vocabulary.get()
    return text if words is None else vocabulary.apply(get_language(), words, text)


def template_ngettext(singular: str, plural: str, n: int) -> str:
    text = translations(get_language()).ngettext(singular, plural, n)
    words = _vocabulary.get()
    return text if words is None else vocabulary.apply(get_language(), words, text)


def lazy_gettext(message: str) -> LazyProxy:
    """For texts defined at import time (labels, choices), translated when shown."""
    return LazyProxy(gettext, message, enable_cache=False)


_ = gettext
_l = lazy_gettext


def _weighted(part: str) -> tuple[str, float]:
    """"pt-BR;q=0.8" -> ("pt_BR", 0.8); no q means 1, a q that is not a number 0."""
    tag, _semicolon, params = part.partition(";")
    weight = 1.0
    for param in params.split(";"):
        name, _equals, value = param.partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
    return tag.strip().replace("-", "_"), weight


def negotiate(accept_language: str | None, default: str) -> str:
    """Pick our language from an Accept-Language header (the most wanted first), else the default."""
    if accept_language:
        weighted = (_weighted(part) for part in accept_language.split(","))
        wanted = sorted((pair for pair in weighted if pair[1] > 0), key=lambda pair: -pair[1])  # q=0: "not this"
        for tag, _weight in wanted:
            try:
                language = Locale.parse(tag).language
            except (ValueError, UnknownLocaleError):
                continue
            if language in LANGUAGES:
                return language
    return default if default in LANGUAGES else "fr"
