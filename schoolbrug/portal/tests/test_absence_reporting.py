"""The guardian's side of absence reporting (ABS-1, ABS-3) through the portal pages."""

from __future__ import annotations

import datetime as dt
import uuid

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolbrug.records.models import Absence, AbsenceReason, AbsenceRules, LeaveRequest
from schoolbrug.records.tests.helpers import at, make_reasons
from schoolbrug.sis.testing import SchoolTestCase

from ..modules import Module
from .helpers import enable_module

TUESDAY = dt.date(2026, 11, 10)


class GuardianPagesTests(SchoolTestCase):
    reasons: dict[str, AbsenceReason]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        enable_module(cls.school, Module.ABSENCES)
        cls.reasons = make_reasons(cls.school)
        sick = cls.reasons["sick"]
        sick.guardians_may_report = True
        sick.guardian_cutoff = AbsenceReason.Cutoff.BEFORE_TIME
        sick.cutoff_time = dt.time(8, 30)
        sick.save()
        AbsenceRules.objects.create(
            school=cls.school, guardians_may_report=True, message="Ziek? Bel voor 08:30.", phone="0570-123456"
        )

    def client_of(self, persona) -> Client:  # type: ignore[no-untyped-def]
        client = Client()
        client.force_login(persona.user)
        return client

    def form(self, **changes: str) -> dict[str, str]:
        data = {
            "date_from": TUESDAY.isoformat(),
            "time_from": "10:00",
            "time_until": "11:30",
            "reason": str(self.reasons["dentist"].pk),
            "remark": "Tandarts",
            "client_key": str(uuid.uuid4()),
        }
        data.update(changes)
        return data

    def test_report_on_the_page_and_both_guardians_see_it(self) -> None:
        paula = self.client_of(self.paula)
        url = reverse("portal:child-absence-report", args=[self.sam.pk])
        with time_machine.travel(at(TUESDAY, 7), tick=False):
            page = paula.get(url)
            self.assertContains(page, "Ziek? Bel voor 08:30.")
            self.assertContains(page, reverse("portal:child-leave", args=[self.sam.pk]))
            response = paula.post(url, self.form())
        self.assertRedirects(
            response, reverse("portal:child-absences", args=[self.sam.pk]), fetch_redirect_response=False
        )
        absence = Absence.objects.get()
        self.assertEqual((absence.source, absence.processed), (Absence.Source.GUARDIAN, False))
        with time_machine.travel(at(TUESDAY, 7), tick=False):
            dirk_page = self.client_of(self.dirk).get(reverse("portal:child-absences", args=[self.sam.pk]))
        self.assertContains(dirk_page, f'data-testid="withdraw-{absence.pk}"')

    def test_bad_input_gets_a_clear_message_and_nothing_is_stored(self) -> None:
        paula = self.client_of(self.paula)
        url = reverse("portal:child-absence-report", args=[self.sam.pk])
        with time_machine.travel(at(TUESDAY, 9), tick=False):
            cases = {
                "end before start": (self.form(time_from="12:00", time_until="10:00"), "ends before it starts"),
                "outside the year": (self.form(date_from="2027-08-03"), "within one school year"),
                "not allowed": (self.form(reason=str(self.reasons["truant"].pk)), "Select a valid choice"),
                "after cut-off": (self.form(reason=str(self.reasons["sick"].pk)), "0570-123456"),
                "long remark": (self.form(remark="x" * 10_000), "1000"),
            }
            for label, (data, text) in cases.items():
                with self.subTest(label), self.settings(LANGUAGE_CODE="en"):
                    response = paula.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
                    self.assertEqual(response.status_code, 400)
                    self.assertContains(response, text, status_code=400)
        self.assertFalse(Absence.objects.exists())

    def test_a_child_that_is_not_yours_is_404_on_get_and_post(self) -> None:
        otto = self.client_of(self.otto)
        for name in ("portal:child-absence-report", "portal:child-leave"):
            url = reverse(name, args=[self.sam.pk])
            self.assertEqual(otto.get(url).status_code, 404)
            self.assertEqual(otto.post(url, self.form()).status_code, 404)
        self.assertFalse(Absence.objects.exists())

    def test_a_reused_key_with_other_content_is_refused(self) -> None:
        paula = self.client_of(self.paula)
        url = reverse("portal:child-absence-report", args=[self.sam.pk])
        data = self.form()
        with time_machine.travel(at(TUESDAY, 7), tick=False), self.settings(LANGUAGE_CODE="en"):
            self.assertEqual(paula.post(url, data).status_code, 302)
            self.assertEqual(paula.post(url, data).status_code, 302)  # a double tap: the same absence
            response = paula.post(url, {**data, "time_until": "12:00"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "already sent with other content", status_code=400)
        self.assertEqual(Absence.objects.count(), 1)

    def test_leave_request_with_an_attachment(self) -> None:
        paula = self.client_of(self.paula)
        url = reverse("portal:child-leave", args=[self.sam.pk])
        pdf = SimpleUploadedFile("uitnodiging.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        data = {
            "first_day": "2026-11-16",
            "last_day": "2026-11-17",
            "reason": "Bruiloft",
            "attachment": pdf,
            "client_key": str(uuid.uuid4()),
        }
        self.assertEqual(paula.post(url, data).status_code, 302)
        leave = LeaveRequest.objects.get()
        self.assertEqual((leave.attachment_type, leave.school_days), ("application/pdf", 2))
        download = paula.get(reverse("portal:child-leave-attachment", args=[self.sam.pk, leave.pk]))
        self.assertEqual(download["X-Content-Type-Options"], "nosniff")
        self.assertTrue(download["Content-Disposition"].startswith("attachment;"))
        html = SimpleUploadedFile("brief.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
        response = paula.post(url, {**data, "attachment": html, "client_key": str(uuid.uuid4())})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(LeaveRequest.objects.count(), 1)

    def test_the_report_list_takes_the_same_queries_at_two_sizes(self) -> None:
        paula = self.client_of(self.paula)
        url = reverse("portal:child-absences", args=[self.sam.pk])
        paula.get(url)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(paula.get(url).status_code, 200)
            return len(queries)

        small = count()
        print(f"report list: {small} queries")  # the figure the report quotes
        for offset in range(20):
            day = dt.date(2026, 9, 7) + dt.timedelta(days=offset)
            Absence.objects.create(
                pupil=self.sam,
                year=self.year,
                starts_at=at(day, 9),
                ends_at=at(day, 10),
                whole_day=False,
                reason=self.reasons["dentist"],
                source=Absence.Source.GUARDIAN,
                processed=offset % 2 == 0,
            )
        self.assertEqual(count(), small)
