"""Small helpers shared by every controller: rendering pages, redirects, flash messages."""

from __future__ import annotations

from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER


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


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form as plain strings (the last value wins for repeated names)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}
