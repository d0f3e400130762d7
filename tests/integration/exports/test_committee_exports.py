"""The committee downloads each list of its group as CSV or XLSX; counts match the world, amounts
are numbers, dates are dates, nothing typed by someone runs as a formula, and another group's
committee finds nothing."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from io import BytesIO

import pytest

from amap.accounts.tables import Household, User
from amap.distributions.tables import Delivery, Distribution
from amap.roster.tables import Slot
from tests.integration.conftest import login
from tests.integration.exports.conftest import read_csv, read_xlsx, rows_of

DATASETS = ("members", "subscriptions", "payments", "distributions", "roster", "orders")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def distribution_lines(group: int) -> int:
    """One line per delivery, one for a day without any."""
    days = await Distribution.select(Distribution.id).where(Distribution.group == group)
    deliveries = await Delivery.select(Delivery.distribution).where(Delivery.distribution.group == group)
    return sum(max(1, sum(1 for d in deliveries if d["distribution"] == day["id"])) for day in days)


async def test_the_exports_page_counts_the_lines_of_each_list_and_links_both_formats(client, world, season):
    await login(client, "carol@example.org")
    committee = await client.get("/committee?group=tilleuls")
    assert 'href="/committee/tilleuls/exports"' in committee.text
    page = await client.get("/committee/tilleuls/exports")
    assert page.status_code == 200
    counts = dict(re.findall(r'data-testid="export-(\w+)">.*?data-rows="(\d+)"', page.text, re.S))
    expected = {"members": 4, "subscriptions": 2, "payments": 3,
                "distributions": await distribution_lines(world.tilleuls),
                "roster": await Slot.count().where(Slot.group == world.tilleuls), "orders": 3}
    assert {name: int(count) for name, count in counts.items()} == expected
    assert expected["distributions"] >= 26 and expected["roster"] >= 26
    for name in DATASETS:
        for extension in ("csv", "xlsx"):
            assert f'href="/committee/tilleuls/exports/{name}.{extension}"' in page.text
    for name, count in expected.items():  # each file has exactly the lines the page announces
        rows = read_csv((await client.get(f"/committee/tilleuls/exports/{name}.csv")).content, ";")
        assert len(rows) == count + 1, name


async def test_the_members_workbook_has_a_bold_frozen_header_numbers_dates_and_no_formula(client, world, season):
    await Household.update({Household.name: '=HYPERLINK("http://evil.example","clic")'}).where(
        Household.id == world.households["bob"])
    await User.update({User.phone: "+33 6 12 34 56 78"}).where(User.id == world.users["alice"])
    await login(client, "carol@example.org")
    response = await client.get("/committee/tilleuls/exports/members.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == 'attachment; filename="amap-des-tilleuls-members.xlsx"'
    assert response.headers["cache-control"] == "no-store"
    sheet = read_xlsx(response.content)
    assert sheet.title in ("Members", "Adhérents")
    assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["A"].width >= len('=HYPERLINK("http://evil.example","clic")')
    rows = rows_of(sheet)
    assert rows[0][0] == "Foyer" and len(rows) == 5
    by_household = {row[0]: row for row in rows[1:]}
    alice = by_household["Alice"]
    assert alice[1] == "Alice, Arthur" and alice[2] == "alice@example.org, arthur@example.org"
    assert alice[3] == "+33 6 12 34 56 78"  # a phone number stays text, though it starts with +
    assert isinstance(alice[5], datetime) and alice[6] == 15 and alice[7] == datetime(2027, 3, 2)
    fee = next(cell for cell in sheet[2 + list(by_household).index("Alice")] if cell.column == 7)
    assert fee.data_type == "n" and fee.number_format == "#,##0.00"
    evil = next(cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.column == 1
                and cell.value.startswith("=HYPERLINK"))
    assert evil.data_type == "s" and evil.value == '=HYPERLINK("http://evil.example","clic")'
    assert b"<f>" not in zipfile.ZipFile(BytesIO(response.content)).read("xl/worksheets/sheet1.xml")


async def test_the_subscriptions_csv_in_french_has_semicolons_decimal_commas_and_each_balance(client, world, season):
    await Household.update({Household.name: "=1+1"}).where(Household.id == world.households["bob"])
    await login(client, "carol@example.org")
    response = await client.get("/committee/tilleuls/exports/subscriptions.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="amap-des-tilleuls-subscriptions.csv"'
    rows = read_csv(response.content, ";")
    assert rows[0][:3] == ["Contrat", "Ferme", "Foyer"] and len(rows[0]) == 14
    by_household = {row[2]: row for row in rows[1:]}
    assert set(by_household) == {"Alice", "'=1+1"}  # Erin's contract is the Canal's
    alice, bob = by_household["Alice"], by_household["'=1+1"]
    assert alice[:4] == ["Légumes 2027", "Ferme des Tilleuls", "Alice", "Panier complet"]
    assert alice[10:14] == ["442,00", "88,40", "353,60", "88,40"]  # total, received, still to pay, overdue
    assert bob[10:14] == ["260,00", "0,00", "260,00", "260,00"]
    assert alice[8] == "2027-05-10"  # signed on, the group's date


async def test_the_payments_csv_follows_the_english_convention_and_defuses_notes(client, world, season):
    await User.update({User.language: "en"}).where(User.id == world.users["carol"])
    await login(client, "carol@example.org")
    rows = read_csv((await client.get("/committee/tilleuls/exports/payments.csv")).content, ",")
    assert rows[0][:3] == ["Contract", "Farm", "Received on"] and len(rows) == 4
    assert [row[8] for row in rows[1:]] == ["88.40", "88.40", "-88.40"]  # corrections stay numbers
    assert [row[9] for row in rows[1:]] == ["", "'@SUM(A1)", "'-bounced"]
    assert rows[1][2] == "2027-05-10" and rows[1][5] == "Cheque" and rows[1][11] == "Carol"


async def test_the_payments_workbook_holds_amounts_as_numbers_and_days_as_dates(client, world, season):
    await login(client, "carol@example.org")
    sheet = read_xlsx((await client.get("/committee/tilleuls/exports/payments.xlsx")).content)
    rows = rows_of(sheet)
    assert [row[8] for row in rows[1:]] == [88.4, 88.4, -88.4]
    assert all(row[2] == datetime(2027, 5, 10) for row in rows[1:])
    assert [cell.number_format for cell in sheet[2]][8] == "#,##0.00"
    assert sheet.cell(row=2, column=3).is_date


async def test_the_distributions_list_each_delivery_with_its_outcome(client, world, season):
    await User.update({User.language: "en"}).where(User.id == world.users["carol"])
    await login(client, "carol@example.org")
    rows = rows_of(read_xlsx((await client.get("/committee/tilleuls/exports/distributions.xlsx")).content))
    assert rows[0][:6] == ["Date", "Place", "Starts at", "Ends at", "Status", "Sign-off sheet closed"]
    first, second = rows[1], rows[2]
    assert first[:7] == [datetime(2027, 4, 1), "Cour AMAP des Tilleuls", "18:30", "20:00", "planned", "no",
                         "Légumes 2027"]
    assert first[8] == "planned" and first[9] is None
    assert second[0] == datetime(2027, 4, 8) and second[8:11] == ["reduced", 50, "salades"]


async def test_the_roster_names_who_holds_each_shift_and_the_places_left(client, world, season):
    await login(client, "carol@example.org")
    rows = read_csv((await client.get("/committee/tilleuls/exports/roster.csv")).content, ";")
    first = rows[1]
    assert first == ["2027-04-01", "Installation", "2", "Alice", "Alice", "1"]
    assert rows[2][3:] == ["", "", "2"]


async def test_the_orders_list_each_product_ordered_with_its_price_and_whether_the_order_is_paid(
        client, world, season):
    await User.update({User.language: "en"}).where(User.id == world.users["carol"])
    await login(client, "carol@example.org")
    rows = read_csv((await client.get("/committee/tilleuls/exports/orders.csv")).content, ",")
    assert len(rows) == 4  # Erin's order is delivered at the Canal
    lines = {(row[4], row[5]): row for row in rows[1:]}
    honey = lines[("Alice", "Miel de printemps")]
    assert honey == ["Printemps à la ferme", "Ferme des Tilleuls", "AMAP des Tilleuls", "2027-05-13", "Alice",
                     "Miel de printemps", "pot de 500 g", "2", "9.00", "18.00", "confirmed", "yes"]
    assert lines[("Bob", "Colis d'agneau")][7:] == ["1", "85.00", "85.00", "confirmed", "no"]
    sheet = read_xlsx((await client.get("/committee/tilleuls/exports/orders.xlsx")).content)
    # Alice's order product by product, then Bob's: quantities and amounts as numbers.
    assert [row[7:10] for row in rows_of(sheet)[1:]] == [[1, 3.33, 3.33], [2, 9, 18], [1, 85, 85]]


@pytest.mark.parametrize("path", ["members.pdf", "members", "nothing.csv", "members.csv.xlsx", ".csv"])
async def test_an_unknown_list_or_format_does_not_exist(client, world, season, path):
    await login(client, "carol@example.org")
    assert (await client.get(f"/committee/tilleuls/exports/{path}")).status_code == 404


async def test_another_groups_committee_finds_nothing_and_a_member_is_refused(client, world, season):
    await login(client, "cyril@example.org")
    for path in ("/committee/tilleuls/exports", "/committee/tilleuls/exports/members.csv",
                 "/committee/tilleuls/exports/payments.xlsx"):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/committee/canal/exports/subscriptions.csv")).status_code == 200
    await login(client, "alice@example.org")
    for path in ("/committee/tilleuls/exports", "/committee/tilleuls/exports/members.csv"):
        assert (await client.get(path)).status_code == 403, path


async def test_the_canal_sees_only_its_own_season(client, world, season):
    await login(client, "cyril@example.org")
    rows = read_csv((await client.get("/committee/canal/exports/subscriptions.csv")).content, ";")
    assert [row[2] for row in rows[1:]] == ["Erin"]
    rows = read_csv((await client.get("/committee/canal/exports/orders.csv")).content, ";")
    assert [row[4] for row in rows[1:]] == ["Erin"]
    assert date(2027, 4, 1).isoformat() in (await client.get("/committee/canal/exports/distributions.csv")).text
