"""Unsubscribe links: a member id and a kind of message, signed so nobody can forge another's."""

from __future__ import annotations

import base64
import hashlib
import hmac

from amap.lib.settings import get_settings


def _signature(payload: str) -> str:
    digest = hmac.new(get_settings().secret_key.encode(), f"unsubscribe:{payload}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:18]).decode().rstrip("=")


def unsubscribe_token(user_id: int, kind: str) -> str:
    payload = f"{user_id}.{kind}"
    return f"{payload}.{_signature(payload)}"


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (user id, kind) the token was made for, or None when it was altered."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _signature(payload)):
        return None
    return int(parts[0]), parts[1]


def unsubscribe_url(user_id: int, kind: str) -> str:
    return f"{get_settings().base_url}/unsubscribe/{unsubscribe_token(user_id, kind)}"
