"""E-mail delivery. Embedded mode writes each mail to the log; SMTP comes with the jobs issue."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from jinja2 import Environment
from jinja2_fragments import render_block

log = logging.getLogger("amap.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


def compose(env: Environment, template: str, to: str, **context: object) -> Mail:
    """A mail template holds a `subject` block and a `body` block (plain text)."""
    subject = render_block(env, template, "subject", **context).strip()
    text = render_block(env, template, "body", **context).strip() + "\n"
    return Mail(to=to, subject=subject, text=text)


class ConsoleMailer:
    """Writes mails to the log so an installation without SMTP still shows reset links."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)
        del self.sent[:-100]  # keep the last hundred for the admin and the tests
        log.warning("mail to %s\nSubject: %s\n\n%s", mail.to, mail.subject, mail.text)
