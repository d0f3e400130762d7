"""Selects whose SQL is written once per process: the hot reads of the most visited pages.

Piccolo spends 0.2 to 1.5 ms of CPU turning a select into SQL (`Select.querystrings`, mostly the
joined columns), on every call, while the database answers the same query in a tenth of that. A
prepared select is built once with stand-ins where its arguments go; each call binds the real
values to the SQL kept from that first build, runs it through the engine as Piccolo would (inside
the current transaction if there is one) and shapes the rows as Piccolo would.

    OPEN_ORDERS = prepared(lambda household: Order.select(...).where(Order.household == household))
    rows = await OPEN_ORDERS(household=42)

A raw query (`Table.raw(SQL, ...)`) whose arguments or conditions hold stand-ins is prepared the same way.

A list argument (for `is_in`) stands as a list of stand-ins of the same length, so the SQL is kept
per length. The builder must not branch on its arguments' values, only on their lengths: a None
becomes `= NULL`, which matches nothing, so callers keep their own `if x is None` guards. Arguments
that change the SQL itself (a LIMIT, a choice of condition) are named in `shaping`: the builder gets
their real value, and the SQL is kept per value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from piccolo.columns.m2m import M2MSelect
from piccolo.query.base import Query
from piccolo.query.methods.select import First, Select


@dataclass(frozen=True, slots=True)
class StandIn:
    """Where an argument's value goes: the argument's name, and its position for a list."""
    name: str
    index: int | None = None


@dataclass(frozen=True, slots=True)
class _Compiled:
    """What Piccolo's engines read of a QueryString, with the SQL already written."""
    sql: str
    args: list
    query_type: str
    table: Any

    def compile_string(self, engine_type: str) -> tuple[str, list]:
        return self.sql, self.args

    def __str__(self) -> str:  # for the engine's query log
        return self.sql


@dataclass(frozen=True, slots=True)
class _Plan:
    query: Query  # the select (or raw query) built with stand-ins: it shapes the rows
    first: bool
    sql: str
    args: tuple  # stand-ins and constants, in the order of the SQL's placeholders
    query_type: str
    table: Any
    only_dicts: bool  # Piccolo's shaping of the rows would only turn them into dicts


def _only_dicts(query: Query) -> bool:
    """Whether Piccolo's `_process_results` would do no more to this query's rows than make them dicts:
    no JSON to load, no nesting or objects, no many-to-many column, not a count or an exists."""
    output = getattr(query, "output_delegate", None)
    if output is not None and (output._output.load_json or output._output.nested or output._output.as_objects):
        return False
    if hasattr(query, "_raw_response_callback"):
        return False
    if isinstance(query, Select):
        return not any(isinstance(column, M2MSelect) for column in query.columns_delegate.selected_columns)
    return type(query).response_handler is Query.response_handler


class prepared:  # noqa: N801 (used like a decorator-ish function: OPEN_ORDERS = prepared(...))
    def __init__(self, build: Callable[..., Query | First], *, shaping: tuple[str, ...] = ()):
        self._build = build
        self._shaping = frozenset(shaping)
        # One plan per shape of arguments (each list's length, each shaping value); a few in practice.
        self._plan = lru_cache(maxsize=64)(self._make_plan)

    def _make_plan(self, shape: tuple[tuple[str, Any], ...]) -> _Plan:
        # `key` is a shaping argument's value, a list's length, or None for a single value.
        stand_ins = {name: key if name in self._shaping else StandIn(name) if key is None
                     else [StandIn(name, i) for i in range(key)] for name, key in shape}
        built = self._build(**stand_ins)
        query = built.query if isinstance(built, First) else built
        querystring = query.querystrings[0]
        sql, args = querystring.compile_string(engine_type=query.engine_type)
        return _Plan(query, isinstance(built, First), sql, tuple(args), querystring.query_type, querystring.table,
                     _only_dicts(query))

    async def __call__(self, **values: Any) -> Any:
        shape = tuple((name, value if name in self._shaping else len(value) if isinstance(value, list | tuple)
                       else None) for name, value in sorted(values.items()))
        plan = self._plan(shape)
        args = [_bind(arg, values) for arg in plan.args]
        engine = plan.query.table._meta.db
        results = await engine.run_querystring(_Compiled(plan.sql, args, plan.query_type, plan.table))
        if plan.only_dicts:  # most reads: skips a coroutine and Piccolo's checks, a few µs a query
            rows = engine.transform_response_to_dicts(results) if results else []
        else:
            rows = await plan.query._process_results(results)
        if plan.first:
            return rows[0] if rows else None
        return rows


def _bind(arg: Any, values: dict[str, Any]) -> Any:
    if isinstance(arg, StandIn):
        value = values[arg.name]
        return value if arg.index is None else value[arg.index]
    return arg
