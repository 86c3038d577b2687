"""Reports (REC-5): written per period, locked for guardians, printed as a PDF."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.models import Account
from schoolbrug.records.demo_results import load_demo_results
from schoolbrug.records.models import CorrectionRequest, CurriculumResult, Report, ReportPeriod, StandardisedResult
from schoolbrug.records.selectors.reports import reports_visible_to_guardian
from schoolbrug.records.services import reports as services
from schoolbrug.sis.demo.builder import build_demo
from schoolbrug.sis.demo.schools import PARENT_EMAIL, REGENBOOG_KEY
from schoolbrug.sis.models import Pupil, School
from schoolbrug.sis.testing import SchoolTestCase

from .test_results import EN, log_in


def section_data(*sections: tuple[str, str], extra: int = 0) -> dict[str, Any]:
    rows = [*sections, *([("", "")] * extra)]
    data: dict[str, Any] = {"sections-TOTAL_FORMS": len(rows), "sections-INITIAL_FORMS": 0}
    for index, (title, body) in enumerate(rows):
        data[f"sections-{index}-title"] = title
        data[f"sections-{index}-body"] = body
    return data


class ReportTestCase(SchoolTestCase):
    period: ReportPeriod

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.period = ReportPeriod.objects.create(school=cls.school, year=cls.year, name="Rapport 1", order=1)

    def edit_url(self, pupil: Any = None) -> str:
        return reverse("records:report-edit", args=[(pupil or self.sam).pk, self.period.pk])

    def write_report(self, pupil: Any = None, locked: bool = False) -> Report:
        report = services.report_save(
            actor=self.pim.user, pupil=pupil or self.sam, period=self.period,
            sections=[("Rekenen", "Sam rekent vlot tot twintig."), ("Taal", "Leest graag voor.")],
        )  # fmt: skip
        if locked:
            services.report_lock(actor=self.pim.user, report=report)
            report.refresh_from_db()
        return report


class ReportEditingTests(ReportTestCase):
    def test_teacher_writes_a_report_with_sections(self) -> None:
        self.client.force_login(self.tess.user)
        page = self.client.get(self.edit_url(), headers=EN)
        self.assertContains(page, 'value="Language"')  # suggested headings for a new report
        response = self.client.post(
            self.edit_url(), section_data(("Rekenen", "Goed bezig."), ("Gedrag", "Helpt anderen."), extra=1)
        )
        self.assertRedirects(response, self.edit_url())
        report = Report.objects.get(pupil=self.sam, period=self.period)
        self.assertEqual(
            [(s.title, s.body) for s in report.sections.all()],
            [("Rekenen", "Goed bezig."), ("Gedrag", "Helpt anderen.")],
        )
        self.assertFalse(report.is_locked)

    def test_a_section_without_heading_is_refused(self) -> None:
        self.client.force_login(self.tess.user)
        response = self.client.post(self.edit_url(), section_data(("", "Tekst zonder kop")), headers=EN)
        self.assertContains(response, "Every section needs a heading.", status_code=400)
        self.assertFalse(Report.objects.exists())

    def test_locking_asks_first_naming_the_report_and_one_click_locks_nothing(self) -> None:
        report = self.write_report()
        self.client.force_login(self.tess.user)
        lock = reverse("records:report-lock", args=[report.pk])
        for response in (self.client.get(lock, headers=EN), self.client.post(lock, headers=EN)):
            self.assertContains(response, "Lock this report?")
            self.assertContains(response, "Rapport 1 · Sam Bakker")
            self.assertContains(response, 'name="confirm" value="yes"')
            self.assertContains(response, f'action="{lock}"')
            self.assertContains(response, f'href="{self.edit_url()}"')  # cancel goes back to the report
        report.refresh_from_db()
        self.assertFalse(report.is_locked)
        response = self.client.post(lock, {"confirm": "yes"})
        self.assertRedirects(response, self.edit_url(), fetch_redirect_response=False)
        report.refresh_from_db()
        self.assertTrue(report.is_locked)
        # A locked report asks nothing more.
        self.assertRedirects(self.client.get(lock), self.edit_url(), fetch_redirect_response=False)

    def test_teacher_locks_the_report_and_it_can_no_longer_be_edited(self) -> None:
        report = self.write_report()
        self.client.force_login(self.tess.user)
        response = self.client.post(reverse("records:report-lock", args=[report.pk]), {"confirm": "yes"})
        self.assertRedirects(response, self.edit_url(), fetch_redirect_response=False)
        report.refresh_from_db()
        self.assertTrue(report.is_locked)
        self.assertEqual(report.locked_by, self.tess.user)
        response = self.client.post(self.edit_url(), section_data(("Rekenen", "Anders")), headers=EN)
        self.assertContains(response, "This report is locked and can no longer be changed.", status_code=409)
        self.assertEqual(report.sections.first().body, "Sam rekent vlot tot twintig.")  # type: ignore[union-attr]
        with self.assertRaisesMessage(ValidationError, "locked"):
            services.report_save(actor=self.ada.user, pupil=self.sam, period=self.period, sections=[("x", "y")])

    def test_an_empty_report_cannot_be_locked(self) -> None:
        report = services.report_save(actor=self.tess.user, pupil=self.sam, period=self.period, sections=[])
        with self.assertRaises(ValidationError):
            services.report_lock(actor=self.tess.user, report=report)

    def test_only_an_administrator_unlocks_and_it_is_audited(self) -> None:
        report = self.write_report(locked=True)
        url = reverse("records:report-unlock", args=[report.pk])
        self.client.force_login(self.tess.user)
        self.assertEqual(self.client.post(url).status_code, 404)
        with self.assertRaises(PermissionDenied):
            services.report_unlock(actor=self.tess.user, report=report)
        log_in(self.client, self.ada)
        self.assertEqual(self.client.post(url).status_code, 302)
        report.refresh_from_db()
        self.assertFalse(report.is_locked)
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.RECORD_CHANGED, data__report_id=report.pk)
        self.assertEqual(event.subject, report.pupil.full_name)
        self.assertEqual(event.actor_id, self.ada.user.pk)
        self.assertEqual(event.data["action"], "report_unlocked")

    def test_report_periods_are_managed_by_the_administrator(self) -> None:
        url = reverse("records:report-periods")
        self.client.force_login(self.tess.user)
        self.assertEqual(self.client.get(url).status_code, 404)
        log_in(self.client, self.ada)
        response = self.client.post(url, {"name": "Rapport 2", "order": "2"})
        self.assertRedirects(response, url)
        self.assertTrue(ReportPeriod.objects.filter(school=self.school, year=self.year, name="Rapport 2").exists())
        response = self.client.post(url, {"name": "Rapport 2", "order": "3"})
        self.assertEqual(response.status_code, 400)

    def test_report_periods_are_reachable_from_the_navigation_for_the_administrator_only(self) -> None:
        periods = reverse("records:report-periods")
        reports = reverse("records:pupil-reports", args=[self.sam.pk])
        # Sam's year already has a period, so the link in the empty row of the list is not there.
        log_in(self.client, self.ada)
        for url in (reverse("records:tests"), reports):
            response = self.client.get(url)
            self.assertContains(response, f'<a href="{periods}" id="nav-report-periods">', msg_prefix=url)
        self.assertContains(self.client.get(reports), f'<a href="{periods}" id="report-periods-link">')
        log_in(self.client, self.tess)
        for url in (reverse("records:tests"), reports):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, f'href="{periods}"', msg_prefix=url)


class ReportPdfTests(ReportTestCase):
    def test_pdf_download_holds_the_pupil_name(self) -> None:
        report = self.write_report(locked=True)
        self.client.force_login(self.tess.user)
        response = self.client.get(reverse("records:report-pdf", args=[report.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="report-sam-bakker-rapport-1.pdf"')
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertTrue(response.content.startswith(b"%PDF"))
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        for expected in ("Sam Bakker", "Rapport 1", "Groep 3", "OBS Testschool", "Rekenen", "rekent vlot tot twintig"):
            self.assertIn(expected, text)


class GuardianVisibilityTests(ReportTestCase):
    def test_guardians_see_only_locked_reports_of_their_own_child(self) -> None:
        draft = self.write_report()
        self.assertEqual(list(reports_visible_to_guardian(user=self.paula.user, pupil=self.sam)), [])
        services.report_lock(actor=self.tess.user, report=draft)
        self.assertEqual(list(reports_visible_to_guardian(user=self.paula.user, pupil=self.sam)), [draft])
        self.assertEqual(list(reports_visible_to_guardian(user=self.dirk.user, pupil=self.sam)), [draft])
        for persona in (self.otto, self.gerda, self.tess):
            self.assertEqual(list(reports_visible_to_guardian(user=persona.user, pupil=self.sam)), [], persona)


class ReportAccessTests(ReportTestCase):
    def urls(self, report: Report) -> list[str]:
        return [
            reverse("records:pupil-reports", args=[report.pupil_id]),
            reverse("records:report-edit", args=[report.pupil_id, self.period.pk]),
            reverse("records:report-pdf", args=[report.pk]),
        ]

    def test_teacher_and_administrator_open_the_pages(self) -> None:
        report = self.write_report()
        for persona in (self.tess, self.ada):
            log_in(self.client, persona)
            for url in self.urls(report):
                self.assertEqual(self.client.get(url).status_code, 200, (persona.user.email, url))

    def test_wrong_personas_get_404(self) -> None:
        sam_report = self.write_report()
        olivia_report = self.write_report(self.olivia)
        cases = [
            (self.tess, olivia_report),
            (self.wim, sam_report),
            (self.paula, sam_report),
            (self.otto, olivia_report),
        ]
        for persona, report in cases:
            log_in(self.client, persona)
            for url in self.urls(report):
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))
            lock = reverse("records:report-lock", args=[report.pk])
            self.assertEqual(self.client.get(lock).status_code, 404, persona.user.email)
            self.assertEqual(self.client.post(lock, {"confirm": "yes"}).status_code, 404, persona.user.email)
        self.assertFalse(Report.objects.filter(locked_at__isnull=False).exists())

    def test_teacher_cannot_write_for_a_pupil_outside_her_group(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.report_save(actor=self.tess.user, pupil=self.olivia, period=self.period, sections=[("a", "b")])


class DemoResultsTests(TestCase):
    def test_demo_results_load_once_with_a_locked_report_per_child_of_the_demo_parent(self) -> None:
        build_demo()
        school = School.objects.get(external_key=REGENBOOG_KEY)
        load_demo_results(school)
        counts = [model.objects.count() for model in (CurriculumResult, StandardisedResult, Report, CorrectionRequest)]
        self.assertTrue(all(counts), counts)
        load_demo_results(school)
        self.assertEqual(
            [model.objects.count() for model in (CurriculumResult, StandardisedResult, Report, CorrectionRequest)],
            counts,
        )
        parent = Account.objects.get(email=PARENT_EMAIL, kind=Account.Kind.GUARDIAN)
        children = list(Pupil.objects.filter(guardianships__guardian__account=parent, status=Pupil.Status.ENROLLED))
        self.assertGreaterEqual(len(children), 2)
        for child in children:
            self.assertEqual(reports_visible_to_guardian(user=parent, pupil=child).count(), 1, child)
        self.assertEqual(CorrectionRequest.objects.filter(status=CorrectionRequest.Status.PENDING).count(), 2)
