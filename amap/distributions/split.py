"""The harvest-first helper's arithmetic: split what was harvested of one item across the share
types of a delivery, in proportion to each share's standard price.

Pure functions, no database: the page counts the shares due and reads the prices, then asks
`split_harvest` for a proposal the farmer adjusts before publishing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

PIECE_UNITS = frozenset({"pièce", "pièces", "piece", "pieces", "pc", "pcs", "u", "unité", "unités", "unit",
                         "units", "botte", "bottes", "bunch", "bunches", "tête", "têtes", "head", "heads",
                         "bocal", "bocaux", "jar", "jars", "œuf", "œufs", "oeuf", "oeufs", "egg", "eggs"})
GRAM_UNITS = frozenset({"g", "gr", "gramme", "grammes", "gram", "grams", "ml", "cl"})
KILO_STEP = Decimal("0.05")  # 50 g, half a decilitre: finer than a farmer can weigh out at the place


def step_for(unit: str) -> Decimal:
    """The precision a quantity is proposed in: whole pieces, 10 g, or 0.05 of a kilo or litre."""
    name = unit.strip().casefold().rstrip(".")
    if name in PIECE_UNITS:
        return Decimal(1)
    if name in GRAM_UNITS:
        return Decimal(10)
    return KILO_STEP


@dataclass(frozen=True)
class ShareCount:
    """One share type at one delivery: how many shares are due and its weight (standard price)."""

    key: int
    shares: int
    weight_cents: int


@dataclass(frozen=True)
class Split:
    per_share: dict[int, Decimal]  # the quantity proposed for one share of each type
    used: Decimal  # what the proposal hands out in all
    left_over: Decimal  # what the rounding leaves with the farmer (never negative)


def split_harvest(harvest: Decimal, counts: list[ShareCount], step: Decimal) -> Split:
    """Propose a quantity per share so that a share weighing twice as much gets twice as much.

    One share of type i gets harvest × w_i / Σ(n_j × w_j), rounded down to `step`: rounding
    down means the proposal never hands out more than was harvested, and each share loses
    less than one step to it. Exact arithmetic (fractions), so no float creeps in.
    """
    if harvest < 0 or step <= 0:
        raise ValueError("the harvest cannot be negative and the step must be positive")
    total_weight = sum(count.shares * count.weight_cents for count in counts if count.shares > 0)
    per_share: dict[int, Decimal] = {}
    for count in counts:
        if total_weight <= 0 or count.weight_cents <= 0:
            per_share[count.key] = Decimal(0)
            continue
        steps = math.floor(Fraction(harvest) * count.weight_cents / (total_weight * Fraction(step)))
        per_share[count.key] = step * steps
    used = sum((per_share[count.key] * count.shares for count in counts if count.shares > 0), Decimal(0))
    return Split(per_share=per_share, used=used, left_over=harvest - used)


def format_quantity(value: Decimal) -> str:
    """1.50 -> "1.5", 2.00 -> "2": what goes back into the form's quantity field."""
    return format(value.normalize(), "f") if value else "0"
