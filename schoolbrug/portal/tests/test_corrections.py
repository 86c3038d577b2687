"""POR-10: pencils open a form; the request is filed and e-mailed; nothing changes yet."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from schoolbrug.core.testing import run_task_worker
from schoolbrug.portal.modules import Module
from schoolbrug.records.models import CorrectionRequest
from schoolbrug.sis.models import EmergencyContact, MedicalInfo, Pupil
from schoolbrug.sis.testing import SchoolTestCase

from .helpers import disable_module, enable_module, set_settings

EN = {"accept-language": "en"}


def correct(target: str, object_id: int, field: str) -> str:
    return reverse("portal:correction", args=[target, object_id, field])


class CorrectionTests(SchoolTestCase):
    def test_pencils_on_personalia_emergency_numbers_and_own_contact_data(self) -> None:
        self.client.force_login(self.paula.user)
        about = self.client.get(reverse("portal:child-about", args=[self.sam.pk]))
        contact = EmergencyContact.objects.get(pupil=self.sam)
        self.assertContains(about, f'href="{correct("pupil", self.sam.pk, "called_name")}"')
        self.assertContains(about, f'href="{correct("emergency_contact", contact.pk, "phone")}"')
        account = self.client.get(reverse("portal:account"))
        self.assertContains(account, f'href="{correct("guardian", self.paula.record.pk, "phone_mobile")}"')

    def test_submitting_files_the_request_emails_the_school_and_changes_nothing(self) -> None:
        set_settings(self.school, correction_email="administratie@obs-test.nl")
        self.client.force_login(self.paula.user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(correct("pupil", self.sam.pk, "called_name"), {"proposed_value": "Sammie"})
        self.assertRedirects(response, reverse("portal:correction-sent"))
        self.assertContains(self.client.get(reverse("portal:correction-sent")), 'data-testid="correction-sent"')
        request = CorrectionRequest.objects.get()
        self.assertEqual(
            (request.field_name, request.proposed_value, request.status), ("called_name", "Sammie", "pending")
        )
        self.assertEqual(Pupil.objects.get(pk=self.sam.pk).called_name, "")
        self.assertEqual(mail.outbox, [])  # the task worker sends it
        self.assertEqual(run_task_worker(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["administratie@obs-test.nl"])
        self.assertNotIn("Sammie", mail.outbox[0].body)  # values stay inside the platform

    def test_no_email_without_an_address_but_the_request_is_filed(self) -> None:
        self.client.force_login(self.paula.user)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                correct("guardian", self.paula.record.pk, "phone_mobile"), {"proposed_value": "06 12345678"}
            )
        self.assertEqual(CorrectionRequest.objects.count(), 1)
        self.assertEqual(run_task_worker(), 0)
        self.assertEqual(mail.outbox, [])

    def test_empty_and_oversized_values_get_a_clear_error(self) -> None:
        self.client.force_login(self.paula.user)
        target = correct("pupil", self.sam.pk, "called_name")
        for value in ("", "   ", "x" * 101, "y" * 3000):
            response = self.client.post(target, {"proposed_value": value}, headers=EN)
            self.assertEqual(response.status_code, 400, value[:5])
            self.assertTrue(response.context["form"].errors["proposed_value"])
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_no_new_medical_data_and_medical_only_with_the_module(self) -> None:
        medical = MedicalInfo.objects.get(pupil=self.sam)
        self.client.force_login(self.paula.user)
        self.assertEqual(self.client.get(correct("medical", medical.pk, "allergies")).status_code, 404)
        enable_module(self.school, Module.MEDICAL)
        self.assertEqual(self.client.get(correct("medical", medical.pk, "allergies")).status_code, 200)
        self.assertEqual(self.client.get(correct("medical", medical.pk, "medicines")).status_code, 404)  # empty field
        self.assertEqual(
            self.client.post(correct("medical", medical.pk, "medicines"), {"proposed_value": "Ritalin"}).status_code,
            404,
        )
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_medical_form_posted_after_the_module_went_off_keeps_the_text(self) -> None:
        medical = MedicalInfo.objects.get(pupil=self.sam)
        enable_module(self.school, Module.MEDICAL)
        self.client.force_login(self.paula.user)
        self.assertEqual(self.client.get(correct("medical", medical.pk, "allergies")).status_code, 200)
        disable_module(self.school, Module.MEDICAL)
        response = self.client.post(correct("medical", medical.pk, "allergies"), {"proposed_value": "Pinda's en noten"})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Pinda&#x27;s en noten", status_code=409)
        self.assertFalse(CorrectionRequest.objects.exists())
        self.client.force_login(self.otto.user)  # not his child: still simply 404
        self.assertEqual(
            self.client.post(correct("medical", medical.pk, "allergies"), {"proposed_value": "x"}).status_code, 404
        )

    def test_other_families_co_guardians_and_unknown_fields_are_404(self) -> None:
        self.client.force_login(self.otto.user)
        self.assertEqual(self.client.get(correct("pupil", self.sam.pk, "called_name")).status_code, 404)
        self.client.force_login(self.dirk.user)
        self.assertEqual(self.client.get(correct("guardian", self.paula.record.pk, "phone_mobile")).status_code, 404)
        self.assertEqual(self.client.get(correct("pupil", self.sam.pk, "remark")).status_code, 404)
        self.assertEqual(self.client.get(correct("pupil", self.sam.pk, "status")).status_code, 404)
        self.client.force_login(self.gerda.user)
        self.assertEqual(self.client.get(correct("guardian", self.gerda.record.pk, "phone_mobile")).status_code, 404)
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_a_pending_request_is_shown_at_its_pencil_to_the_guardian_who_sent_it(self) -> None:
        contact = EmergencyContact.objects.get(pupil=self.sam)
        about = reverse("portal:child-about", args=[self.sam.pk])
        account = reverse("portal:account")
        self.client.force_login(self.paula.user)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(correct("pupil", self.sam.pk, "called_name"), {"proposed_value": "Sammie"})
            self.client.post(correct("emergency_contact", contact.pk, "phone"), {"proposed_value": "0570 654321"})
            self.client.post(
                correct("guardian", self.paula.record.pk, "phone_mobile"), {"proposed_value": "06 12345678"}
            )
        page = self.client.get(about, headers=EN)
        self.assertContains(page, f'data-testid="pending-pupil-{self.sam.pk}-called_name"')
        self.assertContains(page, "Correction requested: “Sammie”, waiting for the school")
        self.assertContains(page, f'data-testid="pending-emergency_contact-{contact.pk}-phone"')
        self.assertContains(page, "0570 654321")
        self.assertNotContains(page, f'data-testid="pending-pupil-{self.sam.pk}-last_name"')
        self.assertContains(
            self.client.get(account, headers=EN), f'data-testid="pending-guardian-{self.paula.record.pk}-phone_mobile"'
        )
        # The form says so too: sending again replaces the waiting request.
        form = self.client.get(correct("pupil", self.sam.pk, "called_name"), headers=EN)
        self.assertContains(form, 'data-testid="correction-pending"')
        self.assertContains(form, "“Sammie”")
        # In Dutch as well.
        self.assertContains(self.client.get(about), "Correctie aangevraagd: “Sammie”")

        # The other parent sees none of it: a proposed value is the proposer's own data.
        self.client.force_login(self.dirk.user)
        page = self.client.get(about)
        self.assertNotContains(page, 'data-testid="pending-')
        self.assertNotContains(page, "Sammie")
        self.assertNotContains(page, "0570 654321")

        # Once the school decides, the mark is gone.
        CorrectionRequest.objects.update(status=CorrectionRequest.Status.REJECTED)
        self.client.force_login(self.paula.user)
        self.assertNotContains(self.client.get(about), 'data-testid="pending-')
