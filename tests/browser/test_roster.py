"""The roster in Chromium: the demo member takes a free shift and leaves it again, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in

pytestmark = pytest.mark.browser


def test_demo_member_takes_a_free_shift_and_leaves_it_again_without_a_reload(page: Page, screenshot_dir) -> None:
    log_in(page, "member@example.org")
    page.get_by_test_id("nav-roster").click()
    expect(page.get_by_test_id("open-slots")).to_be_visible()
    expect(page.get_by_test_id("obligation-behind").first).to_be_visible()  # the demo member owes shifts
    page.evaluate("window.__same_page = true")  # gone if the page reloads

    take = page.locator("[data-testid^=take-]").last  # the furthest shift: well before its leaving deadline
    slot_id = take.get_attribute("data-testid").removeprefix("take-")
    row = page.get_by_test_id(f"slot-{slot_id}")
    take.click()
    expect(row.get_by_test_id(f"leave-{slot_id}")).to_be_visible()
    expect(row.get_by_test_id(f"slot-message-{slot_id}")).to_be_visible()
    expect(page.get_by_test_id("my-shift-list")).to_contain_text(row.locator("td").nth(1).inner_text().split("\n")[0])
    page.screenshot(path=str(screenshot_dir / "roster-taken.png"), full_page=True)

    row.get_by_test_id(f"leave-{slot_id}").click()
    expect(row.get_by_test_id(f"take-{slot_id}")).to_be_visible()
    assert page.evaluate("window.__same_page === true")
