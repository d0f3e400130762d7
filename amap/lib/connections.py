"""One database connection per request.

Outside a transaction, Piccolo takes a connection for every query and gives it back after: from the
pool on PostgreSQL (about 0.05 ms of CPU, a third of a small query's cost), and on SQLite a new
file handle and thread (most of a query's cost). A page runs ten to twenty queries, so a request
holds one connection instead, from its first query until its response starts, and every query and
transaction of the request runs on it: Piccolo's selects and writes, prepared selects, raw SQL.

One connection per request also means a request never waits on the pool for a second connection
while holding a first, which, once every pooled connection was held so, would wait for ever.

Code outside a request (the scheduler's jobs, the command line, tests' own set-up) takes
connections as Piccolo does. `holding_connection()` gives such code a held connection too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType


class Held:
    """The connection a request holds, taken at its first query."""

    __slots__ = ("connection", "engine")

    def __init__(self) -> None:
        self.connection: Any = None
        self.engine: HoldingPostgresEngine | HoldingSQLiteEngine | None = None

    async def connection_for(self, engine: HoldingPostgresEngine | HoldingSQLiteEngine) -> Any:
        if self.connection is None:
            connection = await engine.take_connection()
            if self.connection is not None:  # another task of the request took one meanwhile
                await engine.give_back(connection)
            else:
                self.connection, self.engine = connection, engine
        return self.connection

    async def release(self) -> None:
        """Give the connection back; a later query of the same request takes one again."""
        if self.connection is not None:
            connection, engine = self.connection, self.engine
            self.connection = self.engine = None
            await engine.give_back(connection)


_held: ContextVar[Held | None] = ContextVar("amap_held_connection", default=None)


@asynccontextmanager
async def holding_connection() -> AsyncIterator[Held]:
    """Run the block's queries on one connection, given back when the block ends."""
    held = Held()
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)
        await held.release()


class HoldConnection(ASGIMiddleware):
    """Every HTTP request holds one connection until its response starts (the page is built by then:
    a slow reader on a phone must not keep a connection from the others)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        async with holding_connection() as held:
            async def release_then_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    await held.release()
                await send(message)

            await next_app(scope, receive, release_then_send)


class _OnHeldConnection:
    """A transaction that runs on the request's connection when there is one, and leaves it open."""

    __slots__ = ()

    async def get_connection(self) -> Any:
        held = _held.get()
        self._borrowed = held is not None
        if held is None:
            return await super().get_connection()
        return await held.connection_for(self.engine)

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent or not self._borrowed:
            return await super().__aexit__(exception_type, exception, traceback)
        # Piccolo's own exit, less giving the connection back: the request still holds it.
        if exception:
            if not self._rolled_back:
                await self.rollback()
        elif not self._committed and not self._rolled_back:
            await self.commit()
        self.engine.current_transaction.reset(self.context)
        return exception is None


class HeldPostgresTransaction(_OnHeldConnection, PostgresTransaction):
    __slots__ = ("_borrowed",)

    def __init__(self, engine: PostgresEngine, allow_nested: bool = True):
        super().__init__(engine, allow_nested)
        self._borrowed = False


class HeldSQLiteTransaction(_OnHeldConnection, SQLiteTransaction):
    __slots__ = ("_borrowed",)

    def __init__(self, engine: SQLiteEngine, transaction_type: TransactionType = TransactionType.deferred,
                 allow_nested: bool = True):
        super().__init__(engine, transaction_type, allow_nested)
        self._borrowed = False


class HoldingPostgresEngine(PostgresEngine):
    async def take_connection(self) -> Any:
        return await self.pool.acquire()

    async def give_back(self, connection: Any) -> None:
        await self.pool.release(connection)

    async def _run_in_pool(self, query: str, args: Any = None) -> Any:
        held = _held.get()
        if held is None or self.pool is None:
            return await super()._run_in_pool(query, args)
        connection = await held.connection_for(self)
        return await connection.fetch(query, *(args or ()))

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return HeldPostgresTransaction(self, allow_nested)


class HoldingSQLiteEngine(SQLiteEngine):
    async def take_connection(self) -> Any:
        return await super().get_connection()  # foreign keys on, rows as dicts

    async def give_back(self, connection: Any) -> None:
        await connection.close()

    async def _run_in_new_connection(self, query: str, args: Any = None, query_type: str = "generic",
                                     table: Any = None) -> Any:
        held = _held.get()
        if held is None:
            return await super()._run_in_new_connection(query, args, query_type, table)
        connection = await held.connection_for(self)
        if query_type == "insert" and self.get_version_sync() < 3.35:  # no RETURNING: Piccolo's way
            return await self._run_in_existing_connection(connection, query, args, query_type, table)
        # The connection is in autocommit mode (isolation_level None): each statement commits.
        async with connection.execute(query, args or ()) as cursor:
            return await cursor.fetchall()

    def transaction(self, transaction_type: TransactionType = TransactionType.deferred,
                    allow_nested: bool = True) -> SQLiteTransaction:
        return HeldSQLiteTransaction(self, transaction_type, allow_nested)
