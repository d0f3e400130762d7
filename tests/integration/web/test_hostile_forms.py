"""Every form of every page, filled with hostile values, is refused cleanly: never a server error.

The forms are read from the pages themselves (each role opens every page it may open in the
authorization matrix), so a new form is covered the day it appears. Each distinct form is posted
with its fields replaced by: far too long text, a negative number, an impossible date, a NUL
byte (PostgreSQL refuses it in text), and nothing at all. The answer must be a page or a redirect,
never a 5xx; a value too long for its column must not be stored.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine
from piccolo.columns import Text, Varchar
from piccolo.conf.apps import Finder

from amap.accounts.tables import User
from tests.integration.conftest import csrf_token, login, post_form
from tests.integration.orders.producer_world import DURING
from tests.integration.web.test_authz_matrix import EXPECTED, ROLES, api, as_role, objects, url  # noqa: F401

# Pages that are files or feeds rather than HTML with forms.
NOT_PAGES = re.compile(r"^/api/|\.csv$|\.xlsx$|\.ics$|\.js$|/html$|^/calendar/|^/uploads/")
# Tables whose text is not typed by people: sessions, rendered mails.
UNBOUNDED = {"sessions", "outbox_message", "job_run"}
# Forms whose whole purpose would end the session under test.
LEAVE_ALONE = {"/logout"}

OVERLONG = "é" * 5000
HOSTILE = {
    "overlong": lambda kind, value: OVERLONG,
    "negative": lambda kind, value: "-7",
    "bad date": lambda kind, value: "2027-02-30" if kind == "date" else "25:61" if kind == "time" else "31/02/2027",
    "NUL byte": lambda kind, value: "a\x00b",
    "empty": lambda kind, value: "",
}


async def pages_seen_by(client, api, world, who: str) -> AsyncIterator[tuple[str, str, str]]:  # noqa: F811
    """Every HTML page the role may open in the authorization matrix, opened as that role:
    (the matrix's path, the address opened, the page's HTML). The crawls of forms and badges walk it."""
    column = ROLES.index(who)
    made = await objects(world)
    await as_role(client, api, world, who)
    for path, statuses in sorted(EXPECTED.items()):
        if statuses[column] != 200 or NOT_PAGES.search(path):
            continue
        address = url(path, made.params)
        page = await client.get(address)
        if page.status_code == 200 and "text/html" in page.headers.get("content-type", ""):
            yield path, address, page.text


class Forms(HTMLParser):
    """The POST forms of a page (htmx ones too): their action and their fields (name, input type, value)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form":
            if attr.get("method", "get").lower() == "post" or attr.get("hx-post"):
                self._open = {"action": attr.get("action") or attr.get("hx-post", ""), "fields": []}
                self.forms.append(self._open)
            return
        if self._open is None or not attr.get("name"):
            if tag == "option" and self._select and self._open is not None:
                self._open["fields"].append((self._select, "option", attr.get("value", "")))
            return
        if tag == "input" and attr.get("type", "text") not in ("submit", "button", "file", "image", "reset"):
            kind = attr.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attr:
                kind += "-unchecked"
            self._open["fields"].append((attr["name"], kind, attr.get("value", "on" if "checkbox" in kind else "")))
        elif tag == "textarea":
            self._open["fields"].append((attr["name"], "textarea", ""))
        elif tag == "select":
            self._select = attr["name"]
        elif tag == "button" and attr.get("value"):
            self._open["fields"].append((attr["name"], "button", attr["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None
        elif tag == "select":
            self._select = None


def shape(path: str, fields: list[tuple[str, str, str]]) -> tuple[str, frozenset[str]]:
    """One form per kind: the same action with other ids, the same fields with other numbers."""
    return re.sub(r"\d+", "N", path), frozenset(re.sub(r"\d+", "N", name) for name, _kind, _value in fields)


def fill(fields: list[tuple[str, str, str]], variant: str) -> dict[str, str]:
    """The form as a browser would send it, every field a person types replaced by the variant."""
    data: dict[str, str] = {}
    for name, kind, value in fields:
        if name == "_csrf_token" or kind.endswith("-unchecked"):
            continue
        if kind == "option":
            data.setdefault(name, value)
        elif kind in ("hidden", "button", "checkbox", "radio"):
            data.setdefault(name, value)
        else:
            data[name] = HOSTILE[variant](kind, value)
    return data


async def longest_text_stored() -> int:
    """The longest value of any text column of the database: nothing the tests wrote is 5,000 long."""
    longest = 0
    for table in Finder().get_table_classes():
        columns = [c._meta.db_column_name for c in table._meta.columns if isinstance(c, (Varchar, Text))]
        if not columns or table._meta.tablename in UNBOUNDED:
            continue
        lengths = ", ".join(f'MAX(LENGTH("{name}")) AS "{name}"' for name in columns)
        row = (await table.raw(f'SELECT {lengths} FROM "{table._meta.tablename}"'))[0]
        longest = max([longest, *(value or 0 for value in row.values())])
    return longest


@pytest.mark.parametrize("who", [who for who in ROLES if who != "anonymous"])
async def test_every_form_refuses_hostile_values_without_a_server_error(client, api, world, who):  # noqa: F811
    failures: list[str] = []
    posted = 0
    with time_machine.travel(DURING, tick=False):
        seen: set = set()
        async for path, address, text in pages_seen_by(client, api, world, who):
            parser = Forms()
            parser.feed(text)
            for form in parser.forms:
                action = urlsplit(form["action"]).path or urlsplit(address).path
                if action in LEAVE_ALONE or not action.startswith("/") or shape(action, form["fields"]) in seen:
                    continue
                seen.add(shape(action, form["fields"]))
                for variant in HOSTILE:
                    data = fill(form["fields"], variant) | {"_csrf_token": csrf_token(client)}
                    response = await client.post(action, data=data)
                    posted += 1
                    if response.status_code >= 500:
                        failures.append(f"{variant} → POST {action} (from {path}): {response.status_code}")
    assert posted > 0
    assert failures == []
    assert await longest_text_stored() < len(OVERLONG)


async def test_a_control_character_is_refused_with_a_sentence_and_nothing_is_saved(client, world):
    await login(client, "alice@example.org")
    response = await post_form(client, "/profile", {"name": "Alice\x00", "phone": "", "language": "fr"}, page="/profile")
    assert response.status_code == 400
    assert "caractère de contrôle invisible" in response.text
    assert (await User.select(User.name).where(User.id == world.users["alice"]).first())["name"] == "Alice"


async def test_a_form_that_is_not_utf8_is_refused_without_a_server_error(client, world):
    await login(client, "alice@example.org")
    response = await client.post("/profile", content=b"name=Alice%FF%FE&phone=&_csrf_token=" + csrf_token(client).encode(),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code < 500


async def test_a_body_bigger_than_8_mb_is_refused_with_a_sentence_before_it_is_read(client, world):
    await login(client, "alice@example.org")
    response = await client.post("/profile", files={"photo": ("big.jpg", b"\xff\xd8\xff" + b"0" * 9 * 1024 * 1024)},
                                 data={"_csrf_token": csrf_token(client), "name": "Alice"})
    assert response.status_code == 413
    assert "trop volumineux" in response.text
    assert (await User.select(User.name).where(User.id == world.users["alice"]).first())["name"] == "Alice"
