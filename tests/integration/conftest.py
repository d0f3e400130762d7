"""Fixtures for tests that go through the app over HTTP, each inside a rolled-back transaction."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from litestar import Litestar

from amap.notifications.tables import OutboxMessage
from tests.world import World, build_world


@pytest.fixture(scope="session")
async def running_app() -> AsyncIterator[Litestar]:
    """The app with its lifespan running (the PostgreSQL pool) for the whole session.

    The lifespan runs inside one task: pytest-asyncio finalises async fixtures in another
    task, and anyio refuses to exit a cancel scope from a different task.
    """
    from amap.app import create_app

    app = create_app()
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(hold())
    await started.wait()
    yield app
    stop.set()
    await task


@pytest.fixture(autouse=True)
async def db(request: pytest.FixtureRequest, running_app: Litestar) -> AsyncIterator[None]:
    """Each test in a transaction rolled back at the end; tests marked `committed` (concurrency)
    need real transactions of their own, so they run outside one and every table is emptied after."""
    from amap.lib.db import delete_all_rows, engine

    if request.node.get_closest_marker("committed"):
        try:
            yield
        finally:
            await delete_all_rows()
        return
    async with engine().transaction() as transaction:
        yield
        await transaction.rollback()


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    kind: str
    key: str
    status: str


class Outbox:
    """What the application stored to send, oldest first (the outbox is emptied between tests)."""

    async def messages(self, kind: str | None = None, to: str | None = None) -> list[Mail]:
        query = OutboxMessage.select().order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        if to:
            query = query.where(OutboxMessage.to_address == to)
        return [Mail(to=r["to_address"], subject=r["subject"], text=r["body_text"], html=r["body_html"],
                     kind=r["kind"], key=r["key"], status=r["status"]) for r in await query]


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
async def client(running_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=running_app, client=("10.1.2.3", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def world() -> World:
    return await build_world()


def csrf_token(client: httpx.AsyncClient) -> str:
    return client.cookies.get("csrftoken") or ""


async def post_form(client: httpx.AsyncClient, url: str, data: dict | None = None, *, page: str | None = None,
                    **kwargs) -> httpx.Response:
    """POST a form the way a browser does: open a page first for the CSRF cookie, send its token."""
    if not csrf_token(client):
        await client.get(page or "/login")
    return await client.post(url, data={**(data or {}), "_csrf_token": csrf_token(client)}, **kwargs)


async def login(client: httpx.AsyncClient, email: str, password: str = "correct horse battery") -> httpx.Response:
    response = await post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text
    return response


def link_in(text: str) -> str:
    """The path of the first http://testserver link in a mail body."""
    match = re.search(r"http://testserver(/\S+)", text)
    assert match, text
    return match.group(1)
