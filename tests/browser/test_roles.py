"""Each demo role, driven through a real Chromium against `amap serve --demo`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import NAV_TESTIDS, PHONE, CommitteePage, LoginPage, Nav, log_in

pytestmark = pytest.mark.browser

EVERYONE_LOGGED_IN = {"nav-me", "nav-profile", "nav-logout"}


def test_demo_member_logs_in_and_sees_their_home(page: Page) -> None:
    log_in(page, "member@example.org")

    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_test_id("me-greeting")).to_contain_text("Camille")
    next_distribution = page.get_by_test_id("next-distribution")
    expect(next_distribution).to_be_visible()
    expect(next_distribution).to_contain_text("18:30")
    expect(next_distribution).to_contain_text("Cour de l'école Jean-Jaurès")
    expect(page.get_by_test_id("my-groups")).to_contain_text("AMAP des Lilas")


@pytest.mark.parametrize(
    ("email", "extra_links", "own_page", "own_testid"),
    [
        pytest.param("member@example.org", {"nav-contracts", "nav-distributions", "nav-roster", "nav-orders"}, "/me", "next-distribution", id="member"),
        pytest.param("coordinator@example.org", {"nav-contracts", "nav-distributions", "nav-roster", "nav-orders", "nav-committee"}, "/committee", "member-table",
                     id="coordinator"),
        pytest.param("farmer@example.org", {"nav-distributions", "nav-farm"}, "/farm", "farm-name", id="farmer"),
        pytest.param("network@example.org", {"nav-network"}, "/network", "network-name", id="network"),
        pytest.param(
            "admin@example.org",
            {"nav-committee", "nav-farm", "nav-network", "nav-admin"},
            "/admin",
            "nav-admin",
            id="admin",
        ),
    ],
)
def test_each_role_sees_its_own_links_and_opens_its_own_page(
    page: Page, email: str, extra_links: set[str], own_page: str, own_testid: str
) -> None:
    log_in(page, email)
    nav = Nav(page)

    visible = EVERYONE_LOGGED_IN | extra_links
    for testid in NAV_TESTIDS:
        if testid in visible:
            expect(nav.link(testid), f"{email} should see {testid}").to_be_visible()
        else:
            expect(nav.link(testid), f"{email} should not see {testid}").to_have_count(0)

    response = page.goto(own_page)
    assert response is not None and response.status == 200, f"{own_page} answered {response and response.status}"
    expect(page.get_by_test_id(own_testid)).to_be_visible()
    if own_page == "/farm":
        expect(page.get_by_test_id("farm-name")).to_contain_text("Ferme du Bout du Champ")
    if own_page == "/network":
        expect(page.get_by_test_id("network-name")).to_contain_text("Réseau Île-de-France")
    if own_page == "/admin":
        expect(nav.link("nav-admin")).to_have_attribute("aria-current", "page")


def test_coordinator_accepts_a_waiting_household_without_reload(page: Page) -> None:
    log_in(page, "coordinator@example.org")
    committee = CommitteePage(page).open()

    waiting = committee.pending_rows.first
    expect(waiting).to_be_visible()
    row_id = waiting.get_attribute("id")
    assert row_id and re.fullmatch(r"member-\d+", row_id), row_id
    household = waiting.locator("td").first.inner_text()

    counts = page.get_by_test_id("member-counts")
    counts_before = counts.inner_text()
    page.evaluate("window.__amapNoReload = 'still here'")
    with page.expect_response(lambda r: r.request.method == "POST" and "/members/" in r.url) as posted:
        committee.accept_button(waiting).click()
    assert posted.value.status == 200
    assert posted.value.request.headers.get("hx-request") == "true"

    row = committee.row(row_id)
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bbadge-active\b"))
    expect(row.locator(".badge-pending")).to_have_count(0)
    expect(committee.accept_button(row)).to_have_count(0)
    expect(row.locator("td").first).to_have_text(household)
    expect(page.locator(f"tr#{row_id}")).to_have_count(1)
    expect(counts).not_to_have_text(counts_before)  # refreshed by the HX-Trigger event
    numbers = [int(n) for n in re.findall(r"\d+", counts.inner_text())]
    assert numbers == [int(n) + d for n, d in zip(re.findall(r"\d+", counts_before), (1, -1), strict=True)]
    assert page.evaluate("window.__amapNoReload") == "still here", "the page reloaded instead of swapping the row"
    expect(page).to_have_url(re.compile(r"/committee"))


def test_wrong_password_shows_the_error_next_to_the_field(page: Page) -> None:
    login = LoginPage(page).open()
    login.submit("member@example.org", "not-the-password")

    expect(login.error_summary).to_be_visible()
    expect(login.email).to_have_value("member@example.org")
    expect(login.password).to_have_value("")
    expect(Nav(page).link("nav-login")).to_be_visible()
    expect(Nav(page).link("nav-logout")).to_have_count(0)
    # The summary links to a field of the form, whose message sits beside it.
    target = login.error_summary.locator("a").first.get_attribute("href")
    assert target in {"#email", "#password"}, target
    field = target.removeprefix("#")
    message = page.locator(f"#{field}-error")
    expect(message).to_be_visible()
    expect(page.locator(f"#{field}")).to_have_attribute("aria-describedby", re.compile(rf"\b{field}-error\b"))
    # The message sits right under its field, not somewhere else on the page.
    field_box, message_box = page.locator(f"#{field}").bounding_box(), message.bounding_box()
    assert field_box and message_box
    assert 0 <= message_box["y"] - (field_box["y"] + field_box["height"]) < 40


def test_a_required_field_in_error_is_marked_invalid(page: Page) -> None:
    LoginPage(page).open().submit("member@example.org", "not-the-password")

    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true", timeout=2_000)
    expect(page.locator("#email")).to_have_attribute("required", "", timeout=2_000)


@pytest.mark.parametrize(
    ("email", "path"),
    [
        pytest.param(None, "/login", id="login"),
        pytest.param(None, "/", id="front"),
        pytest.param("member@example.org", "/me", id="member-home"),
        pytest.param("coordinator@example.org", "/committee", id="committee"),
    ],
)
def test_pages_fit_a_phone_screen(new_context, screenshot_dir, email: str | None, path: str) -> None:
    page = new_context(viewport=PHONE).new_page()
    if email:
        log_in(page, email)
    response = page.goto(path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("load")

    name = path.strip("/").replace("/", "-") or "front"
    page.screenshot(path=str(screenshot_dir / f"phone-{name}.png"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{path} scrolls sideways on a 360px phone: {widths[0]}px wide"


def test_logging_out_returns_to_the_login_page(page: Page) -> None:
    log_in(page, "member@example.org")

    Nav(page).log_out()

    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    expect(Nav(page).link("nav-login")).to_be_visible()
    expect(Nav(page).link("nav-logout")).to_have_count(0)
    # The session is really gone: the home page sends us back to the login form.
    page.goto("/me")
    expect(page).to_have_url(re.compile(r"/login"))
