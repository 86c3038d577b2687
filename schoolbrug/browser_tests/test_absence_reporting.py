"""Absence reporting on a phone (issue 14): a guardian reports a dentist visit, the teacher sees it
in the day view of his group and processes it; sickness after the cut-off shows the school's phone
number instead; the teacher sets and enters his PIN and sees only his own group's contacts."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from schoolbrug.portal.modules import Module
from schoolbrug.portal.tests.helpers import enable_module
from schoolbrug.records.models import Absence, AbsenceReason, AbsenceRules
from schoolbrug.sis.dates import school_today
from schoolbrug.sis.testing import PASSWORD, build_personas

from . import Screenshot

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}
PIN = "48213"


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    enable_module(personas.school, Module.ABSENCES)
    personas.dentist = AbsenceReason.objects.create(
        school=personas.school, name="Tandarts", is_authorised=True, guardians_may_report=True
    )
    # Sickness may be reported for today until 00:00: whenever the test runs, it is too late.
    personas.sick = AbsenceReason.objects.create(
        school=personas.school,
        name="Ziek",
        is_authorised=True,
        guardians_may_report=True,
        guardian_cutoff=AbsenceReason.Cutoff.BEFORE_TIME,
        cutoff_time=dt.time(0, 0),
    )
    AbsenceRules.objects.create(
        school=personas.school,
        guardians_may_report=True,
        message="Ziek? Bel de school vóór 08:30 uur.",
        phone="0570 123456",
    )
    return personas


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_report_process_cut_off_and_contacts_behind_the_pin(
    browser: Browser, base_url: str, school: SimpleNamespace, screenshot: Screenshot
) -> None:
    today = school_today(school.school)
    visit_day = today + dt.timedelta(days=1)
    while visit_day.weekday() >= 5:
        visit_day += dt.timedelta(days=1)
    sam = school.sam

    guardian = browser.new_context(
        base_url=base_url, viewport=PHONE, locale="nl-NL", timezone_id="Europe/Amsterdam"
    ).new_page()
    log_in(guardian, "paula@test.nl")
    guardian.wait_for_url(re.compile(r"/portal/"))
    guardian.goto(f"/portal/child/{sam.pk}/absences/")
    guardian.locator("#report-absence-link").click()
    expect(guardian.locator("#absence-rules")).to_contain_text("Bel de school")
    guardian.locator("#id_date_from").fill(visit_day.isoformat())
    guardian.locator("#id_whole_day").uncheck()
    guardian.locator("#id_time_from").fill("10:00")
    guardian.locator("#id_time_until").fill("11:30")
    guardian.locator("#id_reason").select_option(str(school.dentist.pk))
    guardian.locator("#id_remark").fill("Controle bij de tandarts")
    no_sideways_scroll(guardian)
    screenshot(guardian, "guardian-report-form")
    guardian.locator("#report-send").click()
    guardian.wait_for_url(re.compile(rf"/portal/child/{sam.pk}/absences/"))
    absence = Absence.objects.get(pupil=sam)
    assert absence.source == Absence.Source.GUARDIAN and not absence.processed
    expect(guardian.get_by_test_id(f"absence-{absence.pk}")).to_contain_text("Tandarts")
    screenshot(guardian, "guardian-absences")

    # Sickness for today after the cut-off: the school's phone number instead, nothing stored.
    guardian.locator("#report-absence-link").click()
    guardian.locator("#id_date_from").fill(today.isoformat())
    guardian.locator("#id_reason").select_option(str(school.sick.pk))
    guardian.locator("#report-send").click()
    expect(guardian.locator("#absence-report-form")).to_contain_text("0570 123456")
    assert Absence.objects.filter(pupil=sam).count() == 1
    screenshot(guardian, "sickness-after-cut-off")

    teacher = browser.new_context(
        base_url=base_url, viewport=PHONE, locale="nl-NL", timezone_id="Europe/Amsterdam"
    ).new_page()
    log_in(teacher, "tess@test.nl")
    teacher.wait_for_url(re.compile(r"/staff/"))
    teacher.goto(f"/staff/file/groups/{school.group3.pk}/absences/?day={visit_day.isoformat()}")
    row = teacher.get_by_test_id(f"pupil-{sam.pk}")
    expect(row).to_contain_text("Tandarts")
    expect(row).to_contain_text("Controle bij de tandarts")
    screenshot(teacher, "teacher-day-view")
    teacher.get_by_test_id(f"process-{absence.pk}").click()
    expect(teacher.get_by_test_id(f"processed-{absence.pk}")).to_be_visible()
    absence.refresh_from_db()
    assert absence.processed
    no_sideways_scroll(teacher)

    # Contacts: first the PIN is set on the own account page, then entered.
    teacher.locator("#nav-absences").click()
    teacher.locator("#contacts-link").click()
    teacher.wait_for_url(re.compile(r"/accounts/contact-pin/"))
    teacher.locator("#id_password").fill(PASSWORD)
    teacher.locator("#id_pin").fill(PIN)
    teacher.locator("#id_pin_again").fill(PIN)
    screenshot(teacher, "set-pin")
    teacher.locator("#pin-save").click()
    teacher.wait_for_url(re.compile(r"/staff/contacts/unlock/"))
    teacher.locator("#id_pin").fill(PIN)
    teacher.locator("#pin-enter").click()
    teacher.wait_for_url(re.compile(r"/staff/contacts/$"))
    expect(teacher.get_by_test_id(f"contact-{sam.pk}")).to_contain_text("Sam Bakker")
    expect(teacher.get_by_test_id(f"contact-{sam.pk}")).to_contain_text("06 11111111")
    expect(teacher.get_by_test_id(f"contact-{school.olivia.pk}")).to_have_count(0)
    no_sideways_scroll(teacher)
    screenshot(teacher, "contacts")
