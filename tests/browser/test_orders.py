"""One-off orders in Chromium: a member orders from the first window open for the demo AMAP, sees
the total follow the typing, corrects a bad quantity, finds the order on /me and cancels it.

The demo must hold an order window open now that serves AMAP des Lilas (see amap/demo.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.pages import PHONE, log_in

pytestmark = pytest.mark.browser


@dataclass
class OrderPage:
    page: Page

    @property
    def quantities(self) -> Locator:
        return self.page.locator("[data-testid^=quantity-]")

    @property
    def total(self) -> Locator:
        return self.page.get_by_test_id("order-total")

    def first_product(self) -> tuple[Locator, int]:
        """The first product's quantity field and the least quantity it may be ordered in."""
        field = self.quantities.first
        return field, int(field.get_attribute("data-smallest") or "1")

    def save(self) -> None:
        with self.page.expect_navigation():
            self.page.get_by_test_id("save-order").click()


def open_first_window(page: Page) -> OrderPage:
    page.goto("/orders")
    windows = page.get_by_test_id("open-windows")
    expect(windows).to_be_visible()  # the demo has a window open for AMAP des Lilas
    windows.get_by_test_id("window-link").first.click()
    expect(page).to_have_url(re.compile(r"/orders/\d+$"))
    expect(page.get_by_test_id("order-form")).to_be_visible()
    return OrderPage(page)


def test_a_member_orders_sees_the_total_follow_corrects_a_quantity_and_cancels(page: Page, screenshot_dir) -> None:
    log_in(page, "member@example.org")
    orders = open_first_window(page)
    if page.get_by_test_id("cancel-order").count():  # left by an earlier run against the same server
        page.get_by_test_id("cancel-order").locator("summary").click()
        with page.expect_navigation():
            page.get_by_test_id("cancel-order-confirm").click()
    field, smallest = orders.first_product()
    for other in orders.quantities.all():
        other.fill("")

    field.fill(str(smallest))
    expect(orders.total).not_to_have_text(re.compile(r"^0,00"))  # htmx posted the form and redrew the totals
    typed_total = orders.total.inner_text()
    page.screenshot(path=str(screenshot_dir / "order-form.png"), full_page=True)

    field.fill("-1")
    orders.save()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    field_id = field.get_attribute("id")
    expect(page.locator(f"#{field_id}-error")).to_be_visible()
    expect(page.locator(f"#{field_id}")).to_have_value("-1")

    page.locator(f"#{field_id}").fill(str(smallest))
    orders.save()
    expect(page.get_by_test_id("cancel-order")).to_be_visible()
    expect(page.locator("[data-testid^=order-status-]").first).to_have_attribute("data-status", "open")
    expect(orders.total).to_have_text(typed_total)
    window_url = page.url

    page.get_by_test_id("nav-me").click()
    expect(page.get_by_test_id("me-orders").locator("[data-testid^=me-order-]").first).to_be_visible()

    page.goto(window_url)
    page.get_by_test_id("cancel-order").locator("summary").click()
    with page.expect_navigation():
        page.get_by_test_id("cancel-order-confirm").click()
    expect(page.get_by_test_id("cancel-order")).to_have_count(0)
    page.goto("/orders")
    expect(page.locator("[data-status=cancelled]").first).to_be_visible()


def test_the_order_form_fits_a_phone(new_context) -> None:
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "member@example.org")
    open_first_window(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
