"""Correction requests (REC-7, POR-10): guardians propose, application administrators decide."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.records.models import CorrectionRequest
from schoolbrug.records.services.corrections import (
    correction_request_apply,
    correction_request_reject,
    correction_request_submit,
)
from schoolbrug.sis.models import EmergencyContact, Guardian, MedicalInfo, Pupil
from schoolbrug.sis.testing import SchoolTestCase

from .test_results import EN, log_in

Target = CorrectionRequest.Target
Status = CorrectionRequest.Status


class SubmitTests(SchoolTestCase):
    def test_guardian_files_a_request_and_nothing_changes_yet(self) -> None:
        request = correction_request_submit(
            actor=self.paula.user, target=Target.PUPIL, obj=self.sam, field="postcode", proposed_value="7412ab"
        )
        self.assertEqual(
            (request.school, request.pupil, request.status, request.current_value, request.proposed_value),
            (self.school, self.sam, Status.PENDING, "7411 BR", "7412 AB"),
        )
        self.assertEqual(Pupil.objects.get(pk=self.sam.pk).postcode, "7411 BR")

    def test_a_second_proposal_replaces_the_pending_one(self) -> None:
        for value in ("Sammie", "Sammy"):
            correction_request_submit(
                actor=self.paula.user, target=Target.PUPIL, obj=self.sam, field="called_name", proposed_value=value
            )
        self.assertEqual(list(CorrectionRequest.objects.values_list("proposed_value", flat=True)), ["Sammy"])

    def test_allowed_targets(self) -> None:
        contact = EmergencyContact.objects.get(pupil=self.sam)
        medical = MedicalInfo.objects.get(pupil=self.sam)
        guardian = self.paula.record
        cases = [
            (Target.PUPIL, self.sam, "birth_date", "2019-06-02"),
            (Target.EMERGENCY_CONTACT, contact, "phone", "0570 654321"),
            (Target.MEDICAL, medical, "allergies", "Pinda's en noten"),
            (Target.GUARDIAN, guardian, "email", "Paula.Nieuw@test.nl"),
            (Target.GUARDIAN, guardian, "birth_country", "België"),
            (Target.GUARDIAN, guardian, "education_level", "higher"),
        ]
        for target, obj, field, value in cases:
            correction_request_submit(actor=self.paula.user, target=target, obj=obj, field=field, proposed_value=value)
        self.assertEqual(CorrectionRequest.objects.count(), len(cases))
        self.assertTrue(CorrectionRequest.objects.filter(proposed_value="paula.nieuw@test.nl").exists())

    def test_bad_values_are_refused(self) -> None:
        cases = [
            ("first_name", "", "empty"),
            ("first_name", "   ", "empty"),
            ("first_name", "x" * 101, "too_long"),
            ("postcode", "12345", "invalid_postcode"),
            ("phone", "12", "invalid_phone"),
            ("birth_date", "31-02-2019", "invalid"),
            ("status", "left", "field_not_allowed"),
            ("remark", "Hallo", "field_not_allowed"),
            ("last_name", "Bakker", "unchanged"),
        ]
        for field, value, code in cases:
            with self.assertRaises(ValidationError, msg=(field, value)) as caught:
                correction_request_submit(
                    actor=self.paula.user, target=Target.PUPIL, obj=self.sam, field=field, proposed_value=value
                )
            self.assertIn(code, [e.code for e in caught.exception.error_list], (field, value))
        with self.assertRaises(ValidationError):
            correction_request_submit(
                actor=self.paula.user,
                target=Target.GUARDIAN,
                obj=self.paula.record,
                field="email",
                proposed_value="nope",
            )
        with self.assertRaises(ValidationError):
            correction_request_submit(
                actor=self.paula.user, target=Target.GUARDIAN, obj=self.paula.record,
                field="education_level", proposed_value="phd",
            )  # fmt: skip
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_no_new_medical_data(self) -> None:
        medical = MedicalInfo.objects.get(pupil=self.sam)
        with self.assertRaises(ValidationError) as caught:
            correction_request_submit(
                actor=self.paula.user, target=Target.MEDICAL, obj=medical, field="medicines", proposed_value="Ritalin"
            )
        self.assertEqual(caught.exception.code, "no_new_medical")

    def test_other_families_and_the_co_guardian_are_refused(self) -> None:
        cases = [
            (self.otto, Target.PUPIL, self.sam, "city"),  # another family's child
            (self.gerda, Target.PUPIL, self.sam, "city"),  # no portal access right
            (self.paula, Target.PUPIL, self.olivia, "city"),
            (self.paula, Target.PUPIL, self.other_pupil, "city"),  # another school
            (self.paula, Target.GUARDIAN, self.dirk.record, "city"),  # the co-guardian's record
            (self.otto, Target.EMERGENCY_CONTACT, EmergencyContact.objects.get(pupil=self.sam), "name"),
            (self.otto, Target.MEDICAL, MedicalInfo.objects.get(pupil=self.sam), "allergies"),
            (self.lars, Target.GUARDIAN, self.lars.record, "city"),  # his only child has left
            (self.tess, Target.PUPIL, self.sam, "city"),  # staff do not file requests
        ]
        for persona, target, obj, field in cases:
            with self.assertRaises(PermissionDenied, msg=(persona.user.email, target)):
                correction_request_submit(
                    actor=persona.user, target=target, obj=obj, field=field, proposed_value="Apeldoorn"
                )
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_the_other_parents_own_number_is_refused_as_the_about_page_hides_it(self) -> None:
        # The service asks the About page's selector, not a second rule: dirk cannot see (and so
        # cannot correct) the row with paula's mobile number, but the neighbour's row is his too.
        paulas = EmergencyContact.objects.create(pupil=self.sam, name="Paula Bakker", phone="06-11111111")
        with self.assertRaises(PermissionDenied):
            correction_request_submit(
                actor=self.dirk.user, target=Target.EMERGENCY_CONTACT, obj=paulas, field="phone", proposed_value="1"
            )
        neighbour = EmergencyContact.objects.get(pupil=self.sam, name="Buurvrouw Els")
        correction_request_submit(
            actor=self.dirk.user,
            target=Target.EMERGENCY_CONTACT,
            obj=neighbour,
            field="phone",
            proposed_value="0570 654321",
        )
        self.assertEqual(list(CorrectionRequest.objects.values_list("object_id", flat=True)), [neighbour.pk])


class DecisionTests(SchoolTestCase):
    def submit(self, target: str, obj: object, field: str, value: str, persona: object = None) -> CorrectionRequest:
        actor = (persona or self.paula).user  # type: ignore[attr-defined]
        return correction_request_submit(actor=actor, target=target, obj=obj, field=field, proposed_value=value)  # type: ignore[arg-type]

    def test_administrator_applies_with_one_click_and_it_is_audited(self) -> None:
        correction = self.submit(Target.PUPIL, self.sam, "postcode", "7412 AB")
        log_in(self.client, self.ada)
        response = self.client.post(reverse("records:correction-apply", args=[correction.pk]))
        self.assertRedirects(response, reverse("records:corrections"))
        self.assertEqual(Pupil.objects.get(pk=self.sam.pk).postcode, "7412 AB")
        correction.refresh_from_db()
        self.assertEqual((correction.status, correction.decided_by), (Status.APPLIED, self.ada.user))
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.RECORD_CHANGED)
        self.assertEqual(event.data["field"], "postcode")
        self.assertEqual(event.subject, self.sam.full_name)
        self.assertEqual((event.data["target"], event.data["object_id"]), ("pupil", self.sam.pk))
        # A second click changes nothing.
        self.client.post(reverse("records:correction-apply", args=[correction.pk]))
        self.assertEqual(AuditEvent.objects.filter(kind=AuditEvent.Kind.RECORD_CHANGED).count(), 1)

    def test_applying_medical_data_keeps_the_text_out_of_the_audit_log(self) -> None:
        medical = MedicalInfo.objects.get(pupil=self.sam)
        correction = self.submit(Target.MEDICAL, medical, "allergies", "Noten, geen pinda's")
        correction_request_apply(actor=self.ada.user, correction=correction)
        self.assertEqual(MedicalInfo.objects.get(pk=medical.pk).allergies, "Noten, geen pinda's")
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.RECORD_CHANGED)
        self.assertEqual(event.data["field"], "allergies")
        self.assertNotIn("Noten", str(event.data) + event.subject)

    def test_guardian_data_is_applied_to_the_own_record(self) -> None:
        correction = self.submit(Target.GUARDIAN, self.paula.record, "phone_mobile", "06 99999999")
        correction_request_apply(actor=self.ada.user, correction=correction)
        self.assertEqual(Guardian.objects.get(pk=self.paula.record.pk).phone_mobile, "06 99999999")
        self.assertEqual(Guardian.objects.get(pk=self.dirk.record.pk).phone_mobile, "06 22222222")

    def test_reject_needs_a_reason(self) -> None:
        correction = self.submit(Target.PUPIL, self.sam, "city", "Zutphen")
        log_in(self.client, self.ada)
        url = reverse("records:correction-reject", args=[correction.pk])
        self.client.post(url, {"reason": "  "})
        correction.refresh_from_db()
        self.assertEqual(correction.status, Status.PENDING)
        with self.assertRaises(ValidationError):
            correction_request_reject(actor=self.ada.user, correction=correction, reason="")
        self.client.post(url, {"reason": "Sam woont nog in Deventer."})
        correction.refresh_from_db()
        self.assertEqual(
            (correction.status, correction.rejection_reason), (Status.REJECTED, "Sam woont nog in Deventer.")
        )
        self.assertEqual(Pupil.objects.get(pk=self.sam.pk).city, "Deventer")

    def test_only_the_schools_administrator_decides(self) -> None:
        correction = self.submit(Target.PUPIL, self.sam, "city", "Zutphen")
        for persona in (self.tess, self.pim, self.wim):
            with self.assertRaises(PermissionDenied):
                correction_request_apply(actor=persona.user, correction=correction)

    def test_inbox_shows_current_and_proposed_values_with_warnings(self) -> None:
        funding = self.submit(Target.GUARDIAN, self.paula.record, "birth_country", "België")
        stale = self.submit(Target.PUPIL, self.sam, "city", "Zutphen")
        plain = self.submit(Target.GUARDIAN, self.otto.record, "city", "Olst", persona=self.otto)
        Pupil.objects.filter(pk=self.sam.pk).update(city="Bathmen")  # changed after the request
        log_in(self.client, self.ada)
        response = self.client.get(reverse("records:corrections"), headers=EN)
        html = response.content.decode()
        self.assertContains(response, "België")
        self.assertContains(response, "Bathmen")
        self.assertContains(
            response, "It is fixed at enrolment and should only be corrected if it was entered wrongly."
        )

        def block(correction: CorrectionRequest) -> str:
            start = html.index(f'id="correction-{correction.pk}"')
            end = html.find("<article", start)
            return html[start : end if end != -1 else None]

        self.assertIn('data-testid="funding-warning"', block(funding))
        self.assertNotIn('data-testid="funding-warning"', block(stale))
        self.assertIn('data-testid="stale-notice"', block(stale))
        self.assertNotIn('data-testid="stale-notice"', block(plain))
        self.assertNotIn('data-testid="funding-warning"', block(plain))

    def test_inbox_lists_pending_first(self) -> None:
        first = self.submit(Target.PUPIL, self.sam, "city", "Zutphen")
        second = self.submit(Target.PUPIL, self.sam, "street", "Markt")
        correction_request_reject(actor=self.ada.user, correction=first, reason="Klopt al.")
        log_in(self.client, self.ada)
        html = self.client.get(reverse("records:corrections")).content.decode()
        self.assertLess(html.index(f'id="correction-{second.pk}"'), html.index(f'id="correction-{first.pk}"'))

    def test_staff_home_shows_open_requests_to_the_administrator(self) -> None:
        self.submit(Target.PUPIL, self.sam, "city", "Zutphen")
        log_in(self.client, self.ada)
        response = self.client.get(reverse("staff:overview"))
        self.assertContains(response, reverse("records:corrections"))
        self.assertContains(response, 'data-testid="pending-corrections">1 ')
        self.client.force_login(self.tess.user)
        self.assertNotContains(self.client.get(reverse("staff:overview")), reverse("records:corrections"))


class InboxAccessTests(SchoolTestCase):
    def test_only_the_administrator_opens_the_inbox(self) -> None:
        correction = correction_request_submit(
            actor=self.paula.user, target=Target.PUPIL, obj=self.sam, field="city", proposed_value="Zutphen"
        )
        url = reverse("records:corrections")
        log_in(self.client, self.ada)
        self.assertEqual(self.client.get(url).status_code, 200)
        for persona in (self.tess, self.pim, self.paula, self.otto):
            log_in(self.client, persona)
            self.assertEqual(self.client.get(url).status_code, 404, persona.user.email)
        for persona in (self.tess, self.pim, self.paula, self.wim):
            log_in(self.client, persona)
            for name in ("records:correction-apply", "records:correction-reject"):
                response = self.client.post(reverse(name, args=[correction.pk]), {"reason": "x"})
                self.assertEqual(response.status_code, 404, (persona.user.email, name))
        log_in(self.client, self.wim)
        self.assertNotContains(self.client.get(url), "Zutphen")
        correction.refresh_from_db()
        self.assertEqual(correction.status, Status.PENDING)


class InboxQueryCountTests(SchoolTestCase):
    def add_requests(self, count: int) -> None:
        contact = EmergencyContact.objects.get(pupil=self.sam)
        medical = MedicalInfo.objects.get(pupil=self.sam)
        for n in range(count):
            kind = n % 4
            target, obj, field = [
                (Target.PUPIL, self.sam, "city"),
                (Target.GUARDIAN, self.paula.record, "city"),
                (Target.EMERGENCY_CONTACT, contact, "name"),
                (Target.MEDICAL, medical, "allergies"),
            ][kind]
            CorrectionRequest.objects.create(
                school=self.school, pupil=None if kind == 1 else self.sam,
                guardian=self.paula.record if kind == 1 else None,
                target=target, object_id=obj.pk, field_name=field, current_value="x", proposed_value=f"Waarde {n}",
                requested_by=self.paula.user, status=Status.PENDING if n % 3 else Status.REJECTED,
                decided_at=None if n % 3 else dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            )  # fmt: skip

    def test_inbox_at_two_sizes(self) -> None:
        log_in(self.client, self.ada)
        url = reverse("records:corrections")
        self.add_requests(4)
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        self.add_requests(40)
        with count_queries() as large:
            response = self.client.get(url)
        self.assertContains(response, "Waarde 39")
        assert_same_query_count(small, large, "correction inbox")
