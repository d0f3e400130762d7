"""The CSV and XLSX writers: each kind of cell written as its spreadsheet expects, in both languages."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from amap.exports.sheet import DATE, INTEGER, MOMENT, MONEY, YES_NO, Column, Sheet
from amap.exports.writers import filename, safe_text, sheet_title, to_csv, to_xlsx
from amap.lib.i18n import using_language

SHEET = Sheet("Paiements", (Column("Foyer"), Column("Parts", INTEGER), Column("Montant", MONEY),
                            Column("Reçu le", DATE), Column("Saisi le", MOMENT), Column("Remis", YES_NO)), [
    ("Foyer Martin", 2, 123456, date(2027, 4, 5), datetime(2027, 5, 9, 22, 30, tzinfo=UTC), True),
    ('=HYPERLINK("http://evil.example")', 0, -5, None, None, False),
    ("-corrigé\x07", None, None, None, None, None),
], timezone="Europe/Paris")


def read(body: bytes, delimiter: str) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\r\n") == 4
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline=""), delimiter=delimiter))


def test_the_french_csv_uses_semicolons_and_decimal_commas():
    with using_language("fr"):
        rows = read(to_csv(SHEET, "fr"), ";")
    assert rows[0] == ["Foyer", "Parts", "Montant", "Reçu le", "Saisi le", "Remis"]
    # 22:30 UTC on 9 May is already 10 May in Paris.
    assert rows[1][:5] == ["Foyer Martin", "2", "1234,56", "2027-04-05", "2027-05-10"]
    assert rows[2][:3] == ["'=HYPERLINK(\"http://evil.example\")", "0", "-0,05"]
    assert rows[3] == ["'-corrigé\x07", "", "", "", "", ""]


def test_the_english_csv_uses_commas_decimal_points_and_yes_or_no():
    with using_language("en"):
        rows = read(to_csv(SHEET, "en"), ",")
    assert rows[1] == ["Foyer Martin", "2", "1234.56", "2027-04-05", "2027-05-10", "yes"]
    assert rows[2][2:] == ["-0.05", "", "", "no"]


@pytest.mark.parametrize("language", ["es", "pt"])
def test_spanish_and_portuguese_csv_follow_their_decimal_comma_like_french(language):
    with using_language(language):
        rows = read(to_csv(SHEET, language), ";")
    assert rows[1][:5] == ["Foyer Martin", "2", "1234,56", "2027-04-05", "2027-05-10"]
    assert rows[2][2] == "-0,05"
    assert rows[1][5] not in ("yes", "oui")  # "sí", "sim": the reader's word


def test_the_workbook_holds_numbers_dates_and_text_that_never_runs():
    body = to_xlsx(SHEET)
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "Paiements" and sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1]) and not any(cell.font.b for cell in sheet[2])
    martin = sheet[2]
    assert martin[1].value == 2 and martin[1].data_type == "n"
    assert martin[2].value == 1234.56 and martin[2].number_format == "#,##0.00"
    assert martin[3].value == datetime(2027, 4, 5) and martin[3].is_date
    assert martin[4].value == datetime(2027, 5, 10) and martin[4].is_date
    evil = sheet[3]
    assert evil[0].data_type == "s" and evil[0].value == '=HYPERLINK("http://evil.example")'
    assert evil[2].value == -0.05 and evil[3].value is None
    assert sheet[4][0].value == "-corrigé"  # a control character XLSX cannot hold is dropped
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml")
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEF"]
    assert widths[0] == len('=HYPERLINK("http://evil.example")') + 2 and all(8 <= w <= 60 for w in widths)


def test_sheet_titles_and_file_names_fit_what_spreadsheets_and_browsers_accept():
    assert sheet_title("Contrats: légumes/fruits [2027] et bien plus encore") == "Contrats  légumes fruits  2027"
    assert sheet_title("???") == "Sheet"
    assert filename("AMAP des Tilleuls", "members", "xlsx") == "amap-des-tilleuls-members.xlsx"
    assert filename("Œufs & Légumes 2027", "payments") == "oeufs-legumes-2027-payments.csv"
    assert filename("日本", "orders", "csv") == "orders.csv"


def test_text_starting_like_a_formula_is_defused_in_csv():
    assert [safe_text(v) for v in ("=1+1", "+33 6", "-x", "@A1", "\tx", "Foyer Martin", "", None)] == [
        "'=1+1", "'+33 6", "'-x", "'@A1", "'\tx", "Foyer Martin", "", ""]


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError):
        Sheet("x", (Column("a"), Column("b")), [("only one",)])
