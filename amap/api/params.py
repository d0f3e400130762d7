"""Bounded integers for the API's inputs: an id beyond the database's integer range is a 400, not a 500."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter
from msgspec import Meta

INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1  # ids are SERIAL, counts and cents INTEGER: 32-bit on PostgreSQL

PathId = Annotated[int, Parameter(ge=1, le=INT4_MAX)]
"""An object id in the path (as `name: PathId`, the name matching the path's `{name:int}`)."""

BodyInt = Annotated[int, Meta(ge=INT4_MIN, le=INT4_MAX)]
"""A count or an amount in cents in a JSON body; the handler still checks its own limits."""

BodyId = BodyInt
"""An object id in a JSON body: only out-of-range values are refused here, the handler names unknown ids."""

BodyText = Annotated[str, Meta(max_length=2000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]
"""Text typed by someone in a JSON body: bounded, and without the control characters no one types
(PostgreSQL refuses NUL); the handler still checks its own, tighter limits."""
