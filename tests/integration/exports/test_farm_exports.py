"""The farmer's exports: an offer's subscriptions and payments as XLSX beside the CSV files, and the
orders of an order window for its producer, linked from the picking lists."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.integration.conftest import login
from tests.integration.exports.conftest import read_csv, read_xlsx, rows_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_the_offers_payment_page_links_both_formats_of_both_files(client, world, season):
    await login(client, "dan@example.org")
    page = (await client.get(f"/offers/{season.offer.offer}/payments")).text
    for name in ("subscriptions", "payments"):
        for extension in ("csv", "xlsx"):
            assert f'href="/offers/{season.offer.offer}/exports/{name}.{extension}"' in page


async def test_the_offers_subscriptions_workbook_matches_its_csv(client, world, season):
    await login(client, "dan@example.org")
    response = await client.get(f"/offers/{season.offer.offer}/exports/subscriptions.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == 'attachment; filename="legumes-2027-subscriptions.xlsx"'
    assert response.headers["cache-control"] == "no-store"
    rows = rows_of(read_xlsx(response.content))
    text = read_csv((await client.get(f"/offers/{season.offer.offer}/exports/subscriptions.csv")).content, ";")
    assert rows[0] == text[0] and len(rows) == len(text) == 3
    alice = next(row for row in rows if row[1] == "Panier complet")
    assert alice[0] == "Alice" and alice[2] == 1 and alice[6] == datetime(2027, 5, 10)
    assert alice[8:12] == [442, 88.4, 353.6, 88.4]


async def test_the_offers_payments_workbook_keeps_corrections_as_negative_numbers(client, world, season):
    await login(client, "dan@example.org")
    response = await client.get(f"/offers/{season.offer.offer}/exports/payments.xlsx")
    assert response.headers["content-disposition"] == 'attachment; filename="legumes-2027-payments.xlsx"'
    sheet = read_xlsx(response.content)
    rows = rows_of(sheet)
    assert [row[6] for row in rows[1:]] == [88.4, 88.4, -88.4]
    assert [row[7] for row in rows[1:]] == [None, "@SUM(A1)", "-bounced"]  # text cells, shown as typed
    assert all(cell.data_type == "s" for cell in sheet["H"][2:])


@pytest.mark.parametrize("who", ["fanny", "erin", "cyril"])
async def test_the_offers_workbooks_do_not_exist_for_another_farm_or_group(client, world, season, who):
    await login(client, f"{who}@example.org")
    for name in ("subscriptions", "payments"):
        assert (await client.get(f"/offers/{season.offer.offer}/exports/{name}.xlsx")).status_code == 404


async def test_the_producer_downloads_a_windows_orders_from_its_picking_lists(client, world, season):
    await login(client, "dan@example.org")
    picking = (await client.get(f"/farm/windows/{season.shop.window}/picking")).text
    assert f'href="/farm/windows/{season.shop.window}/orders.xlsx"' in picking
    assert f'href="/farm/windows/{season.shop.window}/orders.csv"' in picking
    response = await client.get(f"/farm/windows/{season.shop.window}/orders.csv")
    assert response.headers["content-disposition"] == 'attachment; filename="printemps-a-la-ferme-orders.csv"'
    rows = read_csv(response.content, ";")
    assert [(row[4], row[5], row[7], row[9]) for row in rows[1:]] == [
        ("Alice", "Jus de pomme", "1", "3,33"), ("Alice", "Miel de printemps", "2", "18,00"),
        ("Bob", "Colis d'agneau", "1", "85,00")]
    response = await client.get(f"/farm/windows/{season.shop.window}/orders.xlsx")
    assert response.headers["content-type"] == XLSX
    rows = rows_of(read_xlsx(response.content))
    assert [row[3] for row in rows[1:]] == [datetime(2027, 5, 13)] * 3
    assert [row[9] for row in rows[1:]] == [3.33, 18, 85]


@pytest.mark.parametrize(("who", "status"), [("fanny", 404), ("alice", 403), ("carol", 403)])
async def test_a_windows_orders_are_only_its_producers(client, world, season, who, status):
    await login(client, f"{who}@example.org")
    for extension in ("csv", "xlsx"):
        assert (await client.get(f"/farm/windows/{season.shop.window}/orders.{extension}")).status_code == status
