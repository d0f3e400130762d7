"""The farmer announces a share with the harvest-first helper; members then see it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import log_in

pytestmark = pytest.mark.browser


def test_the_farmer_splits_a_harvest_publishes_and_members_see_the_share(new_context) -> None:
    farmer = new_context().new_page()
    log_in(farmer, "farmer@example.org")
    farmer.goto("/farm")
    coming = farmer.get_by_test_id("coming-deliveries").locator("a[href$='/announcement']")
    coming.nth(1).click()  # next week's delivery: not announced yet

    expect(farmer.get_by_test_id("announcement-form")).to_be_visible()
    farmer.fill("#harvest-name", "Topinambours")
    farmer.fill("#harvest-quantity", "30")
    farmer.fill("#harvest-unit", "kg")
    farmer.get_by_test_id("split-button").click()
    expect(farmer.get_by_test_id("split-proposal")).to_be_visible()
    farmer.get_by_test_id("publish-announcement").first.click()
    expect(farmer.get_by_test_id("announcement-status")).to_have_class(re.compile(r"\bbadge-active\b"))
    note = farmer.get_by_test_id("delivery-note-link").get_attribute("href")
    distribution = re.search(r"/distributions/(\d+)/", note).group(1)

    member = new_context().new_page()
    log_in(member, "member@example.org")
    member.goto(f"/distributions/{distribution}")
    expect(member.locator("main")).to_contain_text("Topinambours")
