"""Browser test infrastructure: Debian's Chromium under Playwright, against pytest-django's live server."""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from . import Screenshot

# Kept as CI artefacts; var/ is ignored by git.
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an event loop running in the test thread, and Django refuses ORM
    # calls from a thread with a running loop; the tests' own ORM calls (making personas) are safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright cannot download its own browsers here, so it drives Debian's Chromium.
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "headless": True,
        "args": [
            "--no-sandbox",  # we run as root in CI, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    # Lets journeys say page.goto("/accounts/login/").
    return str(live_server.url)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Fixed language and zone, so what a journey reads does not depend on the machine's settings.
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "page"


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """`screenshot(page, "after-login")` saves var/screenshots/<test>--01-after-login.png."""
    numbers = itertools.count(1)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOT_DIR / f"{_slug(request.node.name)}--{next(numbers):02d}-{_slug(name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


_call_failed = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _screenshot_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    # What the page showed when a journey failed is usually the quickest clue in a CI log.
    page: Page | None = request.getfixturevalue("page") if "page" in request.fixturenames else None
    yield
    if page is not None and request.node.stash.get(_call_failed, False):
        path = SCREENSHOT_DIR / f"{_slug(request.node.name)}--FAILED.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # a dead page must not hide the test's own failure
            print(f"could not save a failure screenshot: {error}")
