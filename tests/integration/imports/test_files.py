"""Files that cannot be imported are refused with a clear message and change nothing; who may import."""

from __future__ import annotations

import codecs

import pytest

from amap.imports.reading import MAX_BYTES
from tests.integration.conftest import login, post_form
from tests.integration.imports.conftest import PAGE, check_of, confirm, counts, upload

HEADER = b"Nom;Prenom;E-mail\r\n"


@pytest.mark.parametrize(("content", "message"), [
    (HEADER + b"Cote;Helene;helene@example.org\r\n" * (MAX_BYTES // 30), "too big: at most 2 MB"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(300), "This is not a CSV file"),
    (b"\x00\x01\x02\x03binary\xff\xfe" * 50, "This is not a CSV file"),
    (b"", "The file is empty"),
    (b'Nom;Prenom;E-mail\r\nCote;Helene;helene@example.org\r\n"Martin;Jeanne;j@example.org\r\n', "Line 3: a quote"),
    (b"Nom;Prenom\r\nCote;Helene\r\n", "The column"),
    (b"Nom;E-mail\r\n", "no rows"),
], ids=["oversized", "xlsx", "binary", "empty", "unterminated quote", "missing column", "no rows"])
async def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message_next_to_its_field(carol, world, content,
                                                                                           message):
    before = await counts()
    response = await upload(carol, "members", content)
    assert response.status_code == 400
    assert message in response.text and 'href="#members-file"' in response.text
    assert 'id="members-file-error"' in response.text
    assert await counts() == before


async def test_no_file_at_all_is_asked_for(carol, world):
    response = await post_form(carol, "/committee/tilleuls/import/payments", {"file": ""}, page=PAGE)
    assert response.status_code == 400 and "Choose a CSV file to upload" in response.text


async def test_a_ragged_line_is_shown_on_its_line_and_blocks_the_import(carol, world):
    before = await counts()
    response = await upload(carol, "members", HEADER + b"Cote;Helene;helene@example.org;en trop\r\n"
                                                       b"Martin;Jeanne;jeanne@example.org\r\n")
    assert response.status_code == 200 and "4 cells where the first line names 3 columns" in check_of(response, 2)
    assert 'data-testid="confirm-form"' not in response.text and await counts() == before


@pytest.mark.parametrize("content", ["", "not base64!", "AAAA" * 10, "é" * 5000, "YQBi"])  # YQBi: "a\0b"
async def test_a_damaged_confirmation_is_refused_and_changes_nothing(carol, world, content):
    before = await counts()
    response = await confirm(carol, "members", content)
    assert response.status_code == 400 and 'id="members-file-error"' in response.text
    assert await counts() == before


@pytest.mark.parametrize("kind", ["members", "subscriptions", "payments"])
async def test_each_example_file_downloads_with_a_bom_and_reads_back_without_problems_of_columns(carol, world, kind):
    response = await carol.get(f"/committee/tilleuls/import/{kind}/template.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(codecs.BOM_UTF8)
    assert f'filename="import-{kind}.csv"' in response.headers["content-disposition"]
    preview = await upload(carol, kind, response.content)
    assert preview.status_code == 200 and "Columns left aside" not in preview.text


async def test_the_import_page_explains_the_three_imports_in_order(carol, world):
    page = await carol.get(PAGE)
    assert page.status_code == 200
    text = page.text
    assert text.index('data-testid="members-upload"') < text.index('data-testid="subscriptions-upload"') < \
        text.index('data-testid="payments-upload"')
    assert 'enctype="multipart/form-data"' in text and 'name="_csrf_token"' in text


async def test_an_unknown_kind_of_import_does_not_exist(carol, world):
    assert (await carol.get("/committee/tilleuls/import/households/template.csv")).status_code == 404
    assert (await upload(carol, "households", HEADER)).status_code == 404


async def test_another_groups_coordinator_finds_nothing_and_a_member_is_refused(client, world):
    await login(client, "cyril@example.org")
    assert (await client.get(PAGE)).status_code == 404
    assert (await client.get("/committee/tilleuls/import/members/template.csv")).status_code == 404
    assert (await upload(client, "members", HEADER + b"Cote;Helene;h@example.org\r\n")).status_code == 404
    assert (await confirm(client, "members", "")).status_code == 404
    await post_form(client, "/logout")
    await login(client, "alice@example.org")
    assert (await client.get(PAGE)).status_code == 403
    assert (await upload(client, "members", HEADER + b"Cote;Helene;h@example.org\r\n")).status_code == 403
