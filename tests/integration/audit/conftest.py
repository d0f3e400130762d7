"""The payments' signed season (Alice in five cheques, Bob in one) for the audit tests."""

import pytest

from tests.integration.payments.conftest import on_payment_day, season  # noqa: F401 - fixtures used here too


@pytest.fixture(autouse=True)
def in_english(client):
    """The sentences are checked in the source language, whatever the catalogs say."""
    client.headers["accept-language"] = "en"
