"""Actions that cannot be undone ask first, on a page of its own that works without JavaScript."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from schoolbrug.records.models import Report, ReportPeriod
from schoolbrug.records.services import reports as report_services
from schoolbrug.sis.testing import PASSWORD, build_personas

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    period = ReportPeriod.objects.create(school=personas.school, year=personas.year, name="Rapport 1", order=1)
    personas.period = period
    personas.report = report_services.report_save(
        actor=personas.tess.user, pupil=personas.sam, period=period, sections=[("Rekenen", "Sam rekent vlot.")]
    )
    return personas


def test_locking_a_report_asks_first_without_javascript(
    browser: Browser, base_url: str, school: SimpleNamespace, screenshot: Any
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="nl-NL", base_url=base_url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill("tess@test.nl")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/"))
    page.goto(f"/staff/file/pupils/{school.sam.pk}/reports/{school.period.pk}/")

    page.get_by_role("button", name="Rapport afsluiten").click()
    expect(page.get_by_role("heading", name="Dit rapport afsluiten?")).to_be_visible()
    expect(page.locator("#confirmation-subject")).to_have_text("Rapport 1 · Sam Bakker")
    screenshot(page, "lock-question")
    # Cancel leaves the report as it was.
    page.get_by_role("button", name="Annuleren").click()
    expect(page).to_have_url(re.compile(rf"/reports/{school.period.pk}/$"))
    assert Report.objects.get(pk=school.report.pk).locked_at is None

    page.get_by_role("button", name="Rapport afsluiten").click()
    page.get_by_role("button", name="Ja, rapport afsluiten").click()
    expect(page.locator("#report-locked")).to_be_visible()
    assert Report.objects.get(pk=school.report.pk).locked_at is not None
    context.close()
