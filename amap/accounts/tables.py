"""Account tables: a household holds contracts; its adults each log in as a User."""

from piccolo.columns import Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Household(Table, tablename="household"):
    """Up to a few adults sharing one set of contracts, one balance, one sign-off line."""

    name = Varchar(length=200)
    created_at = Timestamptz(default=TimestamptzNow())


class User(Table, tablename="app_user"):
    household = ForeignKey(references=Household, null=True, default=None, index=True)
    email = Varchar(length=254, unique=True)
    name = Varchar(length=200)
    phone = Varchar(length=40, default="")
    password_hash = Varchar(length=255, default="")
    language = Varchar(length=5, default="")
    is_admin = Boolean(default=False)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class PasswordResetToken(Table, tablename="password_reset_token"):
    user = ForeignKey(references=User, index=True)
    token_digest = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class ApiToken(Table, tablename="api_token"):
    """A personal token for scripts; only its SHA-256 digest is stored."""

    user = ForeignKey(references=User, index=True)
    name = Varchar(length=100)
    token_digest = Varchar(length=64, unique=True)
    prefix = Varchar(length=12)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
