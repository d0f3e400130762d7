"""Account lifecycle: creating users, logging in with rate limits, resets and API tokens."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from amap.accounts.tables import ApiToken, Household, PasswordResetToken, User
from amap.lib.db import utcnow, write_transaction
from amap.lib.prepared import prepared
from amap.lib.security import burn_password_time, hash_password, needs_rehash, new_token, token_digest, verify_password
from amap.lib.settings import get_settings
from amap.system import store

LOGIN_WINDOW = timedelta(minutes=15)
RESET_LIFETIME = timedelta(hours=2)
WELCOME_LIFETIME = timedelta(days=21)
API_TOKEN_PREFIX = "amap_"


async def create_user(
    email: str,
    name: str,
    password: str | None,
    *,
    household_id: int | None = None,
    household_name: str | None = None,
    is_admin: bool = False,
    language: str = "",
    password_hash: str | None = None,
) -> int:
    """Create a user, and a household of their own unless they join an existing one."""
    if password_hash is None:
        password_hash = await hash_password(password) if password else ""
    async with write_transaction():
        if household_id is None:
            household = await Household.insert(Household(name=household_name or name)).returning(Household.id)
            household_id = household[0]["id"]
        rows = await User.insert(
            User(
                email=email.lower(),
                name=name,
                password_hash=password_hash,
                household=household_id,
                is_admin=is_admin,
                language=language,
            )
        ).returning(User.id)
    return rows[0]["id"]


async def find_user_id(email: str) -> int | None:
    row = await User.select(User.id).where(User.email == email.lower()).first()
    return row["id"] if row else None


def _limit_keys(email: str, address: str) -> tuple[str, str]:
    return f"login:account:{email.lower()}", f"login:address:{address}"


async def login_blocked(email: str, address: str) -> bool:
    settings = get_settings()
    account_key, address_key = _limit_keys(email, address)
    return (
        await store.current(account_key, LOGIN_WINDOW) >= settings.login_failures_per_account
        or await store.current(address_key, LOGIN_WINDOW) >= settings.login_failures_per_address
    )


async def authenticate(email: str, password: str, address: str) -> int | None:
    """The user's id when the password is right; failures count towards the rate limit."""
    row = await User.select(User.id, User.password_hash).where(
        (User.email == email.lower()) & (User.is_active == True)  # noqa: E712
    ).first()
    if row is None or not row["password_hash"]:
        await burn_password_time(password)
    elif await verify_password(row["password_hash"], password):
        updates = {User.last_login_at: utcnow()}
        if needs_rehash(row["password_hash"]):
            updates[User.password_hash] = await hash_password(password)
        await User.update(updates).where(User.id == row["id"])
        return row["id"]
    for key in _limit_keys(email, address):
        await store.increment(key, LOGIN_WINDOW)
    return None


async def set_password(user_id: int, password: str) -> None:
    await User.update({User.password_hash: await hash_password(password)}).where(User.id == user_id)


async def start_password_reset(email: str) -> str | None:
    """A single-use reset token for an active account, or None (the caller says nothing)."""
    user_id = await find_user_id(email)
    if user_id is None:
        return None
    token = new_token()
    await PasswordResetToken.insert(
        PasswordResetToken(user=user_id, token_digest=token_digest(token), expires_at=utcnow() + RESET_LIFETIME)
    )
    return token


async def start_welcome(user_id: int) -> str:
    """A link for an account someone else created (an import), for its owner to choose a first password.

    A reset token living three weeks rather than two hours: the same page sets the password.
    """
    token = new_token()
    await PasswordResetToken.insert(
        PasswordResetToken(user=user_id, token_digest=token_digest(token), expires_at=utcnow() + WELCOME_LIFETIME)
    )
    return token


async def valid_reset_user(token: str) -> int | None:
    row = await PasswordResetToken.select(PasswordResetToken.user).where(
        (PasswordResetToken.token_digest == token_digest(token))
        & PasswordResetToken.used_at.is_null()
        & (PasswordResetToken.expires_at > utcnow())
    ).first()
    return row["user"] if row else None


async def finish_password_reset(token: str, password: str) -> int | None:
    """Set the new password and spend every open reset token of that user."""
    password_hash = await hash_password(password)
    async with write_transaction():
        user_id = await valid_reset_user(token)
        if user_id is None:
            return None
        await User.update({User.password_hash: password_hash}).where(User.id == user_id)
        await PasswordResetToken.update({PasswordResetToken.used_at: utcnow()}).where(
            (PasswordResetToken.user == user_id) & PasswordResetToken.used_at.is_null()
        )
    return user_id


async def create_api_token(user_id: int, name: str) -> str:
    token = new_token(API_TOKEN_PREFIX)
    await ApiToken.insert(
        ApiToken(user=user_id, name=name, token_digest=token_digest(token), prefix=token[: len(API_TOKEN_PREFIX) + 4])
    )
    return token


async def revoke_api_token(user_id: int, token_id: int) -> bool:
    rows = await ApiToken.update({ApiToken.revoked_at: utcnow()}).where(
        (ApiToken.id == token_id) & (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
    ).returning(ApiToken.id)
    return bool(rows)


_NAMES = prepared(lambda households: Household.select(Household.id, Household.name).where(
    Household.id.is_in(households)))


async def household_names(household_ids: Iterable[int]) -> dict[int, str]:
    """The names of these households, by id (none asked, no query)."""
    ids = sorted(set(household_ids))
    return {row["id"]: row["name"] for row in await _NAMES(households=ids)} if ids else {}
