"""Numbers in the browser's own language: a Dutch teacher types a decimal comma and gets it back."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from schoolbrug.records.models import CurriculumResult, CurriculumTest
from schoolbrug.records.services import results as services
from schoolbrug.sis.testing import PASSWORD, build_personas

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    personas.test = services.curriculum_test_create(
        actor=personas.tess.user, group=personas.group3, subject="Rekenen", name="Blok 3",
        date=dt.date(2026, 11, 10), scale=CurriculumTest.Scale.SCORE, max_score=40,
    )  # fmt: skip
    return personas


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/"))


def test_teacher_types_a_decimal_comma_in_dutch_and_sees_it_back(
    page: Page, school: SimpleNamespace, screenshot: Any
) -> None:
    log_in(page, "tess@test.nl")  # the browser speaks nl-NL (conftest), and so does the page
    entry = f"/staff/file/groups/{school.group3.pk}/tests/{school.test.pk}/"
    page.goto(entry)
    field = page.get_by_role("textbox", name="Sam Bakker")
    expect(field).to_have_attribute("inputmode", "decimal")
    field.press_sequentially("3,5")
    screenshot(page, "typed-comma")
    page.get_by_role("button", name="Resultaten opslaan").click()
    expect(page).to_have_url(re.compile(rf"/groups/{school.group3.pk}/tests/$"))
    assert CurriculumResult.objects.get(test=school.test, pupil=school.sam).value == Decimal("3.5")

    # Shown back the Dutch way, in the form and on the pupil's results.
    page.goto(entry)
    expect(page.get_by_role("textbox", name="Sam Bakker")).to_have_value("3,5")
    page.goto(f"/staff/file/pupils/{school.sam.pk}/results/")
    expect(page.get_by_test_id("curriculum-result")).to_have_text("3,5 / 40")

    # Written in a way that can be read twice, it is refused in Dutch and nothing is saved.
    page.goto(entry)
    field = page.get_by_role("textbox", name="Sam Bakker")
    field.fill("1.234,5")
    page.get_by_role("button", name="Resultaten opslaan").click()
    expect(page.get_by_text("kan op meer dan één manier")).to_be_visible()
    expect(page.get_by_role("textbox", name="Sam Bakker")).to_have_value("1.234,5")
    screenshot(page, "ambiguous-refused")
    assert CurriculumResult.objects.get(test=school.test, pupil=school.sam).value == Decimal("3.5")
