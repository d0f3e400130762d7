"""An id in the address beyond the database's integers is a missing object (404), never a 500:
SQLite holds 64-bit integers, PostgreSQL's columns 32-bit ones."""

from __future__ import annotations

import pytest

from tests.integration.conftest import login

HUGE = "99999999999999999999"  # beyond 64 bits
BIG = "3000000000"  # beyond 32 bits only

PAGES = [
    "/distributions/{id}", "/distributions/{id}/sheet", "/orders/{id}", "/subscriptions/{id}",
    "/offers/{id}/manage", "/offers/{id}/payments", "/farm/windows/{id}", "/farm/windows/{id}/picking",
    "/admin/outbox/{id}",
]


@pytest.mark.parametrize("number", [HUGE, BIG])
async def test_huge_ids_in_page_addresses_are_not_found(client, world, number):
    await login(client, world.email("ada"))  # the site administrator may open every kind of page
    for page in PAGES:
        response = await client.get(page.format(id=number))
        assert response.status_code == 404, (page, response.status_code)
