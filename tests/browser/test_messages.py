"""Committee messages in Chromium, on a phone: who receives it appears as the segment is chosen,
the message leaves through the outbox (the server's own scheduler sends it), and a member who
no longer wants committee messages says so on their profile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import PHONE, log_in

pytestmark = pytest.mark.browser


def test_a_coordinator_writes_to_the_group_from_a_phone_and_the_message_leaves(new_context, screenshot_dir) -> None:
    page: Page = new_context(PHONE).new_page()
    log_in(page, "coordinator@example.org")
    page.goto("/committee/messages")
    expect(page).to_have_url(re.compile(r"/committee/[\w-]+/messages$"))
    page.select_option("#to", "all")
    expect(page.get_by_test_id("recipient-names")).to_contain_text("Camille")  # htmx, no reload
    page.fill("#subject", "Assemblée générale jeudi")
    page.fill("#body", "Bonjour à toutes et à tous,\n\nL'assemblée générale a lieu jeudi à 19 h.")
    page.get_by_test_id("send-message").click()
    row = page.locator("tr[data-testid^=message-]").filter(has_text="Assemblée générale jeudi").first
    expect(row).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / "messages-phone.png"), full_page=True)

    message_id = row.get_attribute("data-testid").removeprefix("message-")
    for _ in range(30):  # the scheduler inside `amap serve` sends the outbox every ten seconds
        page.reload()
        if int(page.get_by_test_id(f"delivery-{message_id}").get_attribute("data-sent")) > 30:
            break
        page.wait_for_timeout(1000)
    assert int(page.get_by_test_id(f"delivery-{message_id}").get_attribute("data-sent")) > 30


def test_a_member_stops_committee_messages_from_the_profile(page: Page) -> None:
    log_in(page, "member@example.org")
    page.goto("/profile")
    box = page.locator("input[name=receive_group_message]")
    expect(box).to_be_checked()
    box.uncheck()
    page.get_by_test_id("save-notifications").click()
    expect(page.locator("input[name=receive_group_message]")).not_to_be_checked()
    page.reload()
    expect(page.locator("input[name=receive_group_message]")).not_to_be_checked()
    page.locator("input[name=receive_group_message]").check()  # the demo stays as it was for other tests
    page.get_by_test_id("save-notifications").click()
    expect(page.locator("input[name=receive_group_message]")).to_be_checked()
