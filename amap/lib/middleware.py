"""Middleware that every page goes through: the reader's language (and group's words), security headers."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from amap.lib.i18n import LANGUAGES, negotiate, set_language, set_vocabulary
from amap.lib.settings import get_settings


def language_for(scope: Scope) -> str:
    """The user's own choice, else the one picked on this browser, else what the browser asks."""
    user = scope.get("user")
    if user is not None and getattr(user, "language", "") in LANGUAGES:
        return user.language
    session = scope.get("session")
    if isinstance(session, dict) and session.get("language") in LANGUAGES:
        return session["language"]
    accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-language"), None)
    return negotiate(accept, get_settings().default_language)


class LanguageMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        set_language(language_for(scope))
        # The member's own group's words; a page about another group switches to that group's.
        set_vocabulary(getattr(scope.get("user"), "vocabulary", None))
        await next_app(scope, receive, send)


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}.items()  # (name, value) pairs


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A before_send hook: it runs for every response, error pages and static files included."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        for name, value in SECURITY_HEADERS:
            if name not in headers:
                headers.add(name, value)
