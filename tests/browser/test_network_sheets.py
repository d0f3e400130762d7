"""The network coordinator prints the sign-off sheets of a distribution day, through a real Chromium
against `amap serve --demo`: from /network to the day's sheets, laid out for paper."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import DESKTOP, log_in

pytestmark = pytest.mark.browser


def test_the_network_coordinator_opens_a_days_sheets_and_prints_them_with_boxes_to_tick(new_context) -> None:
    page = log_in(new_context(DESKTOP).new_page(), "network@example.org")
    page.goto("/network")
    days = page.get_by_test_id("network-sheet-days").get_by_role("link")
    expect(days.first).to_be_visible()
    days.first.click()
    expect(page).to_have_url(re.compile(r"/network/sheets/\d{4}-\d{2}-\d{2}\?network="))
    sheets = page.get_by_test_id("network-sheet")
    expect(sheets.first).to_be_visible()
    lines = sheets.first.get_by_test_id("sheet-line")
    expect(lines.first).to_be_visible()
    expect(page.get_by_test_id("tick")).to_have_count(0)  # paper: no button to press

    page.emulate_media(media="print")
    expect(page.get_by_test_id("network-sheets-print")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    box = lines.first.locator(".print-box")
    assert box.evaluate("(element) => getComputedStyle(element).display") == "inline-block"
    breaks = sheets.evaluate_all("(all) => all.map((s) => getComputedStyle(s).breakBefore)")
    assert breaks == ["auto"] + ["page"] * (len(breaks) - 1)  # one group a page
