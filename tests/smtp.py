"""A real SMTP server for the tests (aiosmtpd, in a thread), recording what it accepts.

It can refuse the next messages with a temporary (4xx) or permanent (5xx) answer, and call a
hook when a message starts (the tests use it to kill a worker in the middle of a batch).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refusals: list[str] = []
        """Answers to give instead of accepting, one per coming message ("451 ...", "550 ...")."""
        self.on_mail: Callable[[int], None] | None = None
        """Called with the number of messages accepted so far, when a new one begins."""
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 - aiosmtpd's name
        if self.on_mail:
            self.on_mail(len(self.messages))
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            if self.refusals:
                return self.refusals.pop(0)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def keys(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]


class SmtpServer:
    def __init__(self) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def env(self) -> dict[str, str]:
        """Settings for a worker process sending to this server."""
        return {"AMAP_SMTP_HOST": "127.0.0.1", "AMAP_SMTP_PORT": str(self.port), "AMAP_SMTP_TLS": "none"}
