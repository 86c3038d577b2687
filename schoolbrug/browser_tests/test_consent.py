"""PRIV-1 on a phone: a guardian says no to photos in the app, the teacher's group page then
shows the child as not to be photographed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize, expect

from schoolbrug.consent.selectors import questions_of_school
from schoolbrug.consent.services import ensure_default_questions
from schoolbrug.sis.testing import PASSWORD, build_personas

from . import Screenshot

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    ensure_default_questions(personas.school)
    personas.photos = questions_of_school(personas.school.pk).get(is_app_photos=True)
    return personas


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()


def test_a_no_from_a_guardian_reaches_the_teachers_group_page(
    page: Page, school: SimpleNamespace, screenshot: Screenshot
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "paula@test.nl")
    page.goto(reverse("portal:child-about", args=[school.sam.pk]))
    page.get_by_test_id("child-page-privacy").click()
    form = page.get_by_test_id("privacy-form")
    for question in questions_of_school(school.school.pk):
        choice = "no" if question.pk == school.photos.pk else "yes"
        form.locator(f"input[name=q{question.pk}][value={choice}]").check()
    page.get_by_test_id("privacy-save").click()
    expect(page.get_by_test_id(f"privacy-q{school.photos.pk}").locator("[data-consent=no]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "guardian-privacy")

    page.context.clear_cookies()
    log_in(page, "tess@test.nl")
    page.goto(reverse("staff:group", args=[school.group3.pk]))
    page.get_by_test_id("group-privacy").click()
    expect(page.get_by_test_id(f"no-photos-{school.sam.pk}")).to_be_visible()
    expect(page.get_by_test_id("not-allowed-count")).to_contain_text("1")
    screenshot(page, "teacher-group-privacy")
