"""CSV exports that open cleanly in LibreOffice and Excel, and run no formula typed by someone."""

import csv
import io

from amap.accounts.tables import Household, User
from amap.exports.writers import euros, filename, safe_text
from tests.integration.conftest import login, post_form
from tests.integration.payments.conftest import cheque


def read(body: bytes, delimiter: str) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline=""), delimiter=delimiter))


async def test_the_subscriptions_csv_has_a_bom_a_header_and_one_line_per_subscription(client, world, season,
                                                                                      on_payment_day):
    await Household.update({Household.name: "=HYPERLINK(\"http://evil.example\")"}).where(
        Household.id == world.households["bob"])
    await login(client, "carol@example.org")
    await post_form(client, season.url, cheque(season.alice, amount="100"))
    response = await client.get(f"/offers/{season.offer.offer}/exports/subscriptions.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="legumes-2027-subscriptions.csv"'
    assert b"\r\n" in response.content
    rows = read(response.content, ";")  # French: ";" between cells, "," as decimal mark
    assert rows[0][0] == "Foyer" and len(rows[0]) == 12 and len(rows) == 3  # headers in the reader's language
    by_share = {row[1]: row for row in rows[1:]}
    alice, bob = by_share["Panier complet"], by_share["Demi-panier"]
    assert alice[8:12] == ["442,00", "100,00", "342,00", "76,80"]  # total, received, still to pay, overdue
    assert bob[0] == "'=HYPERLINK(\"http://evil.example\")"  # shown as text, never run


async def test_the_payments_csv_follows_the_english_convention_for_english_readers(client, world, season,
                                                                                  on_payment_day):
    await User.update({User.language: "en"}).where(User.id == world.users["carol"])
    await login(client, "carol@example.org")
    await post_form(client, season.url, cheque(season.alice, amount="88,40", note="@SUM(A1)"))
    await post_form(client, season.url, cheque(season.alice, amount="-88,40", number="1234567", note="-bounced"))
    response = await client.get(f"/offers/{season.offer.offer}/exports/payments.csv")
    rows = read(response.content, ",")
    assert rows[0][0] == "Received on" and len(rows) == 3
    assert [row[6] for row in rows[1:]] == ["88.40", "-88.40"]  # amounts stay numbers, negative ones too
    assert [row[7] for row in rows[1:]] == ["'@SUM(A1)", "'-bounced"]
    assert rows[1][0] == "2027-05-10" and rows[1][3] == "Cheque" and rows[1][9] == "Carol"


def test_cells_starting_like_a_formula_are_defused_and_amounts_are_plain_numbers():
    assert [safe_text(v) for v in ("=1+1", "+33 6", "-x", "@A1", "\tx", "Foyer Martin", "", None)] == [
        "'=1+1", "'+33 6", "'-x", "'@A1", "'\tx", "Foyer Martin", "", ""]
    assert (euros(123456, "fr"), euros(-5, "fr"), euros(1250, "en")) == ("1234,56", "-0,05", "12.50")
    assert filename("Œufs & Légumes 2027", "payments") == "oeufs-legumes-2027-payments.csv"
