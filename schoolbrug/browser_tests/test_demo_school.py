"""The demo school as a visitor meets it after `make run`: teacher and guardian accounts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from schoolbrug.sis.models import GroupStaff, Guardian, Placement

DEMO_PASSWORD = "Regenboog-demo-1"


@pytest.fixture
def demo(transactional_db: Any) -> None:
    call_command("demo", verbosity=0)


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_demo_teacher_and_guardian_see_their_own(page: Page, demo: None, screenshot: Any) -> None:
    guardian = Guardian.objects.get(account__email="ouder@regenboog.demo")
    children = list(guardian.guardianships.select_related("pupil"))
    teacher_groups = set(
        GroupStaff.objects.filter(staff_member__account__email="leerkracht@regenboog.demo").values_list(
            "group_id", flat=True
        )
    )
    taught = next(
        g.pupil
        for g in children
        if Placement.objects.filter(pupil=g.pupil, group_id__in=teacher_groups, year__is_current=True).exists()
    )
    untaught = next(g.pupil for g in children if g.pupil != taught)

    log_in(page, "leerkracht@regenboog.demo")
    expect(page.get_by_role("heading", name="OBS De Regenboog")).to_be_visible()
    page.get_by_role("link", name="Groepen", exact=True).click()
    screenshot(page, "demo-teacher-groups")
    page.goto(f"/staff/pupils/{taught.pk}/")
    expect(page.get_by_role("heading", name=taught.display_name)).to_be_visible()
    screenshot(page, "demo-teacher-pupil")
    response = page.goto(f"/staff/pupils/{untaught.pk}/")
    assert response is not None and response.status == 404
    page.goto("/")
    page.get_by_role("button", name="Uitloggen").click()

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "ouder@regenboog.demo")
    tabs = page.locator(".child-tabs a")
    expect(tabs).to_have_count(2)
    expect(page.locator(".child-tabs")).to_contain_text(taught.display_first_name)
    expect(page.locator(".child-tabs")).to_contain_text(untaught.display_first_name)
    screenshot(page, "demo-guardian-home")
