"""A guardian and a teacher chat, each in his own browser (issue 12, point 10): the teacher sees the
guardian's message without reloading, the guardian sees it was read; with the socket down the page
still gets the message through its periodic refresh.

pytest-django's live server speaks WSGI only, so these journeys run against uvicorn serving
config.asgi (pages, static files and WebSockets) in a thread of the test process: it shares the
test database (also SQLite's in-memory one) and the in-memory channel layer with the test."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import uvicorn
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from playwright.sync_api import Browser, BrowserContext, Page, expect

from schoolbrug.conversations.tests.helpers import with_teachers
from schoolbrug.sis.testing import PASSWORD, build_personas

from . import Screenshot

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def asgi_server(transactional_db: Any) -> Iterator[str]:
    """uvicorn with the project's ASGI application on a free port, for as long as the test runs."""
    from config.asgi import application

    port = _free_port()
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def chat(transactional_db: Any) -> SimpleNamespace:
    world = SimpleNamespace()
    build_personas(world)
    world.conversation = with_teachers(world.paula, world.group3.space, "Goedemorgen juf")
    return world


def person(browser: Browser, base_url: str, email: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        base_url=base_url, locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    return context, page


def test_the_teacher_sees_the_message_live_and_the_guardian_sees_it_read(
    browser: Browser, asgi_server: str, chat: SimpleNamespace, screenshot: Screenshot
) -> None:
    url = f"/conversations/{chat.conversation.pk}/"
    teacher_context, teacher = person(browser, asgi_server, "tess@test.nl")
    guardian_context, guardian = person(browser, asgi_server, "paula@test.nl")
    try:
        teacher.goto(url)
        guardian.goto(url)
        for page in (teacher, guardian):
            expect(page.locator("#chat")).to_have_attribute("data-live", "on")
        guardian.get_by_label("Bericht").fill("Sam komt vandaag later, hij moet naar de tandarts.")
        guardian.get_by_test_id("message-send").click()
        expect(teacher.get_by_text("Sam komt vandaag later")).to_be_visible()
        mine = guardian.get_by_test_id("message").filter(has_text="Sam komt vandaag later")
        expect(mine.get_by_test_id("read-state")).to_have_text("Gelezen door Tess Leraar")
        screenshot(guardian, "guardian-sees-read")
        # The typing state travels over the socket too.
        teacher.get_by_label("Bericht").press_sequentially("Beterschap")
        expect(guardian.get_by_test_id("typing")).to_contain_text("Tess Leraar")
        screenshot(teacher, "teacher-sees-message")
    finally:
        teacher_context.close()
        guardian_context.close()


def test_with_the_socket_down_the_page_refreshes_and_sending_still_works(
    browser: Browser, asgi_server: str, chat: SimpleNamespace
) -> None:
    url = f"/conversations/{chat.conversation.pk}/"
    teacher_context, teacher = person(browser, asgi_server, "tess@test.nl")
    guardian_context, guardian = person(browser, asgi_server, "paula@test.nl")
    try:
        # Both sockets are refused (a proxy without WebSocket support, say).
        for context in (teacher_context, guardian_context):
            context.route_web_socket("**/ws/**", lambda ws: ws.close())
        teacher.goto(url)
        guardian.goto(url)
        expect(teacher.locator("#connection")).to_contain_text("Geen live verbinding")
        guardian.get_by_label("Bericht").fill("Via de gewone weg")
        guardian.get_by_test_id("message-send").click()
        expect(guardian.get_by_text("Via de gewone weg")).to_be_visible()
        expect(teacher.get_by_text("Via de gewone weg")).to_be_visible(timeout=15_000)
        mine = guardian.get_by_test_id("message").filter(has_text="Via de gewone weg")
        expect(mine.get_by_test_id("read-state")).to_have_text("Gelezen door Tess Leraar", timeout=15_000)
    finally:
        teacher_context.close()
        guardian_context.close()
