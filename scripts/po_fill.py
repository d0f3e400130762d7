"""Fill translations from a JSON object {msgid: msgstr} given on stdin (a translator's helper).

Usage: scripts/po_fill.py [fr|en|es|pt] < translations.json  (French by default), then check with the
test suite. A plural entry takes a list of forms, as many as the catalog's plural forms.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LANGUAGE = sys.argv[1] if len(sys.argv) > 1 else "fr"
PATH = Path(__file__).resolve().parent.parent / "amap" / "locale" / LANGUAGE / "LC_MESSAGES" / "messages.po"

translations = json.load(sys.stdin)
with PATH.open("rb") as handle:
    catalog = read_po(handle, locale=LANGUAGE)
filled = 0
for message in catalog:
    key = message.id if isinstance(message.id, str) else message.id[0]
    if key in translations:
        value = translations[key]
        # A plural entry takes a list of forms, one per plural form of the catalog.
        message.string = tuple(value) if isinstance(value, list) else value
        filled += 1
with PATH.open("wb") as handle:
    write_po(handle, catalog, width=76, sort_output=True, no_location=True)
print(f"{filled} entries filled")
