"""Announcements on a phone (issue 11, AC12): a teacher posts with two photos to two groups; a
guardian of one of them sees it and opens a photo; a guardian of a third group does not see it;
the teacher sees "gezien door 1". The school asks for photo consent and nobody has answered yet,
so the teacher is first warned, by name, about the children who may not be photographed."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from schoolbrug.consent.services import ensure_default_questions
from schoolbrug.media.testing import private_storage_in
from schoolbrug.sis.testing import PASSWORD, build_personas, link, make_group, make_guardian_account, make_pupil

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def school(transactional_db: Any, settings: Any, tmp_path: Path) -> SimpleNamespace:
    private_storage_in(settings, tmp_path / "private")
    personas = SimpleNamespace()
    build_personas(personas)
    personas.group7 = make_group(personas.school, personas.year, "Groep 7", 7)
    pupil = make_pupil(personas.school, "Gijs", "Derde", personas.group7)
    personas.gert = make_guardian_account(personas.school, "gert@test.nl", "Gert", "Derde")
    link(personas.gert.record, pupil, "father")
    ensure_default_questions(personas.school)  # no answers yet: no child may be photographed
    return personas


def phone(browser: Browser, live_server: LiveServer, email: str) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    return page


def photo(name: str, colour: str) -> FilePayload:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, format="JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def test_a_teacher_posts_photos_to_two_groups_and_sees_who_saw_it(
    browser: Browser, live_server: LiveServer, school: SimpleNamespace, screenshot: Any
) -> None:
    teacher = phone(browser, live_server, "tess@test.nl")
    teacher.get_by_test_id("nav-messages").click()
    teacher.get_by_test_id("new-post").click()
    teacher.get_by_label("Bericht").fill("Vandaag naar de **kinderboerderij** geweest!")
    teacher.get_by_label("Groep 3", exact=True).check()
    teacher.get_by_label("Groep 5/6").check()
    teacher.locator("input[name=uploads]").set_input_files([photo("geit.jpg", "green"), photo("koe.jpg", "brown")])
    screenshot(teacher, "announcement-form")
    teacher.get_by_test_id("publish").click()
    warning = teacher.get_by_test_id("consent-warning")
    expect(warning).to_contain_text("Sam Bakker")
    expect(warning).to_contain_text("Olivia Smit")
    screenshot(teacher, "consent-warning")
    teacher.get_by_test_id("publish-anyway").click()
    expect(teacher.locator(".post-card")).to_contain_text("kinderboerderij")
    expect(teacher.get_by_test_id("photo-link")).to_have_count(2)
    screenshot(teacher, "announcement-published")

    guardian = phone(browser, live_server, "paula@test.nl")
    guardian.get_by_test_id("nav-messages").click()
    card = guardian.locator(".post-card").first
    expect(card).to_contain_text("kinderboerderij")
    expect(card).to_contain_text("Tess Leraar")
    screenshot(guardian, "guardian-timeline")
    with guardian.expect_navigation() as opened:
        card.get_by_test_id("photo-link").first.click()
    response = opened.value
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("image/")
    assert guardian.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    outsider = phone(browser, live_server, "gert@test.nl")
    outsider.get_by_test_id("nav-messages").click()
    expect(outsider.get_by_test_id("no-posts")).to_be_visible()
    expect(outsider.locator("main")).not_to_contain_text("kinderboerderij")
    screenshot(outsider, "third-group-sees-nothing")

    teacher.goto(reverse("messaging:timeline"))
    seen = teacher.locator("[data-testid^=seen-by-]").first
    expect(seen).to_contain_text("gezien door 1 van 3")
    seen.click()
    expect(teacher.get_by_test_id("families-seen")).to_contain_text("1 van 2")
    screenshot(teacher, "seen-by-families")
