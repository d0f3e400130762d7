"""Moving in, in Chromium on a phone: the demo coordinator imports a spreadsheet's members (a refused
file first), then downloads the members as XLSX and finds them there, then reads the history."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.pages import PHONE, log_in

pytestmark = pytest.mark.browser

# As Excel saves it on Windows in France: Windows-1252, semicolons.
HEADER = "Nom du foyer;Prénom;Nom;Courriel\r\n"
WITH_A_BAD_ADDRESS = (HEADER + "Famille Côté;Hélène;Côté;helene.cote@example.org\r\n"
                      "Famille Côté;Rémi;Côté;remi.cote@example\r\n").encode("cp1252")
CORRECTED = (HEADER + "Famille Côté;Hélène;Côté;helene.cote@example.org\r\n"
             "Famille Côté;Rémi;Côté;remi.cote@example.org\r\n").encode("cp1252")


def upload(page: Page, content: bytes) -> None:
    form = page.get_by_test_id("members-upload")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "adherents.csv", "mimeType": "text/csv", "buffer": content}])
    form.locator("button[type=submit]").click()


def test_a_coordinator_imports_members_on_a_phone_then_finds_them_in_the_export_and_the_history(
        new_context, tmp_path: Path) -> None:
    page = new_context(PHONE).new_page()
    log_in(page, "coordinator@example.org")
    page.goto("/committee")
    page.get_by_test_id("committee-import-link").click()

    upload(page, WITH_A_BAD_ADDRESS)
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.get_by_test_id("line-3")).to_contain_text("remi.cote@example")  # the line at fault…
    expect(page.get_by_test_id("check-3").locator(".field-error")).to_be_visible()  # …and why
    expect(page.get_by_test_id("check-2").locator(".field-error")).to_have_count(0)
    expect(page.get_by_test_id("line-2")).to_contain_text("Hélène")  # accents read from Windows-1252
    expect(page.get_by_test_id("confirm-button")).to_have_count(0)  # nothing can be imported yet

    upload(page, CORRECTED)
    expect(page.get_by_test_id("error-summary")).to_have_count(0)
    page.get_by_test_id("confirm-button").click()
    expect(page).to_have_url(re.compile(r"/committee\?group="))  # back on the committee page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_test_id("committee-exports-link").click()
    with page.expect_download() as download:
        page.get_by_test_id("export-members-xlsx").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    names = [str(cell) for row in load_workbook(saved).active.iter_rows(values_only=True) for cell in row if cell]
    assert any("Hélène Côté" in name for name in names) and any("Rémi Côté" in name for name in names)

    page.goto("/committee")
    page.get_by_test_id("committee-history-link").click()
    expect(page.locator("main")).to_contain_text("Famille Côté")
