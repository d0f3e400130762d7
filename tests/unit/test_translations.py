"""Every user-facing string is in every catalog we offer; language negotiation; locale formats."""

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from amap.lib.i18n import LANGUAGES, LOCALE_DIR, gettext, negotiate, using_language
from amap.lib.numbers import csv_separator, decimal_text, percent_text

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
TRANSLATED = sorted(set(LANGUAGES) - {"en"})  # English is the source language: its catalog may stay empty


@cache
def extracted_messages() -> frozenset[str]:
    found: set[str] = set()
    method_map = [("amap/**.py", "python"), ("jobs/**.py", "python"),
                  ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    options = {"templates/**": {"extensions": "jinja2.ext.i18n"}}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        # Babel skips folders starting with "_" by default; templates/_partials must be read.
        ROOT, method_map, options_map=options, keywords=KEYWORDS,
        directory_filter=lambda path: not Path(path).name.startswith(".") and ".venv" not in Path(path).parts,
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(found)


def catalog_of(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_every_offered_language_has_a_catalog():
    assert set(LANGUAGES) == {"fr", "en", "es", "pt"}
    for language in LANGUAGES:
        assert (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").exists(), language


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_in_code_and_templates_is_translated(language: str):
    catalog = catalog_of(language)
    plurals = catalog.num_plurals
    translated = set()
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, str):
            translated.add(message.id)
        elif isinstance(message.string, tuple | list) and len(message.string) == plurals and all(message.string):
            translated.add(message.id[0])  # every plural form filled, not only the first
    messages = extracted_messages()
    assert len(messages) > 200
    missing = sorted(messages - translated)
    assert missing == [], f"run scripts/i18n and translate {len(missing)} entries in {language}: {missing[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language: str):
    problems = [(message.id, errors) for message, errors in catalog_of(language).check() if errors]
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_is_marked_fuzzy(language: str):
    """A fuzzy entry is not used by gettext: the page would show English."""
    assert [message.id for message in catalog_of(language) if message.id and message.fuzzy] == []


def test_each_language_reads_its_own_catalog():
    said = {}
    for language in LANGUAGES:
        with using_language(language):
            said[language] = gettext("Language")
    assert said["en"] == "Language"
    assert len(set(said.values())) >= 3, said  # "Langue", "Idioma" (es and pt may agree)
    assert said["fr"] == "Langue"


def test_language_negotiation_prefers_what_we_have():
    assert negotiate("en-GB,en;q=0.9,fr;q=0.8", "fr") == "en"
    assert negotiate("de-DE,de;q=0.9", "fr") == "fr"
    assert negotiate("pt-BR,fr-CA;q=0.7", "en") == "pt"
    assert negotiate("es-AR,es;q=0.9,en;q=0.5", "fr") == "es"
    assert negotiate("pt-PT", "fr") == "pt"
    assert negotiate(None, "en") == "en"
    assert negotiate("garbage;;,", "fr") == "fr"
    assert negotiate("de", "xx") == "fr"


def test_language_negotiation_follows_the_weights_not_the_order():
    assert negotiate("fr;q=0.5,es", "en") == "es"
    assert negotiate("es;q=0,de", "en") == "en"  # q=0 says "not this one"
    assert negotiate("pt;q=oops,en;q=0.1", "fr") == "en"


@pytest.mark.parametrize(("language", "separator", "amount", "vat"), [
    ("fr", ";", "12,50", "5,5\u00a0%"),
    ("en", ",", "12.50", "5.5%"),
    ("es", ";", "12,50", "5,5\u00a0%"),
    ("pt", ";", "12,50", "5,5%"),
])
def test_numbers_follow_the_locale_rules(language: str, separator: str, amount: str, vat: str):
    assert csv_separator(language) == separator
    assert decimal_text("12.50", language) == amount
    assert percent_text(Decimal("5.5"), language) == vat
    with using_language(language):
        assert decimal_text(Decimal("1.5")) == amount.replace("12", "1").replace("50", "5")
