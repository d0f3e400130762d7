"""Friendly error pages for people, JSON errors for the API, a log line for every 500."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException
from litestar.openapi import ResponseSpec
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from amap.lib.i18n import _, set_language
from amap.lib.middleware import language_for
from amap.lib.web import Refused

log = logging.getLogger("amap.errors")



@dataclass
class ApiError:
    """The body of every /api error response."""

    status_code: int
    detail: str
    errors: list[dict[str, Any]] | None = None  # 400 only: each field at fault (key, message, source)


_API_ERROR_MEANINGS = {
    400: "Bad request: a parameter or the body is invalid, or the action is refused (`detail` says why)",
    401: "Missing, unknown or revoked bearer token",
    403: "The token holder may not do this now",
    404: "No such object, or not one the token holder may see",
    409: "Conflict with the current state (full, out of stock)",
}


def api_errors(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI `responses` for an API handler: 401 (every API route needs a token) and the given error codes."""
    return {code: ResponseSpec(ApiError, description=_API_ERROR_MEANINGS[code], generate_examples=False)
            for code in sorted({401, *codes})}


PAGES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html", 405: "errors/404.html",
         429: "errors/429.html"}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/schema")) or (
        "application/json" in request.headers.get("accept", "") and "text/html" not in request.headers.get("accept", "")
    )


def http_error(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if _wants_json(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        body = {"status_code": status, "detail": exc.detail}
        if status == 400 and exc.extra:
            body["errors"] = exc.extra  # which field was wrong, from Litestar's validation
        return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target)}", status_code=303)
    set_language(language_for(request.scope))  # routing errors happen before our middleware ran
    # Our own refusals carry a sentence for the person; Litestar's generic ones do not.
    detail = exc.detail if (status == 404 and exc.detail != "Not Found") or isinstance(exc, Refused) else None
    if status == 413:
        detail = _("What was sent is too big: at most 8 MB at once. Send a smaller file.")
    return Template(PAGES.get(status, "errors/400.html"), context={"detail": detail, "status": status},
                    status_code=status)


def _number_out_of_range(exc: Exception) -> bool:
    """An id in the address beyond what the database's integers hold (SQLite: 64 bits, PostgreSQL: 32):
    no such object can exist, so it is a 404, not a failure."""
    return isinstance(exc, OverflowError) or (type(exc).__name__ == "DataError" and "out of" in str(exc))


def server_error(request: Request, exc: Exception) -> Response:
    if _number_out_of_range(exc):
        return http_error(request, NotFoundException())
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if _wants_json(request):
        return Response({"status_code": 500, "detail": "Internal Server Error"}, status_code=500)
    set_language(language_for(request.scope))
    return Template("errors/500.html", context={"detail": None, "status": 500}, status_code=HTTP_500_INTERNAL_SERVER_ERROR)
