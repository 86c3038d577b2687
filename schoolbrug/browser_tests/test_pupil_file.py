"""The pupil file in the browser: a teacher records an absence and a note for a pupil of her
group, writes and locks his report and downloads it as a PDF."""

from __future__ import annotations

import io
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from schoolbrug.records.models import Absence, AbsenceReason, Note, NoteCategory, Report, ReportPeriod
from schoolbrug.sis.testing import PASSWORD, build_personas

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    personas.sick = AbsenceReason.objects.create(school=personas.school, name="Ziek", is_authorised=True)
    personas.category = NoteCategory.objects.create(school=personas.school, name="Algemeen")
    personas.period = ReportPeriod.objects.create(school=personas.school, year=personas.year, name="Rapport 1", order=1)
    return personas


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/"))


def test_teacher_records_absence_and_note_and_locks_a_report(
    page: Page, school: SimpleNamespace, screenshot: Any, tmp_path: Path
) -> None:
    sam = school.sam
    log_in(page, "tess@test.nl")

    # An absence.
    page.goto(f"/staff/pupils/{sam.pk}/")
    page.locator("#link-absences").click()
    page.locator("#absence-new-link").click()
    page.locator("#id_date_from").fill("2026-11-20")
    page.locator("#id_reason").select_option(str(school.sick.pk))
    page.locator("#id_remark").fill("Koorts")
    screenshot(page, "absence-form")
    page.locator("#absence-submit").click()
    expect(page).to_have_url(re.compile(rf"/staff/file/pupils/{sam.pk}/absences/$"))
    expect(page.locator("#absence-list")).to_contain_text("Ziek")
    assert Absence.objects.filter(pupil=sam, reason=school.sick).count() == 1

    # A note.
    page.goto(f"/staff/pupils/{sam.pk}/")
    page.locator("#link-notes").click()
    page.locator("#note-new-link").click()
    page.locator("#id_category").select_option(str(school.category.pk))
    page.locator("#id_subject").fill("Gesprek met moeder")
    page.locator("#id_text").fill("Sam slaapt slecht door de verbouwing thuis.")
    page.locator("#note-submit").click()
    expect(page).to_have_url(re.compile(rf"/staff/file/pupils/{sam.pk}/notes/$"))
    expect(page.locator("#note-list")).to_contain_text("Gesprek met moeder")
    screenshot(page, "note-saved")
    assert Note.objects.filter(pupil=sam, subject="Gesprek met moeder").exists()

    # The report: write, lock, download.
    page.goto(f"/staff/pupils/{sam.pk}/")
    page.locator("#link-reports").click()
    page.locator(f"[data-testid=report-period-{school.period.pk}]").click()
    page.locator("textarea[name=sections-0-body]").fill("Sam leest met plezier en steeds vlotter.")
    page.locator("textarea[name=sections-1-body]").fill("Sam rekent vlot tot twintig.")
    screenshot(page, "report-draft")
    page.locator("#report-save").click()
    page.locator("#report-lock").click()
    # Locking cannot be undone by the teacher: a page names the report and asks first.
    expect(page.locator("#confirmation-subject")).to_have_text("Rapport 1 · Sam Bakker")
    assert Report.objects.get(pupil=sam, period=school.period).locked_at is None
    screenshot(page, "report-lock-question")
    page.locator("#confirm-yes").click()
    expect(page.locator("#report-locked")).to_be_visible()
    screenshot(page, "report-locked")
    report = Report.objects.get(pupil=sam, period=school.period)
    assert report.locked_at is not None

    with page.expect_download() as download_info:
        page.locator("#report-pdf").click()
    download = download_info.value
    assert download.suggested_filename == "report-sam-bakker-rapport-1.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    content = target.read_bytes()
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Sam Bakker" in text
    assert "rekent vlot tot twintig" in text

    # Locked means locked: the edit page shows the report read-only.
    page.goto(f"/staff/file/pupils/{sam.pk}/reports/{school.period.pk}/")
    expect(page.locator("#report-form")).to_have_count(0)
    # Another group's pupil is out of reach.
    response = page.goto(f"/staff/file/pupils/{school.olivia.pk}/reports/")
    assert response is not None and response.status == 404
