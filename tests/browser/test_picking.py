"""The producer's side in Chromium: the demo's lamb producer opens the closed window's picking
lists (one section per stop of the tour, the community kitchen flagged), records the kitchen's
payment at pickup, and opens the printable tour sheet."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in

pytestmark = pytest.mark.browser


def test_the_producer_reads_the_picking_lists_records_a_payment_and_prints_the_tour(page: Page, screenshot_dir) -> None:
    log_in(page, "bergerie@example.org")
    page.goto("/farm/windows")
    page.get_by_test_id("windows").locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/farm/windows/\d+$"))
    page.get_by_test_id("picking-link").click()
    expect(page.get_by_test_id("picking")).to_be_visible()
    expect(page.get_by_test_id("picking-stop")).to_have_count(2)  # both groups of the network, in tour order
    expect(page.get_by_test_id("bulk-buyer")).to_have_count(1)  # the community kitchen of the second group
    page.screenshot(path=str(screenshot_dir / "picking.png"), full_page=True)

    kitchen = page.locator("#order option").filter(has_text="Cuisine solidaire")
    page.select_option("#order", kitchen.get_attribute("value"))
    page.fill("#amount", "10,50")
    with page.expect_navigation():
        page.get_by_test_id("order-payment-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("order-payments")).to_contain_text("Cuisine solidaire")
    expect(page.get_by_test_id("order-payments")).to_contain_text("10,50")

    page.goto(page.url.split("/picking")[0] + "/tour")
    expect(page.get_by_test_id("tour-load")).to_be_visible()
