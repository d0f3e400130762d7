"""Take screenshots of the demo with the browser-test machinery (not a test module).

    .venv/bin/python -m tests.browser.screenshots            # README pictures into docs/screenshots/
    .venv/bin/python -m tests.browser.screenshots --all DIR  # every main page, desktop and phone, into DIR

Starts its own `amap serve --demo` on a throw-away data folder, like the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from tests.browser.conftest import launch_chromium, start_live_server, stop_live_server
from tests.browser.pages import DESKTOP, PHONE, log_in

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SURVEY = [  # (login or None, path)
    (None, "/"),
    (None, "/login"),
    ("member@example.org", "/me"),
    ("coordinator@example.org", "/committee"),
    ("farmer@example.org", "/farm"),
    ("network@example.org", "/network"),
    ("admin@example.org", "/admin"),
]


def shoot(
    browser: Browser, url: str, email: str | None, path: str, viewport: dict[str, int], target: Path, full_page: bool
) -> None:
    context = browser.new_context(base_url=url, locale="fr-FR", viewport=viewport)
    try:
        page = context.new_page()
        if email:
            log_in(page, email)
        page.goto(path)
        page.wait_for_load_state("load")
        page.screenshot(path=str(target), full_page=full_page)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        note = "" if width[0] <= width[1] else f"  (scrolls sideways: {width[0]}px > {width[1]}px)"
        print(f"{target}{note}")
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", metavar="DIR", type=Path, help="shoot every main page at both widths into DIR")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="amap-screens-"))
    url, process, _log = start_live_server(data_dir)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            if args.all:
                args.all.mkdir(parents=True, exist_ok=True)
                for email, path in SURVEY:
                    name = path.strip("/") or "front"
                    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                        shoot(browser, url, email, path, viewport, args.all / f"{name}-{label}.png", full_page=True)
            else:
                DOCS.mkdir(parents=True, exist_ok=True)
                shoot(browser, url, "member@example.org", "/me", DESKTOP, DOCS / "member-home.png", full_page=False)
                shoot(browser, url, "member@example.org", "/me", PHONE, DOCS / "member-home-phone.png", full_page=False)
            browser.close()
    finally:
        stop_live_server(process)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
