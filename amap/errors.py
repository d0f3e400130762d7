"""Friendly error pages for people, JSON errors for the API, a log line for every 500."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from amap.lib.i18n import set_language
from amap.lib.middleware import language_for

log = logging.getLogger("amap.errors")

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
    detail = exc.detail if status == 404 and exc.detail != "Not Found" else None
    return Template(PAGES.get(status, "errors/400.html"), context={"detail": detail, "status": status},
                    status_code=status)


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if _wants_json(request):
        return Response({"status_code": 500, "detail": "Internal Server Error"}, status_code=500)
    set_language(language_for(request.scope))
    return Template("errors/500.html", context={"detail": None, "status": 500}, status_code=HTTP_500_INTERNAL_SERVER_ERROR)
