"""Journeys people take: a teacher and a guardian log in and see what is theirs, on a phone
and on a desktop screen."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from schoolbrug.accounts.two_factor.testing import give_device, totp_code
from schoolbrug.sis.testing import PASSWORD, build_personas

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    return personas


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_teacher_sees_her_group_and_pupil(page: Page, school: SimpleNamespace, screenshot: Any, viewport: Any) -> None:
    page.set_viewport_size(viewport)
    log_in(page, "tess@test.nl")
    expect(page.get_by_role("heading", name="OBS Testschool")).to_be_visible()
    screenshot(page, "teacher-overview")
    page.get_by_role("link", name="Groepen", exact=True).click()
    expect(page.get_by_role("link", name="Groep 3")).to_be_visible()
    expect(page.get_by_role("link", name="Groep 5/6")).to_have_count(0)
    page.get_by_role("link", name="Groep 3").click()
    screenshot(page, "teacher-group")
    page.get_by_role("link", name="Bakker, Sam").click()
    expect(page.get_by_role("heading", name="Sam Bakker")).to_be_visible()
    expect(page.get_by_text("Buurvrouw Els")).to_be_visible()
    expect(page.get_by_text("Pinda's")).to_be_visible()
    screenshot(page, "teacher-pupil")
    # Another group's pupil is out of reach, typed URL or not.
    response = page.goto(f"/staff/pupils/{school.olivia.pk}/")
    assert response is not None and response.status == 404


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_guardian_sees_only_his_own_child(page: Page, school: SimpleNamespace, screenshot: Any, viewport: Any) -> None:
    page.set_viewport_size(viewport)
    log_in(page, "dirk@test.nl")
    expect(page.get_by_role("heading", name="Sam Bakker")).to_be_visible()
    expect(page.locator(".child-tabs")).to_contain_text("Sam")
    page.get_by_text("Uw gegevens").click()
    expect(page.get_by_text("06 22222222")).to_be_visible()
    assert "06 11111111" not in page.content()
    screenshot(page, "guardian-home")
    response = page.goto(f"/staff/pupils/{school.sam.pk}/")
    assert response is not None and response.status == 404
    response = page.goto(f"/portal/?child={school.olivia.pk}")
    assert response is not None and response.status == 404


def test_administrator_corrects_a_postcode(page: Page, school: SimpleNamespace, screenshot: Any) -> None:
    device = give_device(school.ada.user)  # administrators must use two-factor authentication
    log_in(page, "ada@test.nl")
    page.locator("input[name=code]").fill(totp_code(device))
    page.locator("#two-factor-verify-submit").click()
    page.goto(f"/staff/pupils/{school.sam.pk}/")
    page.get_by_role("link", name="Dirk Bakker bewerken").click()
    page.get_by_label("Postcode").fill("12345")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Vul een Nederlandse postcode in")).to_be_visible()
    screenshot(page, "admin-bad-postcode")
    page.get_by_label("Postcode").fill("7201ab")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("7201 AB")).to_be_visible()
    screenshot(page, "admin-saved")


def test_language_switch_to_english(page: Page, school: SimpleNamespace) -> None:
    log_in(page, "paula@test.nl")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("Your details")).to_be_visible()
