"""The correction e-mail (POR-1, POR-10) goes through the task worker: a mail server that is down
costs the guardian nothing, the mail follows once the server is back, and it appears on the
administrator's "Sent e-mail" page. It names fields as people read them, in the school's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.mail import OutgoingMail
from schoolbrug.core.mail_queue import MAX_ATTEMPTS, RETRY_DELAYS
from schoolbrug.core.testing import SmtpInbox, free_port, run_task_worker, smtp_mailers
from schoolbrug.records.models import CorrectionRequest
from schoolbrug.sis.models import Guardian
from schoolbrug.sis.testing import SchoolTestCase

from .helpers import set_settings

SCHOOL_ADDRESS = "administratie@obs-test.nl"
EN = {"accept-language": "en"}


def correct(target: str, object_id: int, field: str) -> str:
    return reverse("portal:correction", args=[target, object_id, field])


class CorrectionMailTests(SchoolTestCase):
    def setUp(self) -> None:
        set_settings(self.school, correction_email=SCHOOL_ADDRESS)
        self.smtp = SmtpInbox(free_port())
        self.addCleanup(self.smtp.stop)
        overrides = override_settings(MAILERS=smtp_mailers(self.smtp.port))
        overrides.enable()
        self.addCleanup(overrides.disable)

    def post_correction(self, target: str, object_id: int, field: str, value: str, **extra: Any) -> Any:
        self.client.force_login(self.paula.user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(correct(target, object_id, field), {"proposed_value": value}, **extra)

    def make_retry_due(self) -> None:
        """Time passes: the waiting attempt becomes due."""
        waiting = DBTaskResult.objects.filter(status="READY")
        self.assertEqual(waiting.count(), 1)
        waiting.update(run_after=timezone.now() - dt.timedelta(seconds=1))

    def test_with_the_mail_server_down_the_request_is_filed_and_the_mail_follows_later(self) -> None:
        response = self.post_correction("pupil", self.sam.pk, "called_name", "Sammie")
        # The guardian is done: no error page, the request is in the school's inbox.
        self.assertRedirects(response, reverse("portal:correction-sent"))
        self.assertEqual(CorrectionRequest.objects.get().proposed_value, "Sammie")

        with self.assertLogs("schoolbrug.mail", "WARNING") as logs:
            self.assertEqual(run_task_worker(), 1)
        self.assertIn("trying again", "\n".join(logs.output))
        self.assertEqual(self.smtp.messages, [])
        self.assertFalse(OutgoingMail.objects.exists())
        # The failed attempt is on record, and the next one waits for the first retry delay.
        self.assertEqual(DBTaskResult.objects.filter(status="FAILED").count(), 1)
        retry = DBTaskResult.objects.get(status="READY")
        self.assertAlmostEqual(retry.run_after, timezone.now() + RETRY_DELAYS[0], delta=dt.timedelta(seconds=30))
        self.assertEqual(run_task_worker(), 0)  # not before its time

        self.smtp.start()
        self.make_retry_due()
        self.assertEqual(run_task_worker(), 1)
        self.assertEqual(self.smtp.recipients, [[SCHOOL_ADDRESS]])
        delivered = self.smtp.messages[0]
        self.assertEqual(delivered["Subject"], "Correctieverzoek van Paula Bakker")
        body = SmtpInbox.text_of(delivered)
        self.assertIn("'roepnaam'", body)
        self.assertIn("Sam Bakker", body)
        self.assertNotIn("called_name", body)
        self.assertNotIn("Sammie", body)  # values stay inside the platform

        # The administrator sees it on the "Sent e-mail" page; another school's does not.
        recorded = OutgoingMail.objects.get()
        self.assertEqual(
            (recorded.school_id, recorded.kind, recorded.to), (self.school.pk, "correction_request", SCHOOL_ADDRESS)
        )
        admin = Client()
        verified_login(admin, self.ada.user)
        self.assertContains(admin.get(reverse("staff:outbox")), f'data-mail-id="{recorded.pk}"')
        self.assertContains(admin.get(reverse("staff:outbox-mail", args=[recorded.pk])), "roepnaam")
        other = Client()
        verified_login(other, self.wim.user)
        self.assertNotContains(other.get(reverse("staff:outbox")), f'data-mail-id="{recorded.pk}"')
        self.assertEqual(other.get(reverse("staff:outbox-mail", args=[recorded.pk])).status_code, 404)

    def test_the_mail_is_given_up_after_the_last_attempt(self) -> None:
        self.post_correction("pupil", self.sam.pk, "called_name", "Sammie")
        with self.assertLogs("schoolbrug.mail", "WARNING") as logs:
            for _attempt in range(MAX_ATTEMPTS):
                self.make_retry_due()
                self.assertEqual(run_task_worker(), 1)
        self.assertIn("giving up", logs.output[-1])
        self.assertEqual(DBTaskResult.objects.filter(status="FAILED").count(), MAX_ATTEMPTS)
        self.assertFalse(DBTaskResult.objects.filter(status="READY").exists())
        self.assertFalse(OutgoingMail.objects.exists())
        self.assertEqual(CorrectionRequest.objects.count(), 1)

    def test_fields_are_named_in_the_schools_language_whatever_the_guardians(self) -> None:
        self.smtp.start()
        Guardian.objects.filter(pk=self.paula.record.pk).update(language="en")
        self.post_correction("guardian", self.paula.record.pk, "phone_mobile", "06 12345678", headers=EN)
        run_task_worker()
        body = SmtpInbox.text_of(self.smtp.messages[-1])
        self.assertIn("'mobiel nummer' (contactgegevens ouder/verzorger)", body)
        self.assertNotIn("phone_mobile", body)

    def test_an_address_of_an_english_speaking_staff_member_gets_english(self) -> None:
        self.smtp.start()
        set_settings(self.school, correction_email="ADA@test.nl")
        type(self.ada.user).objects.filter(pk=self.ada.user.pk).update(language="en")
        self.post_correction("emergency_contact", self.sam.emergency_contacts.get().pk, "phone", "0570 654321")
        run_task_worker()
        delivered = self.smtp.messages[-1]
        self.assertEqual(delivered["Subject"], "Correction request from Paula Bakker")
        self.assertIn("'telephone' (emergency number, Sam Bakker)", SmtpInbox.text_of(delivered))
