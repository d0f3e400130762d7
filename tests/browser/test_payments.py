"""Recording a payment in Chromium against `amap serve --demo`: the form offers the households of the
rows on screen, and a search typed in the list (htmx) brings the households it finds into the form."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in

pytestmark = pytest.mark.browser


def row_ids(page: Page) -> list[str]:
    return [row.get_attribute("id").removeprefix("subscription-")
            for row in page.get_by_test_id("subscription-row").all()]


def offered(page: Page) -> list[str]:
    return [value for value in page.locator("#subscription option").evaluate_all("(options) => options.map(o => o.value)")
            if value]


def test_a_search_brings_the_households_it_finds_into_the_payment_form(page: Page) -> None:
    log_in(page, "coordinator@example.org")
    page.goto("/committee/amap-des-lilas/contracts")
    page.goto(page.locator("a[href$='/payments']").first.get_attribute("href"))
    assert offered(page) == row_ids(page) and len(row_ids(page)) > 1

    last = page.get_by_test_id("subscription-row").last
    target = last.get_attribute("id").removeprefix("subscription-")
    household = last.locator("td").first.inner_text().split(" + ")[0].strip()
    with page.expect_response(lambda r: "q=" in r.url):
        page.locator("#q").fill(household)
    expect(page.locator(f"#subscription-{target}")).to_be_visible()
    expect(page.locator("#subscription option")).to_have_count(len(row_ids(page)) + 1)
    assert offered(page) == row_ids(page) and target in offered(page)

    page.locator("#subscription").select_option(target)
    page.locator("#amount").fill("12,50")
    page.locator("#cheque_number").fill(str(time.time_ns())[-9:])
    page.locator("#bank").fill("Banque du Lilas")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/payments")):
        page.get_by_test_id("record-payment").click()
    expect(page.get_by_test_id("payment-status")).to_contain_text(re.compile(r"12,50\s€"))
    expect(page.get_by_test_id("payment-status")).to_contain_text(household)
    # The form comes back offering the rows still on screen (the search's).
    assert offered(page) == row_ids(page)
