"""The whole sign-up flow in Chromium: a visitor joins, a member signs a contract."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import PHONE, log_in

pytestmark = pytest.mark.browser


def test_demo_member_signs_the_bread_contract_in_two_steps(page: Page, screenshot_dir) -> None:
    log_in(page, "member@example.org")
    page.get_by_test_id("nav-contracts").click()
    bread = page.locator("article", has_text="Pain au levain")
    bread.locator("[data-testid^=subscribe-]").click()

    expect(page.get_by_test_id("subscribe-form")).to_be_visible()
    page.locator("input[name=payment_plan]").nth(1).check()  # three cheques
    page.get_by_test_id("subscribe-continue").click()

    expect(page.get_by_test_id("review")).to_be_visible()
    rows = page.get_by_test_id("review-schedule").locator("tbody tr")
    expect(rows).to_have_count(3)
    page.screenshot(path=str(screenshot_dir / "review.png"), full_page=True)
    page.get_by_test_id("sign").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()  # the charter was not accepted yet
    page.locator("#charter").check()
    page.get_by_test_id("sign").click()

    expect(page).to_have_url(re.compile(r"/subscriptions/\d+$"))
    expect(page.get_by_test_id("subscription-status")).to_have_class(re.compile(r"\bbadge-active\b"))
    expect(page.get_by_test_id("schedule").locator("tbody tr")).to_have_count(3)
    page.screenshot(path=str(screenshot_dir / "subscription.png"), full_page=True)
    page.get_by_test_id("nav-me").click()
    expect(page.get_by_test_id("my-contracts")).to_contain_text("Pain au levain")


def test_a_visitor_joins_from_the_public_page_on_a_phone_and_reaches_the_contracts(new_context) -> None:
    page = new_context(viewport=PHONE).new_page()
    page.goto("/groups/amap-des-lilas")  # the demo holds two groups, so / is their directory
    page.get_by_test_id("join-link").click()
    email = f"visiteur{int(time.time() * 1000)}@example.org"
    page.fill("#name", "Zoé Visiteuse")
    page.fill("#email", email)
    page.fill("#household_name", "Famille Visiteuse")
    page.fill("#password", "une phrase assez longue")
    page.fill("#password_confirm", "une phrase assez longue")
    page.get_by_test_id("join-submit").click()
    expect(page).to_have_url(re.compile(r"/contracts\?group=amap-des-lilas$"))
    expect(page.locator("article", has_text="Pain au levain")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
