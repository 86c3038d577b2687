"""Report day (BENCHMARKS.md scenario 7): the PDF of a locked report is rendered once and kept;
unlocking forgets it, and any change to what it shows gives a fresh one, never a stale one."""

from __future__ import annotations

import io

from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from schoolbrug.core.testing import assert_same_query_count, count_queries, run_task_worker
from schoolbrug.portal.modules import Module
from schoolbrug.records.models import Report, ReportPrint
from schoolbrug.records.services import reports as services
from schoolbrug.records.services.report_prints import locked_report_pdf
from schoolbrug.sis.models import Pupil
from schoolbrug.sis.testing import SchoolTestCase, make_pupil

from . import records_data as rd
from .helpers import enable_module

MARKER = b"%PDF-kept-copy"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


class KeptReportPdfTests(SchoolTestCase):
    def setUp(self) -> None:
        enable_module(self.school, Module.REPORTS)
        self.report = rd.report(self.sam, self.year, "Rapport 1", locked=True)
        self.url = reverse("portal:child-report-pdf", args=[self.sam.pk, self.report.pk])
        self.client.force_login(self.paula.user)

    def download(self) -> bytes:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return response.content

    def mark_kept_copy(self) -> None:
        """Overwrite the kept PDF, so a download shows whether it came from the kept copy."""
        self.assertEqual(ReportPrint.objects.filter(report=self.report).update(pdf=MARKER), 1)

    def test_the_first_download_keeps_the_pdf_and_the_next_ones_serve_it(self) -> None:
        first = self.download()
        self.assertTrue(first.startswith(b"%PDF"))
        kept = ReportPrint.objects.get(report=self.report)
        self.assertEqual(bytes(kept.pdf), first)
        self.mark_kept_copy()
        self.assertEqual(self.download(), MARKER)

    def test_unlocking_forgets_the_pdf_and_the_changed_report_is_rendered_anew(self) -> None:
        self.download()
        services.report_unlock(actor=self.ada.user, report=self.report)
        self.assertFalse(ReportPrint.objects.filter(report=self.report).exists())
        # Unlocked: guardians do not see it at all.
        self.assertEqual(self.client.get(self.url).status_code, 404)

        services.report_save(
            actor=self.ada.user, pupil=self.sam, period=self.report.period, sections=[("Rekenen", "Nieuwe tekst")]
        )
        services.report_lock(actor=self.ada.user, report=self.report)
        text = text_of(self.download())
        self.assertIn("Nieuwe tekst", text)
        self.assertNotIn("Goed gelezen", text)

    def test_a_change_to_what_the_pdf_shows_is_never_served_stale(self) -> None:
        self.download()
        self.mark_kept_copy()
        Pupil.objects.filter(pk=self.sam.pk).update(first_name="Samuel")
        fresh = self.download()
        self.assertNotEqual(fresh, MARKER)
        self.assertIn("Samuel", text_of(fresh))
        # Kept again, for the new version.
        self.assertEqual(bytes(ReportPrint.objects.get(report=self.report).pdf), fresh)

    def test_each_language_has_its_own_copy(self) -> None:
        self.download()
        self.client.cookies.load({"django_language": "en"})
        english = self.client.get(self.url)
        self.assertEqual(english.status_code, 200)
        self.assertEqual(
            sorted(ReportPrint.objects.filter(report=self.report).values_list("language", flat=True)), ["en", "nl"]
        )

    def test_locking_has_the_worker_render_the_pdf_before_anyone_asks(self) -> None:
        draft = rd.report(self.sam, self.year, "Rapport 2", locked=False, order=2)
        with self.captureOnCommitCallbacks(execute=True):
            services.report_lock(actor=self.ada.user, report=draft)
        self.assertFalse(ReportPrint.objects.filter(report=draft).exists())  # not in the teacher's request
        run_task_worker()
        kept = ReportPrint.objects.get(report=draft)
        self.assertEqual(kept.language, "nl")
        self.assertIn("Goed gelezen in Rapport 2", text_of(bytes(kept.pdf)))

    def test_a_draft_is_never_kept(self) -> None:
        draft = rd.report(self.sam, self.year, "Rapport 2", locked=False, order=2)
        self.assertTrue(locked_report_pdf(draft).startswith(b"%PDF"))
        self.assertFalse(ReportPrint.objects.filter(report=draft).exists())


class ReportDayQueryCountTests(SchoolTestCase):
    """P2 for the report day pages: the same queries with one report as with many more reports,
    periods and pupils in the school (kept PDF served or not)."""

    def measure(self) -> tuple[CaptureQueriesContext, CaptureQueriesContext]:
        report = Report.objects.get(pupil=self.sam, period__name="Rapport 1")
        page = reverse("portal:child-reports", args=[self.sam.pk])
        pdf = reverse("portal:child-report-pdf", args=[self.sam.pk, report.pk])
        self.client.get(pdf)  # the first download renders and keeps the PDF
        with count_queries() as page_queries:
            self.assertEqual(self.client.get(page).status_code, 200)
        with count_queries() as pdf_queries:
            self.assertEqual(self.client.get(pdf).status_code, 200)
        return page_queries, pdf_queries

    def test_the_same_queries_at_two_data_sizes(self) -> None:
        enable_module(self.school, Module.REPORTS)
        rd.report(self.sam, self.year, "Rapport 1", locked=True)
        self.client.force_login(self.paula.user)
        small = self.measure()

        for order in range(2, 6):
            rd.report(self.sam, self.year, f"Rapport {order}", locked=True, order=order)
        for i in range(40):
            pupil = make_pupil(self.school, f"Kind{i}", "Extra", self.group3)
            rd.report(pupil, self.year, "Rapport 1", locked=True)
        large = self.measure()

        assert_same_query_count(small[0], large[0], "report list")
        assert_same_query_count(small[1], large[1], "report PDF")
