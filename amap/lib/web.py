"""Small helpers shared by every controller: rendering pages, redirects, flash messages."""

from __future__ import annotations

import re
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request
from litestar.exceptions import ClientException
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER

from amap.lib.i18n import _


def page(
    request: Request, template: str, *, block: str | None = None, status_code: int = 200,
    headers: dict[str, str] | None = None, **context: Any
) -> HTMXBlockTemplate:
    """The whole page, or only `block` when htmx asks for a fragment of it."""
    partial = bool(
        block and request.headers.get("hx-request") == "true" and not request.headers.get("hx-boosted")
        and not request.headers.get("hx-history-restore-request")
    )
    return HTMXBlockTemplate(
        template_name=template,
        block_name=block if partial else None,
        context=context,
        status_code=status_code,
        headers={"Vary": "HX-Request", **(headers or {})},
    )


def see_other(url: str) -> Redirect:
    """Redirect after a successful POST, so reloading does not post again."""
    return Redirect(url, status_code=HTTP_303_SEE_OTHER)


FLASH_KEY = "_messages"


def notice(request: Request, message: str, category: str = "success") -> None:
    """A message shown once, on the next page (kept in the session across the redirect)."""
    request.session.setdefault(FLASH_KEY, []).append({"message": message, "category": category})


def pop_notices(request: Request) -> list[dict]:
    """The waiting messages; none on pages served before the session was loaded (routing errors)."""
    if "session" not in request.scope or not isinstance(request.scope["session"], dict):
        return []
    return request.session.pop(FLASH_KEY, [])


def safe_next(target: str | None, default: str = "/me") -> str:
    """Only local paths: a crafted ?next=https://evil.example must not redirect away."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# Control characters nobody types (NUL first: PostgreSQL refuses it in text, SQLite would store it);
# tab, line feed and carriage return are typed and kept.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Refused(ClientException):
    """A 400 whose detail is a sentence for the person (the error page shows it): a form no one could
    have typed, a page number no link gives. Litestar's own 400s say nothing a person can use."""


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form as plain strings (the last value wins for repeated names).

    A value holding a control character is refused here, once for every form, rather than failing
    in the database (PostgreSQL) or being stored unseen (SQLite)."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    if any(CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value) for key, value in values.items()):
        raise Refused(detail=_("The form holds an invisible control character that cannot be saved. "
                                      "Type the text again rather than pasting it, and send it again."))
    return values
