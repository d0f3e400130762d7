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

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}
"""Languages with a complete catalog, by code, named in their own language."""

_current: ContextVar[str] = ContextVar("amap_locale", default="fr")


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


def gettext(message: str, **values: object) -> str:
    text = translations(get_language()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    text = translations(get_language()).ngettext(singular, plural, n)
    return text % {"num": n, **values}


def template_gettext(message: str) -> str:
    """For Jinja's newstyle gettext, which does the % formatting itself."""
    return translations(get_language()).gettext(message)


def template_ngettext(singular: str, plural: str, n: int) -> str:
    return translations(get_language()).ngettext(singular, plural, n)


def lazy_gettext(message: str) -> LazyProxy:
    """For texts defined at import time (labels, choices), translated when shown."""
    return LazyProxy(gettext, message, enable_cache=False)


_ = gettext
_l = lazy_gettext


def negotiate(accept_language: str | None, default: str) -> str:
    """Pick our language from an Accept-Language header, else the default."""
    if accept_language:
        wanted = [part.split(";")[0].strip().replace("-", "_") for part in accept_language.split(",")]
        for tag in wanted:
            try:
                language = Locale.parse(tag).language
            except (ValueError, UnknownLocaleError):
                continue
            if language in LANGUAGES:
                return language
    return default if default in LANGUAGES else "fr"
