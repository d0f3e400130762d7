"""The sign-off sheet live on a phone (htmx ticks, undo, the offline queue) and a member declaring
an absence, through a real Chromium against `amap serve --demo`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.pages import PHONE, log_in

pytestmark = pytest.mark.browser

TICKS = re.compile(r"/distributions/\d+/sheet/ticks$")


def open_current_sheet(page: Page) -> None:
    """The coordinator's link to today's sheet, or the last one (the demo season is under way)."""
    page.goto("/distributions/sheet?group=amap-des-lilas")
    expect(page).to_have_url(re.compile(r"/distributions/\d+/sheet$"))
    expect(page.get_by_test_id("sheet-lines")).to_be_visible()


def open_line(page: Page) -> Locator:
    """A line with a tick box that nobody ticked yet, by its id (the locator must survive swaps)."""
    first = page.locator("[data-testid=sheet-line][data-state=open]").filter(has=page.get_by_test_id("tick")).first
    expect(first).to_be_visible()
    return page.locator(f"#{first.get_attribute('id')}")


def wait_for_offline_copy(page: Page) -> None:
    """Until the service worker runs and holds a copy of this page (evaluate awaits the promise;
    wait_for_function would take the promise itself for a true value)."""
    for _attempt in range(100):
        if page.evaluate("""() => navigator.serviceWorker.ready.then(() => caches.open("amap-sheet-v1"))
                            .then((cache) => cache.match(location.pathname)).then((found) => !!found)"""):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the sheet was not kept for offline use")


def collected_count(page: Page) -> int:
    return int(page.get_by_test_id("count-collected").inner_text())


def test_a_coordinator_ticks_and_undoes_a_line_on_a_phone_without_reload(new_context) -> None:
    page = new_context(PHONE).new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, "coordinator@example.org")
    open_current_sheet(page)
    line = open_line(page)
    before = collected_count(page)
    button = line.get_by_test_id("tick")
    box = button.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, f"tap target too small: {box}"
    page.evaluate("window.__amapNoReload = 'still here'")

    with page.expect_response(lambda r: r.request.method == "POST" and TICKS.search(r.url)) as posted:
        button.click()
    assert posted.value.status == 200 and posted.value.request.headers.get("hx-request") == "true"
    assert re.search(r"client_event_id=[0-9a-f-]{36}", posted.value.request.post_data or ""), "the phone names its tick"
    expect(line).to_have_attribute("data-state", "collected")
    expect(page.get_by_test_id("count-collected")).to_have_text(str(before + 1))

    with page.expect_response(lambda r: r.request.method == "POST" and TICKS.search(r.url)):
        line.get_by_test_id("tick").click()
    expect(line).to_have_attribute("data-state", "open")
    expect(page.get_by_test_id("count-collected")).to_have_text(str(before))
    assert page.evaluate("window.__amapNoReload") == "still here", "the page reloaded instead of swapping the line"
    assert not [m for m in console if "Content Security Policy" in m], console


def test_the_search_box_filters_names_as_the_volunteer_types(new_context) -> None:
    page = new_context(PHONE).new_page()
    log_in(page, "coordinator@example.org")
    open_current_sheet(page)
    lines = page.get_by_test_id("sheet-line")
    total = lines.count()
    name = lines.first.get_by_test_id("line-name").inner_text()
    page.locator("#q").fill(name)
    expect(page.locator("[data-testid=sheet-line]:visible")).not_to_have_count(total)
    expect(lines.first).to_be_visible()
    page.locator("#q").fill("")
    expect(page.locator("[data-testid=sheet-line]:visible")).to_have_count(total)


def test_a_tick_made_offline_is_kept_and_sent_once_when_the_network_returns(new_context) -> None:
    context: BrowserContext = new_context(PHONE)
    page = context.new_page()
    log_in(page, "coordinator@example.org")
    open_current_sheet(page)
    sheet_url = page.url
    # The service worker and the offline copy of the page are ready.
    wait_for_offline_copy(page)
    line = open_line(page)
    before = collected_count(page)
    answered: list[int] = []
    console: list[str] = []
    page.on("response", lambda r: answered.append(r.status) if TICKS.search(r.url) else None)
    page.on("console", lambda message: console.append(message.text))

    context.set_offline(True)
    line.get_by_test_id("tick").click()
    expect(line).to_have_class(re.compile(r"\bpending\b"))
    expect(line).to_have_attribute("data-state", "collected")
    # The script makes the badges the line did not carry, in the words the server gave the sheet.
    expect(line.locator("[data-collected-badge]")).to_have_text("récupéré")
    expect(line.locator("[data-pending-badge]")).to_have_text("en attente du réseau")
    expect(line.get_by_test_id("tick")).to_have_text("Annuler")
    # What a screen reader says and what a printed sheet shows follow, as on a line the server wrote.
    name = line.get_by_test_id("line-name").inner_text()
    expect(line.get_by_test_id("tick")).to_have_attribute("aria-label", f"Décocher {name}")
    expect(line.locator(".print-box")).to_have_text("✓")
    expect(page.get_by_test_id("count-collected")).to_have_text(str(before + 1))
    expect(page.get_by_test_id("sheet-offline")).to_be_visible()
    event_id = line.get_by_test_id("tick").get_attribute("data-event-id")
    assert event_id

    page.reload()  # still offline: the service worker answers with its copy, the queue marks the line
    expect(line).to_have_class(re.compile(r"\bpending\b"))
    expect(line.locator("[data-pending-badge]")).to_be_visible()
    assert answered == [], "nothing reached the server while offline"

    with page.expect_response(lambda r: TICKS.search(r.url), timeout=30_000) as sent:
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")  # in case the emulation does not say so
    assert sent.value.status == 200
    expect(line).not_to_have_class(re.compile(r"\bpending\b"))
    expect(line).to_have_attribute("data-state", "collected")
    expect(line.locator("[data-pending-badge]")).to_have_count(0)
    expect(line.locator("[data-collected-badge]")).to_be_visible()

    assert answered == [200]
    expect(page.get_by_test_id("count-collected")).to_have_text(str(before + 1))

    # The line swapped in by the replay works with htmx: undo it.
    with page.expect_response(lambda r: TICKS.search(r.url)) as undone:
        line.get_by_test_id("tick").click()
    assert undone.value.request.headers.get("hx-request") == "true"
    expect(line).to_have_attribute("data-state", "open")

    # The offline tick sent once more (a phone retrying) is recorded once: it does not tick the line again.
    status = page.evaluate("""async ([url, household, id]) => {
        const token = JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"];
        const body = new URLSearchParams({collected: household, client_event_id: id});
        const response = await fetch(url, {method: "POST", body: body, headers: {"x-csrftoken": token}});
        return response.status; }""", [f"{sheet_url}/ticks", line.get_attribute("data-household"), event_id])
    assert status == 200
    page.goto(sheet_url)
    expect(line).to_have_attribute("data-state", "open")
    expect(page.get_by_test_id("count-collected")).to_have_text(str(before))
    assert not [m for m in console if "Content Security Policy" in m], console


def test_without_javascript_a_line_is_ticked_and_undone_by_posting_the_sheets_form(browser: Browser,
                                                                                 live_server: str) -> None:
    context = browser.new_context(base_url=live_server, locale="fr-FR", viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, "coordinator@example.org")
        open_current_sheet(page)
        line = open_line(page)
        household = line.get_attribute("data-household")
        before = collected_count(page)
        with page.expect_navigation():
            line.get_by_test_id("tick").click()
        expect(page).to_have_url(re.compile(rf"/distributions/\d+/sheet#line-{household}$"))
        expect(line).to_have_attribute("data-state", "collected")
        expect(page.get_by_test_id("count-collected")).to_have_text(str(before + 1))
        with page.expect_navigation():
            line.get_by_test_id("tick").click()
        expect(line).to_have_attribute("data-state", "open")
        expect(page.get_by_test_id("count-collected")).to_have_text(str(before))
    finally:
        context.close()


def test_a_member_declares_an_absence_for_a_coming_distribution(page: Page) -> None:
    log_in(page, "member@example.org")
    page.goto("/distributions/absences")
    expect(page.get_by_test_id("absence-form")).to_be_visible()
    options = page.locator("#distribution option:not([value=''])")
    declared = {row.get_attribute("data-distribution") for row in page.get_by_test_id("absence-row").all()
                if row.get_by_test_id("withdraw-absence").count()}
    chosen = next(value for value in (o.get_attribute("value") for o in options.all()) if value not in declared)
    page.locator("#distribution").select_option(chosen)
    page.get_by_test_id("choice-collector").check()
    page.locator("#collector_name").fill("Jeanne Dupont")
    with page.expect_navigation():
        page.get_by_test_id("absence-submit").click()

    expect(page.get_by_test_id("flash")).to_be_visible()
    row = page.locator(f"[data-testid=absence-row][data-distribution='{chosen}']")
    expect(row.get_by_test_id("my-absence")).to_contain_text("Jeanne Dupont")
    expect(row.get_by_test_id("withdraw-absence")).to_be_visible()


def test_a_member_who_chooses_no_distribution_is_told_beside_the_field(page: Page) -> None:
    log_in(page, "member@example.org")
    page.goto("/distributions/absences")
    page.get_by_test_id("choice-donated").check()
    with page.expect_navigation():
        page.get_by_test_id("absence-submit").click()  # no distribution chosen
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.locator("#distribution-error")).to_be_visible()
    expect(page.locator("#distribution")).to_have_attribute("aria-invalid", "true")
