"""End-to-end journeys: Playwright drives Debian's headless Chromium against pytest-django's live server.

Playwright never downloads a browser here (no `playwright install`): it launches the
system's Chromium through ``executable_path``.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machines have no network beyond the loopback: keep Chromium from calling home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 15_000


def chromium_path() -> str | None:
    """The Chromium to drive: $CHROMIUM_PATH, else Debian's package."""
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for the e2e tests, closed after the last of them.

    Playwright's sync API keeps an asyncio event loop running in the test thread while
    the browser is open, so Django's async-safety check would refuse the ORM calls that
    tests and fixtures make there (SynchronousOnlyOperation). Nothing here runs Django
    code concurrently, so DJANGO_ALLOW_ASYNC_UNSAFE switches the check off, but only
    while the browser is open: set for the whole run it would weaken the other tests and
    leak into the subprocesses they start (`check --deploy` rejects it, async.E001).
    """
    executable = chromium_path()
    if executable is None:
        pytest.fail(
            "Chromium not found for the end-to-end tests: install the Debian package chromium "
            "(apt-get install chromium), or run .ci/run which installs it, or point CHROMIUM_PATH at a "
            "Chromium binary.",
            pytrace=False,
        )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """Save the whole page to var/screenshots/<name>.png (var/ is not committed) and return the path."""

    directory = Path(settings.VAR_DIR) / "screenshots"

    def save(name: str) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
