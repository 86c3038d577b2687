"""Pages: query counts fixed as data grows, the teacher's overview and its exports, the staff
forms' bad input, and 404 for what is not the persona's."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.agenda.booking import Choice, book
from schoolbrug.agenda.models import Availability, ConferenceRound, Event, Slot
from schoolbrug.media.models import StoredFile
from schoolbrug.media.testing import MINIMAL_PDF, pdf_upload, response_body
from schoolbrug.messaging.models import Space
from schoolbrug.records.models import Activity
from schoolbrug.sis.testing import Persona, SchoolTestCase

from .helpers import Family, at, conference_day, make_family, make_round, make_teacher_for


class PageTests(SchoolTestCase):
    tom: Persona
    family: Family
    round: ConferenceRound

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tom = make_teacher_for(cls.school, cls.group5)
        cls.family = make_family(cls.school, cls.group3, cls.group5)
        cls.round = make_round(cls.school, [cls.group3, cls.group5], [cls.tess, cls.tom])

    def grow(self, n: int) -> None:
        """More events, year-plan items, families and bookings."""
        now = timezone.now()
        space = Space.objects.get(group=self.group3)
        for i in range(n):
            Event.objects.create(
                school=self.school,
                space=space,
                title=f"Uitje {i}",
                starts_at=now + dt.timedelta(days=i + 1),
                ends_at=now + dt.timedelta(days=i + 1, hours=1),
            )
            Activity.objects.create(
                school=self.school,
                title=f"Plan {i}",
                starts_at=now + dt.timedelta(days=i + 2),
                ends_at=now + dt.timedelta(days=i + 2, hours=1),
                publish_on_portal=True,
            )
        free = list(Slot.objects.filter(round=self.round, staff_member=self.tess.record, booking__isnull=True))
        for i in range(min(n, len(free) - 1)):
            family = make_family(self.school, self.group3, self.group5, n=100 + i + Event.objects.count())
            book(actor=family.mother.user, conference=self.round, choices=[Choice(family.younger.pk, free[i].pk)])

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(captured)

    def test_guardian_pages_use_the_same_number_of_queries_at_two_sizes(self) -> None:
        self.client.force_login(self.family.mother.user)
        urls = [reverse("agenda:home"), reverse("agenda:round", args=[self.round.pk])]
        self.grow(1)
        before = [self.queries(url) for url in urls]
        self.grow(4)
        self.assertEqual([self.queries(url) for url in urls], before)

    def test_teacher_overview_uses_the_same_number_of_queries_at_two_sizes(self) -> None:
        verified_login(self.client, self.tess.user)
        url = reverse("agenda-staff:round-overview", args=[self.round.pk])
        self.grow(1)
        before = self.queries(url), self.queries(reverse("agenda-staff:home"))
        self.grow(4)
        self.assertEqual((self.queries(url), self.queries(reverse("agenda-staff:home"))), before)

    def test_the_overview_lists_names_and_exports_pdf_and_xlsx(self) -> None:
        slot = Slot.objects.filter(round=self.round, staff_member=self.tess.record).first()
        assert slot is not None
        book(actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, slot.pk)])
        verified_login(self.client, self.tess.user)
        page = self.client.get(reverse("agenda-staff:round-overview", args=[self.round.pk]))
        self.assertContains(page, "Sam Bakker")
        self.assertContains(page, "Paula Bakker")
        self.assertNotContains(page, "Tom Meester")  # a teacher sees his own day
        pdf = self.client.get(reverse("agenda-staff:round-pdf", args=[self.round.pk]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        self.assertIn("Sam Bakker", text)
        xlsx = self.client.get(reverse("agenda-staff:round-xlsx", args=[self.round.pk]))
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        self.assertIn("Sam Bakker", values)
        verified_login(self.client, self.ada.user)  # the administrator sees every teacher
        self.assertContains(
            self.client.get(reverse("agenda-staff:round-overview", args=[self.round.pk])), "Tom Meester"
        )

    def test_availability_that_overlaps_or_does_not_divide_is_refused_and_nothing_saved(self) -> None:
        verified_login(self.client, self.ada.user)
        url = reverse("agenda-staff:round", args=[self.round.pk])
        day = conference_day()
        before = Slot.objects.count(), Availability.objects.count()
        base = {"staff_member": self.tess.record.pk, "date": day.isoformat(), "location": ""}
        response = self.client.post(url, {**base, "time_from": "18:30", "time_until": "19:30"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].has_error("time_from", "overlap"))
        response = self.client.post(url, {**base, "time_from": "20:00", "time_until": "20:55"})
        self.assertTrue(response.context["form"].has_error("time_until", "not_divisible"))
        self.assertContains(response, "55")
        self.assertEqual((Slot.objects.count(), Availability.objects.count()), before)
        response = self.client.post(
            url, {**base, "time_from": "20:00", "time_until": "21:00", "break_from": "20:20", "break_until": "20:30"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Slot.objects.count(), before[0] + 5)
        self.assertEqual(Slot.objects.filter(round=self.round, starts_at=at(day, 20, 20)).count(), 0)

    def test_a_teacher_adds_only_his_own_times_and_rounds_belong_to_administrators(self) -> None:
        verified_login(self.client, self.tess.user)
        page = self.client.get(reverse("agenda-staff:round", args=[self.round.pk]))
        self.assertEqual(list(page.context["form"].fields["staff_member"].queryset), [self.tess.record])
        self.assertEqual(self.client.get(reverse("agenda-staff:round-new")).status_code, 404)
        self.assertEqual(self.client.get(reverse("agenda-staff:import")).status_code, 404)

    def test_the_administrator_creates_a_round_and_an_event(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.client.post(
            reverse("agenda-staff:round-new"),
            {
                "title": "Adviesgesprekken",
                "kind": "advice",
                "groups": [self.group5.pk],
                "slot_minutes": "15",
                "buffer_minutes": "5",
                "opens_date": "2027-01-10",
                "opens_time": "19:00",
                "deadline_date": "2027-01-09",
                "deadline_time": "19:00",
                "sibling_lead_hours": "24",
            },
        )
        self.assertTrue(response.context["form"].has_error("deadline_date"))
        self.assertFalse(ConferenceRound.objects.filter(title="Adviesgesprekken").exists())
        response = self.client.post(
            reverse("agenda-staff:event-new"),
            {
                "space": Space.objects.get(school=self.school, kind=Space.Kind.SCHOOL).pk,
                "title": "Sportdag",
                "date": "2027-05-20",
                "all_day": "on",
                "remind_days_before": "2",
                "volunteer_places": "4",
                "rsvp": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        event = Event.objects.get(title="Sportdag")
        self.assertEqual(
            (event.remind_days_before, event.volunteer_places, event.rsvp, event.all_day), (2, 4, True, True)
        )

    def test_a_teacher_puts_events_only_in_his_own_groups(self) -> None:
        verified_login(self.client, self.tess.user)
        response = self.client.get(reverse("agenda-staff:event-new"))
        self.assertEqual([s.group_id for s in response.context["form"].fields["space"].queryset], [self.group3.pk])


class PrivacyMatrixTests(SchoolTestCase):
    """Objects that exist but are not the persona's answer 404 on GET and POST."""

    tom: Persona
    round: ConferenceRound
    other_round: ConferenceRound

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tom = make_teacher_for(cls.school, cls.group5)
        cls.round = make_round(cls.school, [cls.group3], [cls.tess])
        other_teacher = make_teacher_for(cls.other_school, cls.other_group, email="wendy@test.nl")
        cls.other_round = make_round(cls.other_school, [cls.other_group], [other_teacher])

    def test_hidden_objects_are_not_found(self) -> None:
        slot = Slot.objects.filter(round=self.round).first()
        assert slot is not None
        booking = book(actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, slot.pk)])[0]
        now = timezone.now()
        group_event = Event.objects.create(
            school=self.school,
            space=Space.objects.get(group=self.group3),
            title="Groep 3",
            starts_at=now + dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=1),
        )
        other_school_event = Event.objects.create(
            school=self.other_school,
            space=Space.objects.get(school=self.other_school, kind=Space.Kind.SCHOOL),
            title="Elders",
            starts_at=now + dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=1),
        )
        cases = [
            (self.otto, reverse("agenda:event", args=[group_event.pk])),  # another group's event
            (self.paula, reverse("agenda:event", args=[other_school_event.pk])),  # another school's
            (self.otto, reverse("agenda:round", args=[self.round.pk])),  # a round of another group
            (self.paula, reverse("agenda:round", args=[self.other_round.pk])),
            (self.otto, reverse("agenda:booking-cancel", args=[booking.pk])),  # another family's booking
            (self.gerda, reverse("agenda:booking-cancel", args=[booking.pk])),  # no access right
            (self.lars, reverse("agenda:round", args=[self.round.pk])),  # his child left
        ]
        for persona, url in cases:
            self.client.force_login(persona.user)
            for method in ("get", "post"):
                self.assertEqual(
                    getattr(self.client, method)(url).status_code, 404, (persona.account.email, method, url)
                )
        staff_cases = [
            (self.wim, reverse("agenda-staff:event", args=[group_event.pk])),
            (self.wim, reverse("agenda-staff:round", args=[self.round.pk])),
            (self.wim, reverse("agenda-staff:round-overview", args=[self.round.pk])),
            (self.wim, reverse("agenda-staff:round-pdf", args=[self.round.pk])),
            (self.ada, reverse("agenda-staff:round-xlsx", args=[self.other_round.pk])),
        ]
        for persona, url in staff_cases:
            verified_login(self.client, persona.user)
            self.assertEqual(self.client.get(url).status_code, 404, url)
        # A guardian on staff pages and staff on guardian pages: not found either.
        self.client.force_login(self.paula.user)
        self.assertEqual(self.client.get(reverse("agenda-staff:home")).status_code, 404)
        verified_login(self.client, self.tess.user)
        self.assertEqual(self.client.get(reverse("agenda:round", args=[self.round.pk])).status_code, 404)
        self.assertTrue(type(booking).objects.filter(pk=booking.pk).exists())


class EventAttachmentTests(SchoolTestCase):
    """An event's attachment goes through the media pipeline and is served after the event rule."""

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        storages = {
            **settings.STORAGES,
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": directory.name, "base_url": None},
            },
        }
        override = self.settings(STORAGES=storages)
        override.enable()
        self.addCleanup(override.disable)

    def post_event(self, upload: SimpleUploadedFile) -> Any:
        verified_login(self.client, self.tess.user)
        return self.client.post(
            reverse("agenda-staff:event-new"),
            {
                "space": Space.objects.get(group=self.group3).pk,
                "title": "Schoolreis",
                "date": "2027-05-20",
                "all_day": "on",
                "attachment": upload,
            },
        )

    def test_a_document_is_stored_privately_and_served_only_to_those_who_see_the_event(self) -> None:
        self.assertEqual(self.post_event(pdf_upload("Paklijst schoolreis.pdf")).status_code, 302)
        event = Event.objects.select_related("attachment").get(title="Schoolreis")
        assert event.attachment is not None
        self.assertIsNotNone(event.attachment.attached_at)
        self.assertEqual(event.attachment.content_type, "application/pdf")
        url = reverse("agenda:event-file", args=[event.pk])
        self.client.force_login(self.paula.user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertEqual(response_body(response), MINIMAL_PDF)
        self.client.force_login(self.otto.user)  # a guardian of another group
        self.assertEqual(self.client.get(url).status_code, 404)
        verified_login(self.client, self.wim.user)  # staff of another school
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_file_that_is_not_what_it_claims_saves_no_event(self) -> None:
        fake = SimpleUploadedFile("paklijst.pdf", b"just text, not a PDF", content_type="application/pdf")
        response = self.post_event(fake)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].has_error("attachment"))
        self.assertFalse(Event.objects.filter(title="Schoolreis").exists())
        self.assertFalse(StoredFile.objects.exists())
