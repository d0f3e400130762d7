"""Example contents for each kind of message, so a committee can preview its own wording.

Each domain that sends messages registers, next to the code that builds the real ones, a
function giving a plausible context for a group (see `register`). The preview renders the
kind's templates with it exactly as a real message would be rendered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

SampleBuilder = Callable[[dict], dict]
"""group row -> {"words": {...placeholders...}, **template context}"""

SAMPLES: dict[str, SampleBuilder] = {}

NOTICE_MODULES = [
    "amap.distributions.notices",
    "amap.roster.notices",
    "amap.payments.notices",
    "amap.farms.notices",
    "amap.orders.notices",
]


def register(kind: str) -> Callable[[SampleBuilder], SampleBuilder]:
    def decorate(builder: SampleBuilder) -> SampleBuilder:
        SAMPLES[kind] = builder
        return builder
    return decorate


def sample_context(kind: str, group: dict) -> dict | None:
    """The registered example context for `kind`, or None when the kind has none."""
    for module in NOTICE_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
    builder = SAMPLES.get(kind)
    return builder(group) if builder else None
