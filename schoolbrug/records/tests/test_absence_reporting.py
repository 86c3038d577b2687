"""ABS-1 … ABS-4: the school's rules, guardians' reports, the teacher's register, leave requests
and the absence signals."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.notifications.models import Notification
from schoolbrug.sis.models import GroupStaff
from schoolbrug.sis.testing import SchoolTestCase, make_pupil, make_staff_account

from ..models import Absence, AbsenceReason, AbsenceRules, LeaveRequest
from ..selectors.absences import absence_signals, unauthorised_hours
from ..services import leave as leave_services
from ..services import reporting
from .helpers import AMS, at, login, make_reasons

TUESDAY = dt.date(2026, 11, 10)


def frozen(day: dt.date, hour: int, minute: int = 0) -> time_machine.travel:
    return time_machine.travel(at(day, hour, minute), tick=False)


class ReportingTestCase(SchoolTestCase):
    reasons: dict[str, AbsenceReason]
    rules: AbsenceRules

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.reasons = make_reasons(cls.school)
        sick = cls.reasons["sick"]
        sick.guardians_may_report = True
        sick.guardian_cutoff = AbsenceReason.Cutoff.BEFORE_TIME
        sick.cutoff_time = dt.time(8, 30)
        sick.save()
        cls.reasons["hospital"] = AbsenceReason.objects.create(
            school=cls.school,
            name="Ziekenhuis",
            guardians_may_report=True,
            guardian_cutoff=AbsenceReason.Cutoff.PHONE_ONLY,
        )
        cls.rules = AbsenceRules.objects.create(
            school=cls.school, guardians_may_report=True, message="Ziek? Bel voor 08:30.", phone="0570-123456"
        )

    def report(self, *, who=None, reason="dentist", day=TUESDAY, start=10, end=12, key=None, remark="Tandarts"):  # type: ignore[no-untyped-def]
        return reporting.guardian_absence_report(
            actor=(who or self.paula).user,
            pupil=self.sam,
            reason=self.reasons[reason],
            starts_at=at(day, start),
            ends_at=at(day, end),
            whole_day=False,
            remark=remark,
            client_key=key or uuid.uuid4(),
        )


class GuardianReportTests(ReportingTestCase):
    def test_a_report_lands_in_the_pupil_file_unprocessed_and_the_teacher_is_notified(self) -> None:
        with frozen(TUESDAY, 7):
            absence = self.report()
        self.assertEqual(absence.source, Absence.Source.GUARDIAN)
        self.assertFalse(absence.processed)
        self.assertEqual(absence.recorded_by, self.paula.user)
        to_teacher = Notification.objects.get(recipient=self.tess.user)
        self.assertIn("Sam", to_teacher.title)
        self.assertIn(reverse("records:group-absences", args=[self.group3.pk]), to_teacher.link)
        # Only the group's teacher; the principal of the whole school is not disturbed.
        self.assertFalse(Notification.objects.filter(recipient=self.pim.user).exists())

    def test_a_repeat_with_the_same_key_returns_the_first_absence(self) -> None:
        key = uuid.uuid4()
        with frozen(TUESDAY, 7):
            first = self.report(key=key)
            again = self.report(key=key)
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(Absence.objects.count(), 1)
        self.assertEqual(Notification.objects.filter(recipient=self.tess.user).count(), 1)

    def test_the_same_key_with_other_content_is_refused_and_nothing_changes(self) -> None:
        key = uuid.uuid4()
        with frozen(TUESDAY, 7):
            self.report(key=key)
            with self.assertRaises(ValidationError) as caught:
                self.report(key=key, start=13, end=14)
        self.assertEqual(caught.exception.code, "client_key_reused")
        self.assertEqual(Absence.objects.get().starts_at, at(TUESDAY, 10))

    def test_sickness_after_the_cut_off_gives_the_schools_phone_number(self) -> None:
        with frozen(TUESDAY, 8, 45), self.assertRaises(ValidationError) as caught:
            self.report(reason="sick", start=9, end=15)
        self.assertIn("0570-123456", str(caught.exception))
        self.assertFalse(Absence.objects.exists())
        with frozen(TUESDAY, 8, 10):
            self.report(reason="sick", start=9, end=15)
        # Tomorrow's sickness may be reported in the evening.
        with frozen(TUESDAY, 20):
            self.report(reason="sick", day=TUESDAY + dt.timedelta(days=1))
        self.assertEqual(Absence.objects.count(), 2)

    def test_a_phone_only_reason_is_never_taken_in_the_app(self) -> None:
        with frozen(TUESDAY, 6), self.assertRaises(ValidationError) as caught:
            self.report(reason="hospital")
        self.assertIn("0570-123456", str(caught.exception))
        self.assertFalse(Absence.objects.exists())

    def test_bad_input_is_refused_and_nothing_is_stored(self) -> None:
        with frozen(TUESDAY, 7):
            for kwargs in (
                {"reason": "truant"},  # not allowed for guardians
                {"start": 12, "end": 10},  # ends before it starts
                {"day": dt.date(2027, 8, 2)},  # outside the school year
                {"day": TUESDAY - dt.timedelta(days=1)},  # the past
            ):
                with self.subTest(kwargs), self.assertRaises(ValidationError):
                    self.report(**kwargs)
        self.assertFalse(Absence.objects.exists())
        self.assertFalse(Notification.objects.exists())

    def test_reporting_switched_off_refuses(self) -> None:
        AbsenceRules.objects.filter(pk=self.rules.pk).update(guardians_may_report=False)
        with frozen(TUESDAY, 7), self.assertRaises(ValidationError):
            self.report()
        self.assertFalse(Absence.objects.exists())

    def test_another_familys_child_is_refused(self) -> None:
        with frozen(TUESDAY, 7), self.assertRaises(Exception):  # noqa: B017
            reporting.guardian_absence_report(
                actor=self.otto.user,
                pupil=self.sam,
                reason=self.reasons["dentist"],
                starts_at=at(TUESDAY, 10),
                ends_at=at(TUESDAY, 11),
                whole_day=False,
                remark="",
                client_key=uuid.uuid4(),
            )
        self.assertFalse(Absence.objects.exists())

    def test_withdraw_until_processed_by_either_guardian(self) -> None:
        with frozen(TUESDAY, 7):
            first = self.report()
            reporting.guardian_absence_withdraw(actor=self.dirk.user, absence_id=first.pk)
            self.assertFalse(Absence.objects.exists())
            second = self.report()
        Absence.objects.filter(pk=second.pk).update(processed=True)
        with self.assertRaises(ValidationError):
            reporting.guardian_absence_withdraw(actor=self.paula.user, absence_id=second.pk)
        self.assertTrue(Absence.objects.filter(pk=second.pk).exists())


class RulesPageTests(ReportingTestCase):
    def test_the_communication_admin_sets_the_rules_and_the_reasons(self) -> None:
        comms = make_staff_account(self.school, "comms@test.nl", "Cor", "Communicatie", is_communication_admin=True)
        client = Client()
        login(client, comms)
        url = reverse("records:absence-rules")
        self.assertEqual(client.get(url).status_code, 200)
        data = {"guardians_may_report": "on", "message": "Bel bij ziekte.", "phone": "0570-999999"}
        for reason in AbsenceReason.objects.filter(school=self.school):
            data[f"cutoff_{reason.pk}"] = AbsenceReason.Cutoff.ANYTIME
        sick = self.reasons["sick"]
        data[f"cutoff_{sick.pk}"] = AbsenceReason.Cutoff.PHONE_ONLY
        data[f"allowed_{sick.pk}"] = "on"
        response = client.post(url, data)
        self.assertEqual(response.status_code, 302)
        sick.refresh_from_db()
        self.assertEqual(sick.guardian_cutoff, AbsenceReason.Cutoff.PHONE_ONLY)
        self.assertFalse(AbsenceReason.objects.get(pk=self.reasons["dentist"].pk).guardians_may_report)
        self.assertEqual(AbsenceRules.objects.get(school=self.school).phone, "0570-999999")
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.SETTING_CHANGED)
        self.assertIn("Ziek", event.data["reasons_changed"])

    def test_teachers_do_not_reach_the_rules(self) -> None:
        client = Client()
        login(client, self.tess)
        self.assertEqual(client.get(reverse("records:absence-rules")).status_code, 404)
        self.assertEqual(client.post(reverse("records:absence-rules"), {}).status_code, 404)


class RegisterTests(ReportingTestCase):
    def test_one_post_records_the_whole_group_and_a_repeat_changes_nothing(self) -> None:
        mia = make_pupil(self.school, "Mia", "Jansen", self.group3)
        client = Client()
        login(client, self.tess)
        day = dt.date(2026, 11, 11)
        data = {
            "day": day.isoformat(),
            "client_key": str(uuid.uuid4()),
            f"reason_{self.sam.pk}": str(self.reasons["sick"].pk),
            f"reason_{mia.pk}": str(self.reasons["truant"].pk),
        }
        url = reverse("records:group-register", args=[self.group3.pk])
        self.assertEqual(client.post(url, data).status_code, 302)
        self.assertEqual(client.post(url, data).status_code, 302)
        self.assertEqual(
            sorted(Absence.objects.values_list("pupil_id", "reason_id")),
            sorted([(self.sam.pk, self.reasons["sick"].pk), (mia.pk, self.reasons["truant"].pk)]),
        )
        page = client.get(reverse("records:group-absences", args=[self.group3.pk]) + f"?day={day.isoformat()}")
        self.assertContains(page, "Ziek")

    def test_a_pupil_outside_the_teachers_groups_is_not_recorded(self) -> None:
        client = Client()
        login(client, self.tess)
        data = {
            "day": "2026-11-11",
            "client_key": str(uuid.uuid4()),
            f"reason_{self.olivia.pk}": str(self.reasons["sick"].pk),
        }
        client.post(reverse("records:group-register", args=[self.group3.pk]), data)
        self.assertEqual(client.post(reverse("records:group-register", args=[self.group5.pk]), data).status_code, 404)
        self.assertFalse(Absence.objects.exists())

    def test_the_teacher_processes_a_guardian_report_in_the_day_view(self) -> None:
        with frozen(TUESDAY, 7):
            absence = self.report()
        client = Client()
        login(client, self.tess)
        day_url = reverse("records:group-absences", args=[self.group3.pk]) + f"?day={TUESDAY.isoformat()}"
        page = client.get(day_url)
        self.assertContains(page, f'data-testid="process-{absence.pk}"')
        client.post(reverse("records:absence-processed", args=[absence.pk]), {"processed": "1", "next": day_url})
        absence.refresh_from_db()
        self.assertTrue(absence.processed)

    def test_the_day_view_takes_the_same_queries_at_two_sizes(self) -> None:
        client = Client()
        login(client, self.tess)
        url = reverse("records:group-absences", args=[self.group3.pk]) + f"?day={TUESDAY.isoformat()}"
        client.get(url)  # warm the session and caches

        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(client.get(url).status_code, 200)
            return len(queries)

        small = count()
        print(f"day view: {small} queries")  # the figure the report quotes
        for i in range(15):
            pupil = make_pupil(self.school, f"Kind{i}", f"Groot{i}", self.group3)
            Absence.objects.create(
                pupil=pupil,
                year=self.year,
                starts_at=at(TUESDAY),
                ends_at=at(TUESDAY + dt.timedelta(days=1)),
                reason=self.reasons["sick"],
                source=Absence.Source.GUARDIAN,
            )
        self.assertEqual(count(), small)


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, format="PNG")
    return out.getvalue()


class LeaveTests(ReportingTestCase):
    def submit(self, first: dt.date, last: dt.date, **kwargs):  # type: ignore[no-untyped-def]
        return leave_services.leave_request_submit(
            actor=self.paula.user,
            pupil=self.sam,
            first_day=first,
            last_day=last,
            reason=kwargs.get("reason", "Bruiloft oma"),
            attachment=kwargs.get("attachment"),
            client_key=kwargs.get("key", uuid.uuid4()),
        )

    def test_approved_leave_becomes_an_authorised_absence_and_the_guardian_is_told(self) -> None:
        leave = self.submit(dt.date(2026, 11, 16), dt.date(2026, 11, 17))
        self.assertEqual(leave.school_days, 2)
        self.assertFalse(leave.needs_attendance_officer)
        leave_services.leave_request_decide(actor=self.pim.user, leave_id=leave.pk, approve=True, explanation="")
        absence = Absence.objects.get(leave_request=leave)
        self.assertTrue(absence.reason.is_authorised)
        self.assertTrue(absence.processed)
        self.assertEqual(absence.starts_at, at(dt.date(2026, 11, 16)))
        self.assertEqual(absence.ends_at, at(dt.date(2026, 11, 18)))
        told = Notification.objects.get(recipient=self.paula.user)
        self.assertEqual(told.link, reverse("portal:child-leave", args=[self.sam.pk]))

    def test_refusal_needs_a_reason_and_creates_no_absence(self) -> None:
        leave = self.submit(dt.date(2026, 11, 16), dt.date(2026, 11, 16))
        with self.assertRaises(ValidationError):
            leave_services.leave_request_decide(actor=self.pim.user, leave_id=leave.pk, approve=False, explanation="")
        leave_services.leave_request_decide(
            actor=self.pim.user, leave_id=leave.pk, approve=False, explanation="Geen gewichtige omstandigheid."
        )
        leave.refresh_from_db()
        self.assertEqual(leave.status, LeaveRequest.Status.REFUSED)
        self.assertFalse(Absence.objects.exists())

    def test_over_ten_school_days_is_flagged_for_the_attendance_officer(self) -> None:
        leave = self.submit(dt.date(2026, 11, 16), dt.date(2026, 11, 30))  # 11 school days
        self.assertEqual(leave.school_days, 11)
        self.assertTrue(leave.needs_attendance_officer)
        self.assertFalse(self.submit(dt.date(2026, 11, 16), dt.date(2026, 11, 27)).needs_attendance_officer)

    def test_a_teacher_cannot_decide(self) -> None:
        leave = self.submit(dt.date(2026, 11, 16), dt.date(2026, 11, 16))
        with self.assertRaises(Exception):  # noqa: B017
            leave_services.leave_request_decide(actor=self.tess.user, leave_id=leave.pk, approve=True, explanation="")
        client = Client()
        login(client, self.tess)
        self.assertEqual(client.get(reverse("records:leave-request", args=[leave.pk])).status_code, 404)
        self.assertEqual(client.get(reverse("records:leave-requests")).status_code, 404)

    def test_bad_leave_input_stores_nothing(self) -> None:
        key = uuid.uuid4()
        self.submit(dt.date(2026, 11, 16), dt.date(2026, 11, 16), key=key)
        for first, last, kwargs in (
            (dt.date(2026, 11, 17), dt.date(2026, 11, 16), {}),
            (dt.date(2027, 7, 12), dt.date(2027, 7, 23), {}),
            (dt.date(2026, 11, 14), dt.date(2026, 11, 15), {}),  # a weekend
            (dt.date(2026, 11, 16), dt.date(2026, 11, 16), {"reason": "x" * 2001}),
            (dt.date(2026, 11, 16), dt.date(2026, 11, 17), {"key": key}),  # same key, other dates
        ):
            with self.subTest(first=first, last=last), self.assertRaises(ValidationError):
                self.submit(first, last, **kwargs)
        self.assertEqual(LeaveRequest.objects.count(), 1)

    def test_attachments_are_judged_by_content_and_served_only_as_downloads(self) -> None:
        content, kind, _name = leave_services.checked_attachment(io.BytesIO(pdf_bytes()), "brief.pdf", None)
        self.assertEqual(kind, "application/pdf")
        _png, kind, name = leave_services.checked_attachment(io.BytesIO(png_bytes()), "foto\u202egnp.jpg", None)
        self.assertEqual((kind, name), ("image/png", "fotognp.png"))
        for bad in (b"<html><script>alert(1)</script></html>", b"GIF89a<script>", b""):
            with self.assertRaises(ValidationError):
                leave_services.checked_attachment(io.BytesIO(bad), "brief.pdf", None)
        with self.assertRaises(ValidationError):
            leave_services.checked_attachment(io.BytesIO(b"%PDF-" + b"0" * (5 * 1024 * 1024)), "groot.pdf", None)
        leave = self.submit(
            dt.date(2026, 11, 16), dt.date(2026, 11, 16), attachment=(content, "application/pdf", "brief.pdf")
        )
        client = Client()
        login(client, self.pim)
        response = client.get(reverse("records:leave-attachment", args=[leave.pk]))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(response.content, pdf_bytes())


class SignalTests(ReportingTestCase):
    def absent(self, pupil, day: dt.date, whole: bool = True, hours: tuple[int, int] = (9, 12)) -> None:  # type: ignore[no-untyped-def]
        Absence.objects.create(
            pupil=pupil,
            year=self.year,
            starts_at=at(day) if whole else at(day, hours[0]),
            ends_at=at(day + dt.timedelta(days=1)) if whole else at(day, hours[1]),
            whole_day=whole,
            reason=self.reasons["truant"],
        )

    def test_over_sixteen_unauthorised_hours_in_four_weeks_is_listed(self) -> None:
        today = dt.date(2026, 11, 27)  # a Friday
        for day in (dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)):
            self.absent(self.sam, day)  # 3 x 5.5 = 16.5 hours
        for day in (dt.date(2026, 11, 2), dt.date(2026, 11, 9)):
            self.absent(self.olivia, day)  # 11 hours
        self.absent(self.olivia, dt.date(2026, 11, 10), whole=False)  # + 3 = 14 hours
        self.absent(self.olivia, dt.date(2026, 10, 26))  # before the four weeks
        signals = absence_signals(school=self.school, today=today)
        self.assertEqual([s.pupil for s in signals], [self.sam])
        self.assertAlmostEqual(signals[0].hours, 16.5)
        self.assertEqual(signals[0].groups, ["Groep 3"])

    def test_weekends_never_count(self) -> None:
        saturday = dt.date(2026, 11, 14)
        absence = Absence(
            pupil=self.sam, starts_at=at(saturday), ends_at=at(saturday + dt.timedelta(days=3)), whole_day=True
        )
        self.assertEqual(unauthorised_hours(absence, saturday, saturday + dt.timedelta(days=5), AMS), 5.5)

    def test_the_list_and_its_export_are_for_the_principal_and_the_export_is_audited(self) -> None:
        client = Client()
        login(client, self.tess)
        self.assertEqual(client.get(reverse("records:absence-signals")).status_code, 404)
        self.assertEqual(client.post(reverse("records:absence-signals-export")).status_code, 404)
        login(client, self.pim)
        self.assertEqual(client.get(reverse("records:absence-signals")).status_code, 200)
        response = client.post(reverse("records:absence-signals-export"))
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.active.cell(row=1, column=1).value, "Leerling")  # type: ignore[union-attr]
        self.assertTrue(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORTED, actor_id=self.pim.user.pk).exists())


class TeacherOfOtherGroupTests(ReportingTestCase):
    def test_teachers_of_the_pupils_group_only_are_notified(self) -> None:
        other = make_staff_account(self.school, "olga@test.nl", "Olga", "Vijf")
        GroupStaff.objects.create(group=self.group5, staff_member=other.record)
        with frozen(TUESDAY, 7):
            self.report()
        self.assertFalse(Notification.objects.filter(recipient=other.user).exists())
