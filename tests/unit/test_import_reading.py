"""Reading spreadsheets' CSV exports: encodings, separators, column names, malformed files, dates."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from amap.imports import members, payments, subscriptions
from amap.imports.reading import (
    MAX_ROWS,
    FileProblem,
    decode,
    example_date,
    example_file,
    parse,
    parse_date,
    separator_of,
)
from amap.lib.i18n import using_language


@pytest.fixture(autouse=True)
def in_english():
    """The messages are checked in English (French is the default language)."""
    with using_language("en"):
        yield


def test_windows_1252_is_read_when_the_file_is_not_utf8():
    data = "Prénom;Nom;E-mail\r\nHélène;Côté;helene@example.org\r\n".encode("cp1252")
    assert decode(data).splitlines()[1] == "Hélène;Côté;helene@example.org"


def test_utf8_with_or_without_bom_and_utf16_are_read():
    text = "Prénom,Nom,E-mail\nHélène,Côté,helene@example.org\n"
    assert decode(codecs.BOM_UTF8 + text.encode()) == text
    assert decode(text.encode()) == text
    assert decode(text.encode("utf-16")) == text  # Excel's "Unicode text" carries its BOM


@pytest.mark.parametrize("data", [
    b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),  # an XLSX or ODS spreadsheet is a zip
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),  # an old .xls
    b"name,email\nAda,a\x00da@example.org\n",  # NUL bytes
    bytes(range(256)) * 4,  # anything binary
], ids=["xlsx", "xls", "nul", "binary"])
def test_what_is_not_a_csv_file_is_refused_as_such(data):
    with pytest.raises(FileProblem, match="not a CSV file"):
        decode(data)


def test_an_empty_file_is_refused():
    with pytest.raises(FileProblem, match="empty"):
        decode(b" \r\n ")


@pytest.mark.parametrize(("header", "separator"), [
    ("Nom;Prénom;E-mail", ";"), ("Name,Email", ","), ("Name\tEmail", "\t"),
    ('"Nom, prénom";Courriel', ";"), ("Email", ","),
])
def test_the_separator_is_the_one_the_first_line_uses_outside_quotes(header, separator):
    assert separator_of(header) == separator


def test_columns_are_found_by_their_french_or_english_names_in_any_case_and_with_or_without_accents():
    sheet = parse("NOM DU FOYER;prenom;Nom;Courriel;Téléphone;Remarques\nCôté;Hélène;Côté;h@example.org;06;x\n",
                  members.COLUMNS)
    assert [column.key for column in sheet.columns] == ["household", "first_name", "last_name", "email", "phone"]
    assert sheet.unknown == ["Remarques"]
    assert sheet.rows[0].values == {"household": "Côté", "first_name": "Hélène", "last_name": "Côté",
                                    "email": "h@example.org", "phone": "06"}
    english = parse("Household,First name,Last name,E-mail,Phone\nX,Ada,L,a@example.org,\n", members.COLUMNS)
    assert [column.key for column in english.columns] == ["household", "first_name", "last_name", "email", "phone"]
    assert [column.key for column in parse("Name;Email\nAda;a@example.org", members.COLUMNS).columns] == [
        "name", "email"]


def test_a_missing_required_column_refuses_the_whole_file():
    with pytest.raises(FileProblem, match="E-mail"):
        parse("Nom;Prénom\nCôté;Hélène\n", members.COLUMNS)


def test_two_columns_giving_the_same_thing_refuse_the_file():
    with pytest.raises(FileProblem, match="Courriel"):
        parse("Nom;E-mail;Courriel\nCôté;a@example.org;b@example.org\n", members.COLUMNS)


def test_an_unterminated_quote_is_reported_with_the_line_where_it_opens():
    text = 'Nom;E-mail\nCôté;h@example.org\n"Martin;j@example.org\nDurand;d@example.org\n'
    with pytest.raises(FileProblem, match="Line 3"):
        parse(text, members.COLUMNS)


def test_a_misplaced_quote_is_reported_with_its_line():
    with pytest.raises(FileProblem, match="Line 2"):
        parse('Nom,E-mail\n"Côté"x,h@example.org\n', members.COLUMNS)


def test_a_ragged_line_is_that_rows_problem_with_its_line_number():
    sheet = parse("Nom;E-mail\nCôté;h@example.org\nMartin;j@example.org;en trop\nDurand\n", members.COLUMNS)
    assert [(row.line, row.readable) for row in sheet.rows] == [(2, True), (3, False), (4, False)]
    assert "3 cells" in sheet.rows[1].problems[0] and "1 cells" in sheet.rows[2].problems[0]


def test_empty_trailing_cells_and_blank_lines_are_not_problems():
    sheet = parse("Nom;E-mail;\n\nCôté;h@example.org;\n;;\n\nMartin;j@example.org;\n", members.COLUMNS)
    assert [(row.line, row.problems) for row in sheet.rows] == [(3, []), (6, [])]


def test_line_numbers_follow_the_file_across_cells_on_several_lines():
    sheet = parse('Nom,E-mail,Téléphone\n"Côté\nHélène",h@example.org,\nMartin,j@example.org,\n', members.COLUMNS)
    assert [row.line for row in sheet.rows] == [2, 4]
    assert sheet.rows[0].get("last_name") == "Côté\nHélène"


def test_a_file_with_only_a_header_or_too_many_rows_is_refused():
    with pytest.raises(FileProblem, match="no rows"):
        parse("Nom;E-mail\n", members.COLUMNS)
    with pytest.raises(FileProblem, match=str(MAX_ROWS)):
        parse("Nom;E-mail\n" + "x;x@example.org\n" * (MAX_ROWS + 1), members.COLUMNS)


@pytest.mark.parametrize(("text", "day"), [
    ("2027-01-15", date(2027, 1, 15)), ("15/01/2027", date(2027, 1, 15)), ("5/1/2027", date(2027, 1, 5)),
    ("15.01.2027", date(2027, 1, 15)), ("15-01-2027", date(2027, 1, 15)), ("15/01/27", date(2027, 1, 15)),
    ("2027-01-15 00:00:00", date(2027, 1, 15)),
])
def test_dates_are_read_as_spreadsheets_write_them(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["31/02/2027", "2027-13-01", "15 janvier 2027", "01/15/2027x", ""])
def test_impossible_or_unreadable_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("language", ["fr", "en", "es", "pt"])
@pytest.mark.parametrize("importer", [members.IMPORTER, subscriptions.IMPORTER, payments.IMPORTER],
                         ids=lambda importer: importer.code)
def test_an_example_file_reads_back_with_all_its_columns(language, importer):
    with using_language(language):
        rows = [{column.key: "x" for column in importer.columns}]
        sheet = parse(decode(example_file(importer.columns, rows, language)), importer.columns)
    assert [column.key for column in sheet.columns] == [c.key for c in importer.columns if c.in_example]
    assert sheet.unknown == [] and sheet.separator == ("," if language == "en" else ";")


def test_columns_are_found_by_their_spanish_or_portuguese_names_whatever_the_reader_language():
    spanish = parse("Hogar;Nombres;Apellidos;Correo electrónico;Teléfono\nX;Ada;L;a@example.org;06\n", members.COLUMNS)
    portuguese = parse("Domicílio;Primeiro nome;Sobrenome;E-mail;Telefone\nX;Ada;L;a@example.org;06\n",
                       members.COLUMNS)
    for sheet in (spanish, portuguese):
        assert [column.key for column in sheet.columns] == ["household", "first_name", "last_name", "email", "phone"]
        assert sheet.unknown == []


@pytest.mark.parametrize(("language", "written"), [("fr", "15/01/2027"), ("es", "15/01/2027"), ("pt", "15/01/2027"),
                                                   ("en", "2027-01-15")])
def test_example_dates_are_written_day_first_where_the_locale_does_and_read_back(language, written):
    assert example_date(date(2027, 1, 15), language) == written
    assert parse_date(written) == date(2027, 1, 15)


def test_lines_ended_by_a_carriage_return_alone_are_read():
    sheet = parse("Nom;E-mail\rCôté;h@example.org\rMartin;j@example.org\r", members.COLUMNS)
    assert [(row.line, row.get("email")) for row in sheet.rows] == [(2, "h@example.org"), (3, "j@example.org")]
