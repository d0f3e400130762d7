"""Every page of the URL map, for each demo role, on a 360px phone and a 1280px desktop: it answers
200, never scrolls sideways, logs no console error, and axe-core (WCAG 2.1 A and AA) finds nothing
serious or critical on it. A full-page screenshot of each is kept in the session's screenshot folder.

The pages are found the way a person finds them: each role starts from its own pages and follows
the links it is shown, within the part of the site that is its own, one page per URL pattern
(`/subscriptions/{id}` is opened once, for the first subscription linked)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page

from tests.browser.pages import DESKTOP, PHONE, LoginPage, log_in

pytestmark = pytest.mark.browser

AXE_SOURCE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
"""axe-core, as vendored by the axe-playwright-python package (no download at test time)."""
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
VIEWPORTS = (("phone", PHONE), ("desktop", DESKTOP))
MAX_PAGES = 60
"""Per role: a crawl that finds more patterns than this has found a loop, not pages."""
NOT_PAGES = re.compile(r"\.(ics|csv|xlsx|json|pdf|svg|png)$|^/(static|api|schema|logout|healthz)(/|$)|/outbox/\d+/html$")
"""Downloads, feeds, and a sent mail's own HTML (the message as it left, in a sandbox, not a page of the site)."""
GENERIC = [  # (pattern, replacement): pages that are one template for many values
    (re.compile(r"/\d{4}-\d{2}-\d{2}(?=/|$)"), "/{date}"),
    (re.compile(r"/\d+(?=/|$)"), "/{id}"),
    (re.compile(r"^/(groups|producers|networks)/[^/]+"), r"/\1/{slug}"),
    (re.compile(r"/wording/[a-z_]+$"), "/wording/{kind}"),
    (re.compile(r"^/committee/[^/]+/"), "/committee/{group}/"),
]


@dataclass(frozen=True)
class Role:
    email: str | None
    seeds: tuple[str, ...]
    scope: re.Pattern[str]
    """The paths that are this role's own pages; links elsewhere are left to the role that owns them."""
    must_reach: tuple[str, ...] = ()
    """URL patterns the crawl must find, so that a link that goes away cannot shrink the audit unseen."""


ROLES = {
    "anonymous": Role(None, ("/", "/login", "/password/reset"),
                      re.compile(r"^/($|login$|password/reset$|groups/[^/]+(/join)?$|producers/|networks/)"),
                      ("/groups/{slug}", "/producers/{slug}", "/networks/{slug}")),
    "member": Role("member@example.org", ("/me", "/", "/contracts", "/distributions", "/roster", "/orders", "/profile"),
                   re.compile(r"^/(me|contracts|subscriptions|distributions|roster|orders|profile)(/|$)|^/groups/[^/]+$"),
                   ("/contracts/{id}", "/subscriptions/{id}", "/distributions/{id}", "/orders/{id}", "/groups/{slug}")),
    "coordinator": Role("coordinator@example.org", ("/committee", "/distributions/sheet", "/distributions", "/roster"),
                        re.compile(r"^/(committee|distributions|roster|subscriptions|offers|deliveries)(/|$)"
                                   r"|^/groups/[^/]+/committee$"),
                        ("/distributions/{id}/sheet", "/committee/{group}/roster", "/committee/{group}/settings",
                         "/subscriptions/{id}", "/offers/{id}/payments")),
    "farmer": Role("farmer@example.org", ("/farm", "/me", "/distributions"),
                   re.compile(r"^/(farm|offers|deliveries|subscriptions|distributions|me)(/|$)"),
                   ("/farm/catalog", "/offers/{id}/manage", "/deliveries/{id}/announcement", "/subscriptions/{id}")),
    "producer": Role("producer@example.org", ("/farm", "/me", "/distributions"),
                     re.compile(r"^/(farm|distributions|me)(/|$)"),
                     ("/farm/windows/{id}", "/farm/windows/{id}/picking", "/farm/catalog/{id}")),
    "network": Role("network@example.org", ("/network", "/me"), re.compile(r"^/(network|me)(/|$)"),
                    ("/network/demand", "/network/sheets/{date}")),
    "admin": Role("admin@example.org", ("/admin", "/me"), re.compile(r"^/(admin|me)(/|$)"),
                  ("/admin/outbox", "/admin/scheduler")),  # a message of its own only once a job has sent one
}


def url_pattern(path: str) -> str:
    for pattern, replacement in GENERIC:
        path = pattern.sub(replacement, path)
    return path


@dataclass
class Audit:
    role: str
    screenshots: Path
    problems: list[str] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    """URL pattern -> the concrete path opened for it."""

    def add(self, path: str, viewport: str, problem: str) -> None:
        self.problems.append(f"{path} [{viewport}] {problem}")


def links_in_scope(page: Page, role: Role) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map((a) => a.href)")
    origin = urlparse(page.url).netloc
    paths = []
    for href in hrefs:
        url = urlparse(href)
        if url.netloc == origin and role.scope.search(url.path) and not NOT_PAGES.search(url.path):
            paths.append(url.path)
    return paths


def axe_violations(page: Page) -> list[dict]:
    """Blocking violations on the page as it stands. evaluate runs outside the page's CSP (script-src 'self')."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in results["violations"] if v.get("impact") in BLOCKING]


def check(page: Page, audit: Audit, path: str, viewport: str, console: list[str]) -> None:
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "front"
    page.screenshot(path=str(audit.screenshots / f"{audit.role}-{name}-{viewport}.png"), full_page=True)
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
                .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""
        )
        audit.add(path, viewport, f"scrolls sideways: {scroll_width}px > {inner_width}px, widest: {', '.join(wide)}")
    if viewport == "phone":  # the markup is the same at both widths
        repeated = page.evaluate(
            """() => { const seen = {}; document.querySelectorAll('[id]').forEach((e) => { seen[e.id] = (seen[e.id] || 0) + 1; });
                       return Object.keys(seen).filter((id) => seen[id] > 1); }"""
        )
        if repeated:  # axe 4.12 no longer reports these; a label or an error link then finds the wrong field
            audit.add(path, viewport, f"ids used more than once: {', '.join(repeated)}")
    for message in console:
        audit.add(path, viewport, f"console error: {message}")
    console.clear()
    for violation in axe_violations(page):
        targets = "; ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                            for node in violation["nodes"][:8])
        more = f" (+{len(violation['nodes']) - 8} more)" if len(violation["nodes"]) > 8 else ""
        audit.add(path, viewport, f"axe {violation['impact']} {violation['id']}: {violation['help']} -> {targets}{more}")


def audit_role(context: BrowserContext, role_name: str, screenshots: Path) -> Audit:
    """Crawl the role's pages from its seeds and check each at both widths (one context, one login)."""
    role = ROLES[role_name]
    audit = Audit(role_name, screenshots)
    page = context.new_page()
    if role.email:
        page.set_viewport_size(DESKTOP)
        log_in(page, role.email)
    console: list[str] = []
    page.on("console", lambda message: _keep_error(message, console))
    page.on("pageerror", lambda error: console.append(f"uncaught {error}"))

    queue = list(role.seeds)
    while queue and len(audit.seen) < MAX_PAGES:
        path = queue.pop(0)
        if url_pattern(path) in audit.seen:
            continue
        page.set_viewport_size(PHONE)
        console.clear()
        try:
            response = page.goto(path, wait_until="load")
        except Error as error:
            audit.add(path, "phone", f"did not open: {error.message.splitlines()[0]}")
            audit.seen[url_pattern(path)] = path
            continue
        landed = urlparse(page.url).path
        audit.seen.setdefault(url_pattern(path), path)
        if landed != path:  # a redirect (/distributions/sheet -> today's sheet): the page is the one landed on
            if url_pattern(landed) in audit.seen or not role.scope.search(landed):
                continue
            audit.seen[url_pattern(landed)] = landed
        status = response.status if response else None
        if status != 200:
            audit.add(landed, "phone", f"answered {status}")
            continue
        for viewport, size in VIEWPORTS:
            if size != PHONE:
                page.set_viewport_size(size)
                page.wait_for_timeout(50)
            check(page, audit, landed, viewport, console)
        queue.extend(p for p in links_in_scope(page, role) if url_pattern(p) not in audit.seen)
    page.close()
    return audit


def _keep_error(message: ConsoleMessage, into: list[str]) -> None:
    if message.type == "error":
        into.append(message.text)


def audit_here(page: Page, audit: Audit, console: list[str]) -> None:
    """Check the page the browser is on, at both widths (for states a link cannot reach: a refused form)."""
    path = urlparse(page.url).path
    for viewport, size in VIEWPORTS:
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        check(page, audit, path, viewport, console)


@pytest.mark.parametrize("role_name", list(ROLES))
def test_every_page_of_the_role_is_accessible_and_fits_a_phone(role_name: str, new_context, screenshot_dir) -> None:
    context = new_context(DESKTOP)
    context.set_default_timeout(20_000)
    audit = audit_role(context, role_name, screenshot_dir)

    missed = [pattern for pattern in ROLES[role_name].must_reach if pattern not in audit.seen]
    assert not missed, f"the crawl did not reach {missed}; it opened {sorted(audit.seen)}"
    assert not audit.problems, (
        f"{len(audit.problems)} problem(s) on the {role_name}'s {len(audit.seen)} pages:\n" + "\n".join(audit.problems)
    )


def test_a_refused_form_and_the_error_pages_are_accessible_and_fit_a_phone(new_context, screenshot_dir) -> None:
    page = new_context(PHONE).new_page()
    audit = Audit("states", screenshot_dir)
    console: list[str] = []
    page.on("console", lambda message: _keep_error(message, console))
    page.on("pageerror", lambda error: console.append(f"uncaught {error}"))

    login = LoginPage(page).open()
    login.submit("member@example.org", "not-the-password")
    assert login.error_summary.is_visible()
    console.clear()  # the browser logs the 400 answer itself
    audit_here(page, audit, console)

    missing = page.goto("/no-such-page")
    assert missing is not None and missing.status == 404
    console.clear()  # the browser logs the 404 answer itself
    audit_here(page, audit, console)

    log_in(page, "member@example.org")
    refused = page.goto("/committee")
    assert refused is not None and refused.status == 403
    console.clear()
    audit_here(page, audit, console)

    assert not audit.problems, f"{len(audit.problems)} problem(s):\n" + "\n".join(audit.problems)
