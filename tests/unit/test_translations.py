"""Every user-facing string is in the French catalog; language negotiation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from amap.lib.i18n import LOCALE_DIR, negotiate

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted_messages() -> set[str]:
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
    return found


def test_every_string_in_code_and_templates_has_a_french_translation():
    with (LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and m.string and (isinstance(m.string, str) or all(m.string))}
    messages = extracted_messages()
    assert len(messages) > 200
    missing = sorted(messages - translated)
    assert missing == [], f"run scripts/i18n and translate: {missing[:10]}"


def test_french_translations_keep_their_placeholders():
    with (LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    problems = [(message.id, errors) for message, errors in catalog.check() if errors]
    assert problems == []


def test_language_negotiation_prefers_what_we_have():
    assert negotiate("en-GB,en;q=0.9,fr;q=0.8", "fr") == "en"
    assert negotiate("de-DE,de;q=0.9", "fr") == "fr"
    assert negotiate("pt-BR,fr-CA;q=0.7", "en") == "fr"
    assert negotiate(None, "en") == "en"
    assert negotiate("garbage;;,", "fr") == "fr"
