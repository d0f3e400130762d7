"""Fair-price compositions: where each cent of a price goes, in a small fixed set of categories.

Stored as JSON beside a price (ShareType.price_parts, Product.price_parts,
WindowProduct.price_parts), a list of parts that add up to the price:

    [{"category": "producer", "label": "farm labour", "cents": 1200},
     {"category": "transport", "label": "delivery tour", "cents": 150}]

An empty list means no composition was given. Shared by contracts, orders and the network,
so it lives here and knows no table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from amap.lib.forms import Form
from amap.lib.i18n import _, _l, get_language
from amap.lib.money import format_cents, parse_euros

CATEGORIES = ("producer", "transport", "group", "network", "tax")
"""producer: farm labour, inputs and the farm's margin; the rest is what lies between farm and table."""
CATEGORY_NAMES = {
    "producer": _l("producer"), "transport": _l("transport"), "group": _l("group"),
    "network": _l("network"), "tax": _l("tax"),
}
MAX_PARTS = 12
MAX_LABEL = 100


def parse(raw: object) -> list[dict]:
    """The stored composition as clean parts. Piccolo returns JSON columns as text; anything
    unreadable is dropped rather than breaking a page. A part of no known category is kept
    (its money is shown) but never counts as reaching the producer."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "[]")
        except ValueError:
            return []
    if not isinstance(raw, list):
        return []
    parts = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("cents"), int) or item["cents"] < 0:
            continue
        category = item.get("category")
        parts.append({"category": category if category in CATEGORIES else "", "label": str(item.get("label", "")),
                      "cents": item["cents"]})
    return parts


def total_cents(parts: Iterable[dict]) -> int:
    return sum(part["cents"] for part in parts)


def producer_cents(parts: Iterable[dict]) -> int:
    return sum(part["cents"] for part in parts if part["category"] == "producer")


def producer_part_of(amount_cents: int, parts: list[dict]) -> int | None:
    """The cents of `amount_cents` that reach the producer, in the composition's proportions
    (a tier price or a line total is not the composed price itself); None without a composition."""
    total = total_cents(parts)
    if not parts or total == 0:
        return None
    # Half up, in integers: exact whenever the amount is a whole multiple of the composed price.
    return (2 * amount_cents * producer_cents(parts) + total) // (2 * total)


def as_lines(parts: Iterable[dict]) -> str:
    """For editing in a textarea: one part a line, "category; label; 12,50"."""
    return "\n".join(f"{part['category']}; {part['label']}; {part['cents'] // 100},{part['cents'] % 100:02d}"
                     for part in parts)


def read_lines(form: Form, name: str, *, price_cents: int | None) -> list[dict]:
    """A composition typed one part a line ("producer; farm labour; 12,50"), with the error on the
    form when a line cannot be read or the parts do not add up to the price. Categories may be
    typed as their code or their name in the reader's language."""
    text = form.get(name)
    if not text:
        return []
    names = {code: code for code in CATEGORIES} | {str(label).lower(): code for code, label in CATEGORY_NAMES.items()}
    parts = []
    for number, line in enumerate((line for line in text.splitlines() if line.strip()), start=1):
        pieces = [piece.strip() for piece in line.split(";")]
        if len(pieces) != 3 or pieces[0].lower() not in names or not pieces[1] or len(pieces[1]) > MAX_LABEL:
            form.error(name, _("Line %(num)s: write the category, a label and an amount, separated by semicolons, "
                               "like “producer; farm labour; 12,50”. Categories: %(names)s.", num=number,
                               names=", ".join(str(CATEGORY_NAMES[code]) for code in CATEGORIES)))
            return []
        try:
            cents = parse_euros(pieces[2])
        except ValueError:
            cents = -1
        if cents < 0:
            form.error(name, _("Line %(num)s: enter the amount in euros, like 12,50.", num=number))
            return []
        parts.append({"category": names[pieces[0].lower()], "label": pieces[1], "cents": cents})
    if len(parts) > MAX_PARTS:
        form.error(name, _("At most %(max)s parts.", max=MAX_PARTS))
        return []
    if price_cents is not None and total_cents(parts) != price_cents:
        form.error(name, _("The parts add up to %(sum)s but the price is %(price)s: they must be equal.",
                           sum=format_cents(total_cents(parts), get_language()),
                           price=format_cents(price_cents, get_language())))
        return []
    return parts
