"""The keyboard alone, in Chromium against `amap serve --demo`: ticking a household on the sign-off
sheet, taking and leaving a shift, recording a payment. Only Tab, Enter and Space once the page is
open; after each htmx swap the focus stays somewhere sensible (never <body>), shows a visible ring,
and the page's live region (#announcer) says what changed."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import PHONE, log_in
from tests.browser.test_sheet import TICKS, open_current_sheet

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return {id: element.id, tag: element.tagName.toLowerCase(), testid: element.dataset.testid || "",
          text: (element.innerText || element.value || "").trim().slice(0, 60),
          outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
}"""
MOST_TABS = 400


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUSED)


def assert_focus_is_visible(page: Page) -> dict:
    """Something has the focus, and it is drawn: a solid ring at least 2px wide."""
    now = focused(page)
    assert now is not None, "the focus fell to <body>"
    assert now["outline"] not in ("none", "hidden") and now["outlineWidth"] >= 2, f"focus not visible: {now}"
    return now


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus (and fail rather than loop)."""
    for _press in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => !!document.activeElement && document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} is not reached with Tab")


def test_the_whole_tab_order_of_the_busy_pages_shows_the_focus_and_traps_nothing(new_context) -> None:
    page = new_context().new_page()
    log_in(page, "coordinator@example.org")
    page.goto("/committee/amap-des-lilas/contracts")
    payments = page.locator("a[href$='/payments']").first.get_attribute("href")
    for path in ("/roster", "/distributions/sheet?group=amap-des-lilas", payments, "/committee/amap-des-lilas/roster",
                 "/distributions", "/committee"):
        page.goto(path)
        seen: list[str] = []
        for _press in range(MOST_TABS):
            page.keyboard.press("Tab")
            now = focused(page)
            if now is None:
                break  # past the last control: the browser's own interface is next
            key = page.evaluate("""() => { const e = document.activeElement;
                if (!e.dataset.kbIndex) e.dataset.kbIndex = String(document.querySelectorAll("[data-kb-index]").length);
                return e.dataset.kbIndex; }""")
            if seen and key == seen[0]:
                break  # back at the start: the whole order went round
            # A date field takes four presses (day, month, year, its calendar button); more is a trap.
            assert seen[-4:] != [key] * 4, f"{path}: the focus is stuck on {now}"
            assert now["outline"] not in ("none", "hidden") and now["outlineWidth"] >= 2, f"{path}: focus not visible on {now}"
            seen.append(key)
        else:
            raise AssertionError(f"{path}: more than {MOST_TABS} stops, or a trap")
        assert len(set(seen)) > 5, f"{path}: only {len(set(seen))} controls reached"


def test_a_coordinator_ticks_a_household_and_undoes_it_with_the_keyboard_alone(new_context) -> None:
    page = new_context(PHONE).new_page()
    log_in(page, "coordinator@example.org")
    open_current_sheet(page)
    line = page.locator("[data-testid=sheet-line][data-state=open]").filter(has=page.get_by_test_id("tick")).first
    household = line.get_attribute("data-household")
    name = line.get_by_test_id("line-name").inner_text()
    line = page.locator(f"#line-{household}")

    tab_to(page, f"#tick-{household}")
    assert_focus_is_visible(page)
    with page.expect_response(lambda r: r.request.method == "POST" and TICKS.search(r.url)):
        page.keyboard.press("Space")
    expect(line).to_have_attribute("data-state", "collected")
    expect(page.get_by_test_id("announcer")).to_contain_text(name)
    # The new line's button has the same id: the focus is on it, ready to undo a slip of the finger.
    expect(page.locator(f"#tick-{household}")).to_be_focused()
    assert_focus_is_visible(page)
    said = page.get_by_test_id("announcer").inner_text()

    with page.expect_response(lambda r: r.request.method == "POST" and TICKS.search(r.url)):
        page.keyboard.press("Enter")
    expect(line).to_have_attribute("data-state", "open")
    expect(page.get_by_test_id("announcer")).not_to_have_text(said)
    expect(page.get_by_test_id("announcer")).to_contain_text(name)
    expect(page.locator(f"#tick-{household}")).to_be_focused()


def test_a_member_takes_and_leaves_a_shift_with_the_keyboard_alone(page: Page) -> None:
    log_in(page, "member@example.org")
    page.goto("/roster")
    take = page.locator("[data-testid^=take-]").last  # the furthest shift: well before its leaving deadline
    slot_id = take.get_attribute("data-testid").removeprefix("take-")
    row = page.get_by_test_id(f"slot-{slot_id}")
    announcer = page.get_by_test_id("announcer")

    tab_to(page, f"#slot-{slot_id}-action")
    assert_focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(row.get_by_test_id(f"leave-{slot_id}")).to_be_visible()
    taken = row.get_by_test_id(f"slot-message-{slot_id}").inner_text()
    expect(announcer).to_have_text(taken)
    # The row is new, its action button keeps its id: the focus is on "Leave", not lost.
    expect(row.get_by_test_id(f"leave-{slot_id}")).to_be_focused()
    assert_focus_is_visible(page)

    page.keyboard.press("Space")
    expect(row.get_by_test_id(f"take-{slot_id}")).to_be_visible()
    expect(announcer).not_to_have_text(taken)
    expect(announcer).to_have_text(row.get_by_test_id(f"slot-message-{slot_id}").inner_text())
    expect(row.get_by_test_id(f"take-{slot_id}")).to_be_focused()
    assert_focus_is_visible(page)


def test_a_coordinator_records_a_payment_with_the_keyboard_alone(page: Page) -> None:
    log_in(page, "coordinator@example.org")
    page.goto("/committee/amap-des-lilas/contracts")
    page.goto(page.locator("a[href$='/payments']").first.get_attribute("href"))
    row = page.get_by_test_id("subscription-row").first
    household = row.locator("td").first.inner_text().split(" + ")[0].strip()

    # The row's "Record" link (a link drawn as a button) opens the form for that household with Space.
    tab_to(page, f"#{row.get_attribute('id')} a[role=button]")
    assert_focus_is_visible(page)
    with page.expect_response(lambda r: "subscription=" in r.url):
        page.keyboard.press("Space")
    expect(page.locator("#amount")).to_be_focused()  # the household is chosen: the amount is next
    expect(page.locator("#subscription option:checked")).to_contain_text(household)

    page.keyboard.type("45")
    tab_to(page, "#cheque_number")
    page.keyboard.type(str(time.time_ns())[-9:])  # a cheque number not recorded yet
    tab_to(page, "#bank")
    page.keyboard.type("Banque du Lilas")
    tab_to(page, "[data-testid=record-payment]")
    assert_focus_is_visible(page)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/payments")):
        page.keyboard.press("Enter")

    announcer = page.get_by_test_id("announcer")
    expect(announcer).to_contain_text(re.compile(r"45,00\s€"))
    expect(announcer).to_contain_text(household)
    expect(page.get_by_test_id("payment-status")).to_contain_text(household)
    # Ready for the next cheque of the pile: the focus is on the form's first field.
    expect(page.locator("#subscription")).to_be_focused()
    assert_focus_is_visible(page)


def test_a_refused_payment_keeps_what_was_typed_and_puts_the_focus_on_the_field_to_correct(page: Page) -> None:
    log_in(page, "coordinator@example.org")
    page.goto("/committee/amap-des-lilas/contracts")
    page.goto(page.locator("a[href$='/payments']").first.get_attribute("href"))
    tab_to(page, "#amount")  # no household chosen: refused
    page.keyboard.type("12,50")
    tab_to(page, "#bank")
    page.keyboard.type("Banque du Lilas")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.locator("#subscription")).to_be_focused()
    assert_focus_is_visible(page)
    expect(page.locator("#amount")).to_have_value("12,50")
    expect(page.locator("#bank")).to_have_value("Banque du Lilas")
