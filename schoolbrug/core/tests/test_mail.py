"""The recording mail backend, the outbox it fills, its pruning job and its deploy check."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError
from django.test import TestCase, override_settings
from django.utils import timezone

from schoolbrug.core import scheduler
from schoolbrug.core.mail import (
    KIND_HEADER,
    SCHOOL_HEADER,
    OutgoingMail,
    check_recorded_delivery_backend,
    prune_outgoing_mail,
)

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def recording(delivery: str = LOCMEM, **options: Any) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "schoolbrug.core.mail.RecordingBackend",
            "OPTIONS": {"delivery_backend": delivery, "delivery_options": options},
        }
    }


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("no SMTP server")


def message(**headers: str) -> EmailMessage:
    return EmailMessage(
        subject="Onderwerp", body="Tekst met https://example.nl/a/", to=["ouder@test.nl"], headers=headers
    )


class RecordingBackendTests(TestCase):
    def test_project_settings_use_the_recording_backend_around_the_real_one(self) -> None:
        # The test runner swaps MAILERS for locmem; the module keeps what production uses.
        from config import settings as project_settings

        default = project_settings.MAILERS["default"]
        self.assertEqual(default["BACKEND"], "schoolbrug.core.mail.RecordingBackend")
        options = default["OPTIONS"]
        assert isinstance(options, dict)
        self.assertIn("delivery_backend", options)

    @override_settings(MAILERS=recording())
    def test_delivers_through_the_real_backend_and_records_the_message(self) -> None:
        sent = message(**{SCHOOL_HEADER: "12", KIND_HEADER: "invitation"}).send()
        self.assertEqual(sent, 1)
        self.assertEqual(len(mail.outbox), 1)
        row = OutgoingMail.objects.get()
        self.assertEqual(
            (row.to, row.subject, row.body, row.school_id, row.kind),
            ("ouder@test.nl", "Onderwerp", "Tekst met https://example.nl/a/", 12, "invitation"),
        )

    @override_settings(MAILERS=recording())
    def test_message_without_school_is_recorded_without_one(self) -> None:
        message(**{SCHOOL_HEADER: "geen getal"}).send()
        self.assertIsNone(OutgoingMail.objects.get().school_id)

    @override_settings(MAILERS=recording(f"{__name__}.BrokenBackend"))
    def test_failed_delivery_is_not_recorded_and_the_error_reaches_the_sender(self) -> None:
        with self.assertRaises(ConnectionRefusedError):
            message().send()
        self.assertFalse(OutgoingMail.objects.exists())

    @override_settings(MAILERS=recording())
    def test_a_recording_failure_does_not_turn_a_delivered_message_into_a_failure(self) -> None:
        with (
            mock.patch.object(OutgoingMail.objects, "bulk_create", side_effect=DatabaseError("disk full")),
            self.assertLogs("schoolbrug.mail", "ERROR"),
        ):
            self.assertEqual(message().send(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertFalse(OutgoingMail.objects.exists())  # and the surrounding transaction is still usable


class PruningTests(TestCase):
    def test_mail_older_than_thirty_days_is_pruned(self) -> None:
        now = timezone.now()
        old = OutgoingMail.objects.create(to="a@test.nl", subject="oud", body="", sent_at=now - timedelta(days=31))
        recent = OutgoingMail.objects.create(to="a@test.nl", subject="nieuw", body="", sent_at=now - timedelta(days=29))
        self.assertEqual(prune_outgoing_mail(now=now), 1)
        self.assertFalse(OutgoingMail.objects.filter(pk=old.pk).exists())
        self.assertTrue(OutgoingMail.objects.filter(pk=recent.pk).exists())

    def test_the_scheduler_runs_the_pruning_job(self) -> None:
        scheduler.autodiscover()
        job = next(job for job in scheduler.registered_jobs() if job.name == "core.prune_outgoing_mail")
        OutgoingMail.objects.create(to="a@test.nl", subject="oud", body="", sent_at=timezone.now() - timedelta(days=40))
        result = scheduler.run_due_jobs(holder="test", jobs=[job])
        self.assertEqual(result.ran, ["core.prune_outgoing_mail"])
        self.assertFalse(OutgoingMail.objects.exists())


class DeployCheckTests(TestCase):
    def test_development_delivery_behind_the_wrapper_is_an_error(self) -> None:
        with override_settings(MAILERS=recording("django.core.mail.backends.console.EmailBackend")):
            self.assertEqual([e.id for e in check_recorded_delivery_backend()], ["schoolbrug.E001"])
        with override_settings(MAILERS=recording("django.core.mail.backends.smtp.EmailBackend", host="mail")):
            self.assertEqual(check_recorded_delivery_backend(), [])
