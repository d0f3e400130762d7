"""The application's settings: one frozen dataclass read from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _tls_mode(value: str | None) -> str:
    mode = (value or "starttls").strip().lower()
    if mode in {"0", "false", "no", "off"}:
        return "none"
    if mode not in {"starttls", "ssl", "none"}:
        raise ValueError(f"AMAP_SMTP_TLS must be starttls, ssl or none, not {value!r}")
    return mode


def _load_or_create_secret(data_dir: Path) -> str:
    """Read the secret key kept in the data folder, creating it (mode 600) the first time."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    # Written whole under a private name, then linked into place: two processes starting at
    # once on a fresh folder both end up reading the one complete key.
    draft = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    """Folder for the embedded SQLite database and the generated secret key (AMAP_DATA_DIR)."""
    database_url: str
    """sqlite:///path or postgresql://user:pass@host/db (DATABASE_URL)."""
    secret_key: str = field(repr=False)
    """Signs CSRF tokens (AMAP_SECRET); generated and kept in the data folder when unset."""
    upload_dir: Path
    """Folder for uploaded photos of the shares, <data folder>/uploads when unset (AMAP_UPLOAD_DIR)."""
    base_url: str = "http://127.0.0.1:8000"
    """Public address used in e-mailed links (AMAP_BASE_URL)."""
    allowed_hosts: tuple[str, ...] = ("*",)
    """Host names the app answers to, comma-separated (AMAP_ALLOWED_HOSTS)."""
    debug: bool = False
    """Show tracebacks instead of the friendly error page (AMAP_DEBUG)."""
    default_language: str = "fr"
    """Language for visitors whose browser asks for none we have (AMAP_LANGUAGE)."""
    password_profile: str = "rfc9106-low"
    """argon2 cost profile: rfc9106-low (production) or cheapest (tests only) (AMAP_PASSWORD_PROFILE)."""
    login_failures_per_account: int = 5
    """Failed logins allowed per account per 15 minutes before HTTP 429 (AMAP_LOGIN_LIMIT_ACCOUNT)."""
    login_failures_per_address: int = 20
    """Failed logins allowed per client address per 15 minutes (AMAP_LOGIN_LIMIT_ADDRESS)."""

    smtp_host: str = ""
    """SMTP server for outgoing mail; when unset, mails go to the log and the admin's outbox page (AMAP_SMTP_HOST)."""
    smtp_port: int = 587
    """SMTP port (AMAP_SMTP_PORT)."""
    smtp_user: str = ""
    """SMTP login, if the server asks for one (AMAP_SMTP_USER)."""
    smtp_password: str = field(default="", repr=False)
    """SMTP password (AMAP_SMTP_PASSWORD)."""
    smtp_tls: str = "starttls"
    """starttls (port 587), ssl (port 465) or none (a local relay) (AMAP_SMTP_TLS)."""
    mail_from: str = "amap <no-reply@localhost>"
    """Sender address of every mail (AMAP_MAIL_FROM)."""
    embedded_scheduler: bool = False
    """Run the job scheduler inside the web process; `amap serve` turns it on unless --no-scheduler (AMAP_EMBEDDED_SCHEDULER)."""
    scheduler_renew_seconds: float = 10.0
    """How often the scheduler holder renews its lease; another process takes over about three times
    that long after the holder died (AMAP_SCHEDULER_RENEW_SECONDS)."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:///")

    @property
    def secure_cookies(self) -> bool:
        """Cookies are marked Secure when the site is served over https."""
        return self.base_url.startswith("https://")

    @classmethod
    def from_env(cls, env: dict[str, str] | os._Environ[str] = os.environ) -> Settings:
        data_dir = Path(env.get("AMAP_DATA_DIR") or user_data_dir("amap", appauthor=False))
        database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'amap.sqlite'}"
        hosts = tuple(h.strip() for h in env.get("AMAP_ALLOWED_HOSTS", "*").split(",") if h.strip())
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=env.get("AMAP_SECRET") or _load_or_create_secret(data_dir),
            upload_dir=Path(env.get("AMAP_UPLOAD_DIR") or data_dir / "uploads"),
            base_url=(env.get("AMAP_BASE_URL") or cls.base_url).rstrip("/"),
            allowed_hosts=hosts or ("*",),
            debug=_bool(env.get("AMAP_DEBUG"), False),
            default_language=env.get("AMAP_LANGUAGE") or "fr",
            password_profile=env.get("AMAP_PASSWORD_PROFILE") or cls.password_profile,
            login_failures_per_account=int(env.get("AMAP_LOGIN_LIMIT_ACCOUNT") or 5),
            login_failures_per_address=int(env.get("AMAP_LOGIN_LIMIT_ADDRESS") or 20),
            smtp_host=env.get("AMAP_SMTP_HOST", "").strip(),
            smtp_port=int(env.get("AMAP_SMTP_PORT") or 587),
            smtp_user=env.get("AMAP_SMTP_USER", ""),
            smtp_password=env.get("AMAP_SMTP_PASSWORD", ""),
            smtp_tls=_tls_mode(env.get("AMAP_SMTP_TLS")),
            mail_from=env.get("AMAP_MAIL_FROM") or cls.mail_from,
            embedded_scheduler=_bool(env.get("AMAP_EMBEDDED_SCHEDULER"), False),
            scheduler_renew_seconds=float(env.get("AMAP_SCHEDULER_RENEW_SECONDS") or 10),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
