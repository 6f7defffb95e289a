"""Debian's chromium driven by Playwright against a live API server on loopback.

A missing chromium skips the browser tests locally and fails them with CI=true, as a
missing PostgreSQL does (tests/conftest.py). Playwright's own browser download is never
used: it cannot work here, and the system browser is what operators have.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, sync_playwright

from tests.conftest import IN_CI
from tests.web.world import ConsolePage, ConsoleWorld, NewPage, open_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless chromium for the session; each page gets a fresh context."""
    if shutil.which(CHROMIUM) is None:
        message = f"chromium is not installed at {CHROMIUM} (make test installs it with apt)"
        if IN_CI:
            pytest.fail(message + " (CI=true: a missing browser fails the run)")
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ConsoleWorld]:
    with open_world(tmp_path / "console.sqlite") as made:
        yield made


@pytest.fixture
def new_page(browser: Browser, world: ConsoleWorld) -> Iterator[NewPage]:
    """Opens console pages, each in its own context; all closed before the server stops."""
    ARTIFACTS.mkdir(exist_ok=True)
    opened: list[ConsolePage] = []

    def make(name: str, viewport: ViewportSize = DESKTOP, poll_ms: int = 400) -> ConsolePage:
        context = browser.new_context(viewport=viewport)
        made = ConsolePage(name, context.new_page(), world.base_url, ARTIFACTS, poll_ms=poll_ms)
        opened.append(made)
        return made

    yield make
    for page in opened:
        page.close()
