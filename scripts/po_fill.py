"""Fill French translations from a JSON object {msgid: msgstr} given on stdin (a translator's helper).

Usage: scripts/po_fill.py < translations.json  — then check with the test suite.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PATH = Path(__file__).resolve().parent.parent / "amap" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"

translations = json.load(sys.stdin)
with PATH.open("rb") as handle:
    catalog = read_po(handle, locale="fr")
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
