"""A refused form gives back what the person typed: every POST form of every page, posted with
believable values and one field refused, comes back (400) with the other fields as they were sent.

The forms are read from the pages each role may open (the authorization matrix), as in
test_hostile_forms: a new form is covered the day it appears. Each form's first field a person
types is made far too long; when that is not what refuses the form, the next one is. Every
field typed (text, e-mail, number, date, text area), the refused one too, must show the value
sent, and every list must keep the option chosen. Passwords are never sent back, by design.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine

from tests.integration.conftest import csrf_token
from tests.integration.orders.producer_world import DURING
from tests.integration.web.test_authz_matrix import ROLES, api  # noqa: F401
from tests.integration.web.test_hostile_forms import LEAVE_ALONE, OVERLONG, pages_seen_by

TYPED = {"text", "email", "search", "tel", "url", "number", "date", "time", "textarea"}


class ShownForms(HTMLParser):
    """The POST forms of a page: for each, its action and its fields in order, (name, kind, shown
    value), where a list's shown value is its selected option and its options are kept aside."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None
        self._select: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form":
            if attr.get("method", "get").lower() == "post" or "hx-post" in attr:
                self._open = {"action": attr.get("action") or attr.get("hx-post", ""), "fields": []}
                self.forms.append(self._open)
            return
        if self._open is None:
            return
        if tag == "option" and self._select is not None:
            self._select[3].append(attr.get("value", ""))
            if "selected" in attr:
                self._select[2] = attr.get("value", "")
            return
        if not attr.get("name") or "disabled" in attr:
            return
        if tag == "input":
            kind = attr.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attr:
                kind += "-unchecked"
            self._open["fields"].append([attr["name"], kind, attr.get("value", ""), []])
        elif tag == "textarea":
            self._textarea = [attr["name"], "textarea", "", []]
            self._open["fields"].append(self._textarea)
        elif tag == "select":
            self._select = [attr["name"], "select", None, []]
            self._open["fields"].append(self._select)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None
        elif tag == "select":
            if self._select is not None and self._select[2] is None:
                self._select[2] = self._select[3][0] if self._select[3] else ""  # none selected: the first
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea[2] = self._textarea[2].removeprefix("\n")  # the parser's newline after <textarea>
            self._textarea = None


def believable(kind: str, index: int) -> str:
    """A value someone could type in a field of that kind, different from field to field."""
    day = DURING.date() + timedelta(days=3 + index)
    return {
        "email": f"garde{index}@example.org",
        "tel": f"06 12 34 56 {10 + index}",
        "url": f"https://example.org/garde-{index}",
        "number": str(3 + index),
        "date": day.isoformat(),
        "time": f"18:{10 + index}",
    }.get(kind, f"Gardé {index} l'été")


def sent(fields: list, refused: int) -> tuple[dict[str, str], dict[str, str]]:
    """The form as a browser sends it, the `refused` typed field far too long; and what must come back:
    all of it, the refused value too (the person corrects it rather than typing it again)."""
    data: dict[str, str] = {}
    expected: dict[str, str] = {}
    typed = 0
    for index, (name, kind, value, options) in enumerate(fields):
        if name == "_csrf_token" or kind.endswith("-unchecked") or kind in ("file", "submit", "button", "image", "reset"):
            continue
        if kind in TYPED:
            data[name] = expected[name] = OVERLONG if typed == refused else believable(kind, index)
            typed += 1
        elif kind == "select":
            choices = [option for option in options if option]
            if choices:  # the last option, rarely the one already chosen
                data[name] = expected[name] = choices[-1]
        elif kind == "password":
            data[name] = "not the password 1"
        else:  # hidden fields, checked boxes and radios: as the page gave them
            data.setdefault(name, value)
    return data, expected


def shown_back(page: str, action: str, expected: dict[str, str]) -> dict[str, str] | None:
    """The values the refused page shows in the form posted again (the one holding most of the same fields)."""
    parser = ShownForms()
    parser.feed(page)
    best, best_count = None, 0
    for form in parser.forms:
        values = {name: value for name, _kind, value, _options in form["fields"] if name in expected}
        same_action = urlsplit(form["action"]).path == action
        if values and (len(values), same_action) > (best_count, False):
            best, best_count = values, len(values)
    return best


@pytest.mark.parametrize("who", ROLES)
async def test_every_refused_form_shows_again_what_was_typed(client, api, world, who):  # noqa: F811
    lost: list[str] = []
    checked = 0
    with time_machine.travel(DURING, tick=False):
        seen: set[tuple[str, frozenset[str]]] = set()
        async for path, address, text in pages_seen_by(client, api, world, who):
            parser = ShownForms()
            parser.feed(text)
            for form in parser.forms:
                action = urlsplit(form["action"]).path or urlsplit(address).path
                typed = [name for name, kind, _value, _options in form["fields"] if kind in TYPED]
                shape = (action, frozenset(name for name, *_rest in form["fields"]))
                if action in LEAVE_ALONE or not action.startswith("/") or not typed or shape in seen:
                    continue
                seen.add(shape)
                for refused in range(len(typed)):
                    data, expected = sent(form["fields"], refused)
                    response = await client.post(action, data=data | {"_csrf_token": csrf_token(client)})
                    if response.status_code != 400:
                        continue  # that field does not refuse the form: try the next one
                    checked += 1
                    shown = shown_back(response.text, action, expected)
                    if shown is None:
                        lost.append(f"POST {action} (from {path}, {typed[refused]} too long): the form is not shown again")
                    else:
                        for name, value in expected.items():
                            if shown.get(name, "").strip() != value:
                                lost.append(f"POST {action} (from {path}, {typed[refused]} too long): "
                                            f"{name} sent {value[:30]!r}, shown {(shown.get(name) or '')[:30]!r}")
                    break
    assert checked > 0
    assert lost == []
