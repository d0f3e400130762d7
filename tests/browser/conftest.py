"""Browser test fixtures: a live `amap serve --demo` on its own data folder and headless Debian Chromium.

Run these tests in their own pytest invocation (`pytest -m browser tests/browser`): the sync
Playwright API cannot share a process with the pytest-asyncio session loop of the other tests.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser.pages import DESKTOP

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(data_dir: Path) -> dict[str, str]:
    """The child's environment: ours without the test session's AMAP_* settings, on its own database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AMAP_")}
    env.pop("DATABASE_URL", None)
    env["AMAP_DATA_DIR"] = str(data_dir)
    env["DATABASE_URL"] = f"sqlite:///{data_dir}/amap.sqlite"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _amap_command() -> list[str]:
    script = Path(sys.executable).with_name("amap")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from amap.cli import main; main()"]


def _wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"amap serve exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200 and json.load(response).get("status") == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"amap serve did not answer /healthz within {STARTUP_TIMEOUT:.0f}s:\n{log_path.read_text()}")


def start_live_server(data_dir: Path) -> tuple[str, subprocess.Popen, Path]:
    """Start `amap serve --demo` on a free port; returns (base URL, process, log file)."""
    port = _free_port()
    log_path = data_dir / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [*_amap_command(), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)],
        env=_server_env(data_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    log.close()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log_path)
    except BaseException:
        stop_live_server(process)
        raise
    return url, process, log_path


def stop_live_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """Base URL of a live amap with the demo AMAP loaded, on a throw-away SQLite database."""
    data_dir = Path(tempfile.mkdtemp(prefix="amap-browser-"))
    url, process, _log = start_live_server(data_dir)
    try:
        yield url
    finally:
        stop_live_server(process)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (never `playwright install`)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where tests save screenshots: pytest's own temp folder (the last three runs are kept)."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def new_context(browser: Browser, live_server: str) -> Iterator:
    """Factory for fresh French browser contexts (own cookies), closed after the test."""
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int] = DESKTOP) -> BrowserContext:
        context = browser.new_context(base_url=live_server, locale="fr-FR", viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    """A desktop-sized page in a fresh, logged-out context."""
    return new_context().new_page()
