"""Importing from spreadsheets: Carol, coordinator of the Tilleuls, uploads files on 10 March 2027, while
the 2027 vegetable contract (tests/world.py `add_offer`) is open for signing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
import time_machine

from amap.accounts.tables import Household, User
from amap.contracts.tables import Installment, Subscription
from amap.groups.tables import Membership
from amap.notifications.tables import OutboxMessage
from amap.payments.tables import Payment
from tests.integration.conftest import login, post_form

IMPORT_TIME = time_machine.travel("2027-03-10 10:00 +01:00", tick=False)
PAGE = "/committee/tilleuls/import"
TABLES = (User, Household, Membership, Subscription, Installment, Payment, OutboxMessage)


@pytest.fixture(autouse=True)
def on_import_day() -> Iterator[None]:
    with IMPORT_TIME:
        yield


@pytest.fixture
async def carol(client: httpx.AsyncClient, world) -> httpx.AsyncClient:
    """The client, logged in as the Tilleuls' coordinator, reading the pages in English."""
    client.headers["accept-language"] = "en"
    await login(client, "carol@example.org")
    return client


async def upload(client: httpx.AsyncClient, kind: str, content: bytes, *, filename: str = "import.csv",
                 slug: str = "tilleuls") -> httpx.Response:
    return await post_form(client, f"/committee/{slug}/import/{kind}", {},
                           files={"file": (filename, content, "text/csv")}, page=PAGE)


def sent_back(preview: httpx.Response) -> str:
    """What the preview's confirmation form sends back."""
    match = re.search(r'name="content" value="([^"]*)"', preview.text)
    assert match, "no confirmation form on the preview"
    return match.group(1)


async def confirm(client: httpx.AsyncClient, kind: str, content: str, *, invite: bool = True,
                  slug: str = "tilleuls") -> httpx.Response:
    data = {"content": content, **({"invite": "on"} if invite else {})}
    return await post_form(client, f"/committee/{slug}/import/{kind}/confirm", data, page=PAGE)


async def imported(client: httpx.AsyncClient, kind: str, content: bytes, *, invite: bool = True) -> httpx.Response:
    """Upload, check the preview is clean, confirm: the import as a coordinator does it."""
    preview = await upload(client, kind, content)
    assert preview.status_code == 200, preview.text
    assert 'data-testid="error-summary"' not in preview.text, preview.text
    done = await confirm(client, kind, sent_back(preview), invite=invite)
    assert done.status_code == 303, done.text
    return done


async def counts() -> dict[str, int]:
    """How many rows each table an import writes to holds: equal before and after a refused import."""
    return {table._meta.tablename: await table.count() for table in TABLES}


def check_of(page: httpx.Response, line: int) -> str:
    """The "check" cell of a line of the preview."""
    match = re.search(rf'data-testid="check-{line}">(.*?)</td>', page.text, re.S)
    assert match, f"no line {line} in the preview"
    return match.group(1)
