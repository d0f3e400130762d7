"""Password hashing (argon2id, off the event loop) and random secret tokens stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

import anyio.to_thread
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from amap.lib.settings import get_settings

MIN_PASSWORD_LENGTH = 10


@cache
def _hasher(profile: str) -> PasswordHasher:
    if profile == "cheapest":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def hasher() -> PasswordHasher:
    return _hasher(get_settings().password_profile)


async def hash_password(password: str) -> str:
    # ~140 ms of CPU per hash with the production profile: keep it off the event loop.
    return await anyio.to_thread.run_sync(hasher().hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def check() -> bool:
        try:
            return hasher().verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check)


async def burn_password_time(password: str) -> None:
    """Spend the time of a verification when the account does not exist (no user enumeration)."""
    await hash_password(password)


def needs_rehash(password_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def new_token(prefix: str = "") -> str:
    """A URL-safe random token of 256 bits, shown once and stored only as its digest."""
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """SHA-256 is enough here: the token has 256 bits of entropy, so no brute force applies."""
    return hashlib.sha256(token.encode()).hexdigest()
