from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from amap.lib.settings import get_settings
from amap.notifications.transport import SmtpTransport
from tests.smtp import SmtpServer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def smtp_transport(smtp: SmtpServer) -> SmtpTransport:
    return SmtpTransport(replace(get_settings(), smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_tls="none"))
