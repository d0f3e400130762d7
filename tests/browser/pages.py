"""Small page objects for the browser tests. They find things by data-testid, ids and data, never
by UI wording: the French and English catalogs change while the tests stay the same."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

DEMO_PASSWORD = "amap-demo"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}  # the phone of docs/design.md, "Phone first, 360px wide"
NAV_TESTIDS = (
    "nav-me",
    "nav-contracts",
    "nav-distributions",
    "nav-roster",
    "nav-orders",
    "nav-committee",
    "nav-farm",
    "nav-network",
    "nav-admin",
    "nav-profile",
    "nav-logout",
    "nav-login",
)


@dataclass
class LoginPage:
    page: Page

    def open(self) -> LoginPage:
        self.page.goto("/login")
        return self

    @property
    def email(self) -> Locator:
        return self.page.locator("#email")

    @property
    def password(self) -> Locator:
        return self.page.locator("#password")

    @property
    def error_summary(self) -> Locator:
        return self.page.get_by_test_id("error-summary")

    def submit(self, email: str, password: str) -> None:
        self.email.fill(email)
        self.password.fill(password)
        with self.page.expect_navigation():
            self.page.get_by_test_id("login-submit").click()


@dataclass
class Nav:
    page: Page

    @property
    def root(self) -> Locator:
        return self.page.get_by_test_id("main-nav")

    def link(self, testid: str) -> Locator:
        return self.root.get_by_test_id(testid)

    def log_out(self) -> None:
        with self.page.expect_navigation():
            self.link("nav-logout").click()


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> Page:
    """Log in through the form and wait for the home page `/me`."""
    LoginPage(page).open().submit(email, password)
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_test_id("me-greeting")).to_be_visible()
    return page


@dataclass
class CommitteePage:
    page: Page

    def open(self) -> CommitteePage:
        self.page.goto("/committee")
        expect(self.table).to_be_visible()
        return self

    @property
    def table(self) -> Locator:
        return self.page.get_by_test_id("member-table")

    @property
    def pending_rows(self) -> Locator:
        return self.table.locator("tbody tr[id^='member-']").filter(has=self.page.locator(".badge-pending"))

    def row(self, row_id: str) -> Locator:
        return self.page.locator(f"tr#{row_id}")

    def accept_button(self, row: Locator) -> Locator:
        form = row.locator("form").filter(has=self.page.locator("input[type=hidden][name=status][value=active]"))
        return form.locator("button").first
