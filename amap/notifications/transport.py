"""How stored messages leave: over SMTP (aiosmtplib), or to the log when no server is set."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol

import aiosmtplib

from amap.lib.db import utcnow
from amap.lib.settings import Settings

log = logging.getLogger("amap.mail")


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool, connection: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        """The server refused this message for good (5xx): retrying will not help."""
        self.connection = connection
        """The connection itself failed: the rest of the batch waits for the next run."""


def build_message(row: dict, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(utcnow())
    domain = parseaddr(sender)[1].partition("@")[2] or "amap.invalid"
    # The same Message-ID for the same event: a receiving server can drop a resent copy.
    message["Message-ID"] = f"<{hashlib.sha256(row['key'].encode()).hexdigest()[:32]}@{domain}>"
    if row["unsubscribe_url"]:
        message["List-Unsubscribe"] = f"<{row['unsubscribe_url']}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row["body_text"])
    if row["body_html"]:
        message.add_alternative(row["body_html"], subtype="html")
    return message


class Session(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class Transport(Protocol):
    def session(self) -> AsyncIterator[Session]: ...


class ConsoleTransport:
    """No SMTP server configured: the message is written to the log (and stays readable in the outbox)."""

    async def send(self, message: EmailMessage) -> None:
        log.warning("mail to %s\nSubject: %s\n\n%s", message["To"], message["Subject"],
                    message.get_body(("plain",)).get_content())

    @asynccontextmanager
    async def session(self) -> AsyncIterator[ConsoleTransport]:
        yield self


class _SmtpSession:
    def __init__(self, client: aiosmtplib.SMTP) -> None:
        self.client = client

    async def send(self, message: EmailMessage) -> None:
        try:
            await self.client.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refusal.code for refusal in error.recipients]
            raise SendError(str(error), permanent=all(500 <= code < 600 for code in codes)) from error
        except aiosmtplib.SMTPResponseException as error:
            raise SendError(f"{error.code} {error.message}", permanent=500 <= error.code < 600) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise SendError(str(error) or type(error).__name__, permanent=False, connection=True) from error


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @asynccontextmanager
    async def session(self) -> AsyncIterator[_SmtpSession]:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_user or None, password=s.smtp_password or None,
            use_tls=s.smtp_tls == "ssl", start_tls=True if s.smtp_tls == "starttls" else False, timeout=30,
        )
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise SendError(f"cannot reach {s.smtp_host}:{s.smtp_port}: {error}", permanent=False,
                            connection=True) from error
        try:
            yield _SmtpSession(client)
        finally:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()


def transport_for(settings: Settings) -> Transport:
    return SmtpTransport(settings) if settings.smtp_host else ConsoleTransport()
