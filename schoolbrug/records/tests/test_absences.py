"""Absences (REC-1): recording for one or many pupils, overlaps, idempotency, group overviews."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.testing import SchoolTestCase, make_pupil

from ..models import Absence, AbsenceReason
from ..services.absences import absence_mark_processed, absence_record
from .helpers import at, fill_group_with_absences, login, make_reasons

MONDAY = dt.date(2026, 11, 16)


class AbsenceServiceTests(SchoolTestCase):
    def setUp(self) -> None:
        self.reasons = make_reasons(self.school)

    def record(self, *pupils, start=None, end=None, reason=None, key=None, actor=None):  # type: ignore[no-untyped-def]
        return absence_record(
            actor=(actor or self.tess).user,
            pupils=list(pupils) or [self.sam],
            starts_at=start or at(MONDAY),
            ends_at=end or at(MONDAY + dt.timedelta(days=1)),
            reason=reason or self.reasons["sick"],
            remark="",
            client_key=key or uuid.uuid4(),
            whole_day=True,
        )

    def test_records_an_absence_in_the_school_year_of_its_date(self) -> None:
        [absence] = self.record()
        self.assertEqual(absence.year, self.year)
        self.assertEqual(absence.recorded_by, self.tess.user)
        self.assertEqual(absence.source, Absence.Source.STAFF)
        self.assertFalse(absence.processed)

    def test_several_pupils_at_once_in_one_go(self) -> None:
        extra = make_pupil(self.school, "Noor", "Jansen", self.group3)
        with count_queries() as queries:
            absences = self.record(self.sam, extra)
        inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
        self.assertEqual(len(inserts), 1, "one bulk insert for all pupils")
        self.assertEqual({a.pupil_id for a in absences}, {self.sam.pk, extra.pk})

    def test_overlap_is_refused_naming_pupil_and_existing_absence(self) -> None:
        self.record()
        with self.assertRaises(ValidationError) as caught:
            self.record(start=at(MONDAY, 10), end=at(MONDAY, 12), reason=self.reasons["dentist"])
        message = " ".join(caught.exception.messages)
        self.assertIn("Sam Bakker", message)
        self.assertIn("16-11-2026", message)
        self.assertIn("Ziek", message)
        self.assertEqual(Absence.objects.count(), 1)

    def test_overlap_for_one_pupil_saves_nothing_for_the_others(self) -> None:
        extra = make_pupil(self.school, "Noor", "Jansen", self.group3)
        self.record(self.sam)
        with self.assertRaises(ValidationError):
            self.record(self.sam, extra)
        self.assertFalse(Absence.objects.filter(pupil=extra).exists())

    def test_adjacent_absences_do_not_overlap(self) -> None:
        self.record()
        self.record(start=at(MONDAY + dt.timedelta(days=1)), end=at(MONDAY + dt.timedelta(days=2)))
        self.assertEqual(Absence.objects.filter(pupil=self.sam).count(), 2)

    def test_repeating_the_same_key_returns_the_first_result(self) -> None:
        key = uuid.uuid4()
        first = self.record(key=key)
        again = self.record(key=key)
        self.assertEqual([a.pk for a in first], [a.pk for a in again])
        self.assertEqual(Absence.objects.count(), 1)

    def test_end_before_start_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.record(start=at(MONDAY, 12), end=at(MONDAY, 10))
        self.assertIn("ends_at", caught.exception.error_dict)

    def test_date_outside_every_school_year_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            self.record(start=at(dt.date(2026, 8, 1)), end=at(dt.date(2026, 8, 2)))

    def test_reason_of_another_school_or_inactive_is_refused(self) -> None:
        foreign = AbsenceReason.objects.create(school=self.other_school, name="Ziek")
        inactive = AbsenceReason.objects.create(school=self.school, name="Oud", active=False)
        for reason in (foreign, inactive):
            with self.assertRaises(ValidationError):
                self.record(reason=reason)

    def test_teacher_cannot_record_for_a_pupil_outside_his_groups(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.record(self.olivia)
        with self.assertRaises(PermissionDenied):
            self.record(self.sam, actor=self.wim)

    def test_guardian_may_report_only_with_a_reason_guardians_may_use(self) -> None:
        with self.assertRaises(ValidationError):
            self.record(actor=self.paula)
        [absence] = self.record(actor=self.paula, reason=self.reasons["dentist"])
        self.assertEqual(absence.source, Absence.Source.GUARDIAN)
        with self.assertRaises(PermissionDenied):
            self.record(self.olivia, actor=self.paula, reason=self.reasons["dentist"])

    def test_mark_processed(self) -> None:
        [absence] = self.record()
        absence_mark_processed(actor=self.tess.user, absence=absence)
        absence.refresh_from_db()
        self.assertTrue(absence.processed)
        with self.assertRaises(PermissionDenied):
            absence_mark_processed(actor=self.paula.user, absence=absence)


class AbsencePageTests(SchoolTestCase):
    def setUp(self) -> None:
        self.reasons = make_reasons(self.school)

    def post_absence(self, url: str, **fields: Any) -> Any:
        data = {
            "date_from": "2026-11-16",
            "date_until": "",
            "whole_day": "on",
            "reason": self.reasons["sick"].pk,
            "remark": "Koorts",
            "client_key": str(uuid.uuid4()),
        }
        data.update({k: v for k, v in fields.items()})  # type: ignore[misc]
        return self.client.post(url, {k: v for k, v in data.items() if v is not None})

    def test_teacher_records_an_absence_for_a_date_range(self) -> None:
        login(self.client, self.tess)
        url = reverse("records:pupil-absence-new", args=[self.sam.pk])
        response = self.post_absence(url, date_until="2026-11-18")
        self.assertRedirects(response, reverse("records:pupil-absences", args=[self.sam.pk]))
        absence = Absence.objects.get()
        self.assertEqual(absence.starts_at, at(MONDAY))
        self.assertEqual(absence.ends_at, at(MONDAY + dt.timedelta(days=3)))
        self.assertTrue(absence.whole_day)
        self.assertEqual(absence.remark, "Koorts")

    def test_teacher_records_a_date_time_range(self) -> None:
        login(self.client, self.tess)
        url = reverse("records:pupil-absence-new", args=[self.sam.pk])
        self.post_absence(url, whole_day=None, time_from="10:00", time_until="11:30")
        absence = Absence.objects.get()
        self.assertEqual((absence.starts_at, absence.ends_at), (at(MONDAY, 10), at(MONDAY, 11, 30)))
        self.assertFalse(absence.whole_day)

    def test_range_ending_before_it_starts_gets_a_field_error(self) -> None:
        login(self.client, self.tess)
        url = reverse("records:pupil-absence-new", args=[self.sam.pk])
        response = self.post_absence(url, date_until="2026-11-13")
        self.assertEqual(response.status_code, 200)
        self.assertIn("date_until", response.context["form"].errors)
        response = self.post_absence(url, whole_day=None, time_from="11:00", time_until="10:00")
        self.assertIn("time_until", response.context["form"].errors)
        self.assertFalse(Absence.objects.exists())

    def test_overlap_message_on_the_form(self) -> None:
        login(self.client, self.tess)
        url = reverse("records:pupil-absence-new", args=[self.sam.pk])
        self.post_absence(url)
        response = self.post_absence(url, whole_day=None, time_from="09:00", time_until="10:00")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Sam Bakker", " ".join(response.context["form"].non_field_errors()))
        self.assertEqual(Absence.objects.count(), 1)

    def test_repeated_post_returns_the_first_result(self) -> None:
        login(self.client, self.tess)
        url = reverse("records:pupil-absence-new", args=[self.sam.pk])
        key = str(uuid.uuid4())
        first = self.post_absence(url, client_key=key)
        second = self.post_absence(url, client_key=key)
        self.assertEqual(first.status_code, 302)  # type: ignore[attr-defined]
        self.assertEqual(second.status_code, 302)  # type: ignore[attr-defined]
        self.assertEqual(Absence.objects.count(), 1)

    def test_group_form_records_several_pupils(self) -> None:
        extra = make_pupil(self.school, "Noor", "Jansen", self.group3)
        login(self.client, self.tess)
        url = reverse("records:group-absence-new", args=[self.group3.pk])
        response = self.post_absence(url, pupils=[self.sam.pk, extra.pk])
        self.assertEqual(response.status_code, 302)  # type: ignore[attr-defined]
        self.assertEqual(set(Absence.objects.values_list("pupil_id", flat=True)), {self.sam.pk, extra.pk})

    def test_group_form_does_not_accept_a_pupil_of_another_group(self) -> None:
        login(self.client, self.pim)
        url = reverse("records:group-absence-new", args=[self.group3.pk])
        response = self.post_absence(url, pupils=[self.olivia.pk])
        self.assertIn("pupils", response.context["form"].errors)  # type: ignore[attr-defined]
        self.assertFalse(Absence.objects.exists())

    def test_mark_processed_from_the_list(self) -> None:
        [absence] = absence_record(
            actor=self.tess.user, pupils=[self.sam], starts_at=at(MONDAY), ends_at=at(MONDAY, 12),
            reason=self.reasons["sick"], client_key=None,
        )  # fmt: skip
        login(self.client, self.tess)
        list_url = reverse("records:pupil-absences", args=[self.sam.pk])
        response = self.client.post(
            reverse("records:absence-processed", args=[absence.pk]), {"processed": "1", "next": list_url}
        )
        self.assertRedirects(response, list_url)
        absence.refresh_from_db()
        self.assertTrue(absence.processed)

    def test_remove_an_absence_recorded_by_mistake(self) -> None:
        [absence] = absence_record(
            actor=self.tess.user, pupils=[self.sam], starts_at=at(MONDAY), ends_at=at(MONDAY, 12),
            reason=self.reasons["sick"], client_key=None,
        )  # fmt: skip
        login(self.client, self.tess)
        delete = reverse("records:absence-delete", args=[absence.pk])
        question = self.client.post(delete, headers={"accept-language": "en"})  # one click asks first
        self.assertContains(question, "Remove this absence?")
        self.assertContains(question, "Sam Bakker · Ziek")
        self.assertTrue(Absence.objects.exists())
        response = self.client.post(delete, {"confirm": "yes"})
        self.assertRedirects(response, reverse("records:pupil-absences", args=[self.sam.pk]))
        self.assertFalse(Absence.objects.exists())

    def test_group_overview_per_day_and_week(self) -> None:
        absence_record(
            actor=self.tess.user, pupils=[self.sam], starts_at=at(MONDAY + dt.timedelta(days=1)),
            ends_at=at(MONDAY + dt.timedelta(days=3)), reason=self.reasons["sick"], client_key=None, whole_day=True,
        )  # fmt: skip
        login(self.client, self.tess)
        url = reverse("records:group-absences", args=[self.group3.pk])
        response = self.client.get(url, {"day": "2026-11-17"})
        [row] = response.context["rows"]
        self.assertEqual(len(row.cells[0].absences), 1)
        response = self.client.get(url, {"day": "2026-11-16"})
        self.assertEqual(response.context["rows"][0].cells[0].absences, [])
        response = self.client.get(url, {"day": "2026-11-19", "view": "week"})
        [row] = response.context["rows"]
        self.assertEqual([len(cell.absences) for cell in row.cells], [0, 1, 1, 0, 0])
        self.assertEqual(response.context["days"][0], MONDAY)


class AbsenceAccessTests(SchoolTestCase):
    def setUp(self) -> None:
        self.reasons = make_reasons(self.school)
        [self.absence] = absence_record(
            actor=self.pim.user, pupils=[self.olivia], starts_at=at(MONDAY), ends_at=at(MONDAY, 12),
            reason=self.reasons["sick"], client_key=None,
        )  # fmt: skip

    def test_access_matrix(self) -> None:
        sam_urls = [
            reverse("records:pupil-absences", args=[self.sam.pk]),
            reverse("records:pupil-absence-new", args=[self.sam.pk]),
            reverse("records:group-absences", args=[self.group3.pk]),
            reverse("records:group-absence-new", args=[self.group3.pk]),
        ]
        olivia_urls = [
            reverse("records:pupil-absences", args=[self.olivia.pk]),
            reverse("records:pupil-absence-new", args=[self.olivia.pk]),
            reverse("records:group-absences", args=[self.group5.pk]),
            reverse("records:group-absence-new", args=[self.group5.pk]),
        ]
        login(self.client, self.tess)
        for url in [*sam_urls, reverse("records:absences"), reverse("records:absence-reasons")]:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        for url in olivia_urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        processed = reverse("records:absence-processed", args=[self.absence.pk])
        self.assertEqual(self.client.post(processed, {"processed": "1"}).status_code, 404)
        for persona in (self.wim, self.paula, self.otto):
            login(self.client, persona)
            for url in [*sam_urls, *olivia_urls]:
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))
            self.assertEqual(self.client.post(processed, {"processed": "1"}).status_code, 404)
        login(self.client, self.tess)
        delete = reverse("records:absence-delete", args=[self.absence.pk])
        self.assertEqual(self.client.get(delete).status_code, 404)
        self.assertEqual(self.client.post(delete, {"confirm": "yes"}).status_code, 404)
        for persona in (self.wim, self.paula, self.otto):
            login(self.client, persona)
            self.assertEqual(self.client.get(delete).status_code, 404)
            self.assertEqual(self.client.post(delete, {"confirm": "yes"}).status_code, 404)
        self.absence.refresh_from_db()
        self.assertFalse(self.absence.processed)

    def test_reasons_are_managed_by_the_administrator_only(self) -> None:
        reason = self.reasons["sick"]
        edit = reverse("records:absence-reason-edit", args=[reason.pk])
        for persona in (self.tess, self.pim, self.wim, self.paula):
            login(self.client, persona)
            self.assertEqual(self.client.get(edit).status_code, 404, persona.user.email)
            self.assertEqual(self.client.post(edit, {"name": "X", "active": "on"}).status_code, 404)
            if persona is not self.wim:  # wim administers his own school's reasons
                new = reverse("records:absence-reason-new")
                self.assertEqual(self.client.post(new, {"name": "X"}).status_code, 404)
        self.assertFalse(AbsenceReason.objects.filter(school=self.school, name="X").exists())
        login(self.client, self.ada)
        response = self.client.post(edit, {"name": "Ziek", "is_authorised": "", "active": "on"})
        self.assertRedirects(response, reverse("records:absence-reasons"))
        reason.refresh_from_db()
        self.assertFalse(reason.is_authorised)
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.SETTING_CHANGED)
        self.assertEqual(event.school_id, self.school.pk)
        self.assertEqual(event.data["before"]["is_authorised"], True)

    def test_duplicate_reason_name_gets_a_message(self) -> None:
        login(self.client, self.ada)
        response = self.client.post(reverse("records:absence-reason-new"), {"name": "Ziek", "active": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertEqual(AbsenceReason.objects.filter(school=self.school, name="Ziek").count(), 1)


class AbsenceQueryCountTests(SchoolTestCase):
    def test_group_overview_day_and_week_keep_their_query_count(self) -> None:
        reason = make_reasons(self.school)["sick"]
        login(self.client, self.tess)
        url = reverse("records:group-absences", args=[self.group3.pk])
        for params in ({"day": "2026-11-16"}, {"day": "2026-11-16", "view": "week"}):
            fill_group_with_absences(self.school, self.group3, reason, 3, MONDAY)
            self.client.get(url, params)  # warm up session and caches
            with count_queries() as small:
                self.assertEqual(self.client.get(url, params).status_code, 200)
            fill_group_with_absences(self.school, self.group3, reason, 25, MONDAY)
            with count_queries() as large:
                response = self.client.get(url, params)
            self.assertGreater(len(response.context["rows"]), 25)
            assert_same_query_count(small, large, f"group absences {params}")
