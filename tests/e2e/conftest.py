"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

pytest-playwright is not used: one session-scoped browser is enough, and the browser cannot be
downloaded here (``playwright install``), so it is launched from ``/usr/bin/chromium``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe (the live server and the test's own
# queries are ordinary synchronous code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright
from pytest_django.live_server_helper import LiveServer

from ascn.accounts.models import User
from tests.network_seed import load_seed
from tests.roles import sign_in

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
# Git-ignored: the screenshots of each run, for a person to look at when a journey fails.
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "screenshots" / "e2e"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make browser)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _is_favicon(address: str) -> bool:
    # Chromium asks every site for /favicon.ico; the site has none yet, and that is no error
    # of the page under test.
    return address.endswith("/favicon.ico")


def _open_page(browser: Browser, **context_options) -> Iterator[Page]:
    """A page in a fresh context that fails the test on any script error or failed request."""
    context = browser.new_context(**{"viewport": VIEWPORT, **context_options})
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not _is_favicon(message.location["url"]):
            problems.append(f"console error: {message.text} ({message.location['url']})")

    def on_response(response: Response) -> None:
        if response.status >= 400 and not _is_favicon(response.url):
            problems.append(f"{response.status} {response.request.method} {response.url}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page with JavaScript, 1280×900."""
    yield from _open_page(browser)


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    """A page whose context has JavaScript disabled: what htmx adds must not be needed."""
    yield from _open_page(browser, java_script_enabled=False)


@pytest.fixture
def live_network(live_server, transactional_db) -> dict[str, int]:
    """The real network seed in the database the live server reads.

    ``tests/conftest.py``'s ``network`` fixture keeps the seed in a transaction the live
    server's own connection cannot see, so the browser tests commit it (``tests.network_seed``);
    ``transactional_db`` empties the tables again after each test.
    """
    return load_seed()


@pytest.fixture
def url(live_server) -> Callable[[str], str]:
    """``url("/cities/")``: the absolute address of a path on the live server."""
    return lambda path: live_server.url + path


def assert_fits_the_width(page: Page) -> None:
    """The page does not scroll sideways: at the test's 1280 px nothing is cut off at the right
    (a wide table or board scrolls inside its own box, never the whole page)."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px"


@pytest.fixture
def screenshot(request) -> Callable[[Page, str], Path]:
    """``screenshot(page, "home")``: a numbered full-page screenshot of this test's step, of a
    page that fits the width (``assert_fits_the_width``): a screenshot always checks something
    a person relies on, besides what the test asserts before it."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"\W+", "-", request.node.name).strip("-")
    steps = iter(range(1, 100))

    def take(page: Page, step: str) -> Path:
        assert_fits_the_width(page)
        path = SCREENSHOT_DIR / f"{test_name}-{next(steps):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@contextlib.contextmanager
def served(site: Any, emails: Iterable[str]) -> Iterator[Any]:
    """``site`` with a session of each of ``emails`` (two-factor passed where the account has
    a device) and the URL of a live server of its own over the committed database, stopped
    afterwards: the demo-data pages of a test module."""
    for email in emails:
        user = User.objects.get(email=email)
        client = sign_in(Client(), user, TOTPDevice.objects.filter(user=user).first())
        site.sessions[email] = client.cookies["sessionid"].value
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    site.url = server.url
    try:
        yield site
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
