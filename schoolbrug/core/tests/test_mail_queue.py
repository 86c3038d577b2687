"""The mail queue against a real SMTP server: which failures are tried again, and what may not be
queued at all."""

from __future__ import annotations

from django.db import transaction
from django.test import TestCase, override_settings
from django_tasks_db.models import DBTaskResult

from schoolbrug.core.mail import KIND_HEADER, SCHOOL_HEADER, OutgoingMail, mark_secret
from schoolbrug.core.mail_queue import mail_enqueue
from schoolbrug.core.outgoing import EmailMessage
from schoolbrug.core.testing import SmtpInbox, free_port, run_task_worker, smtp_mailers


def notice(**headers: str) -> EmailMessage:
    return EmailMessage(subject="Melding", body="Er is iets nieuws.", to=["school@test.nl"], headers=headers)


class MailQueueTests(TestCase):
    def setUp(self) -> None:
        self.smtp = SmtpInbox(free_port())
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        overrides = override_settings(MAILERS=smtp_mailers(self.smtp.port))
        overrides.enable()
        self.addCleanup(overrides.disable)

    def enqueue(self, message: EmailMessage) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            mail_enqueue(message)

    def test_a_queued_message_arrives_as_it_was_written_and_is_recorded(self) -> None:
        self.enqueue(notice(**{SCHOOL_HEADER: "7", KIND_HEADER: "notice"}))
        self.assertEqual(self.smtp.messages, [])  # nothing leaves the request itself
        self.assertEqual(run_task_worker(), 1)
        delivered = self.smtp.messages[0]
        self.assertEqual((delivered["Subject"], delivered["X-Schoolbrug-Kind"]), ("Melding", "notice"))
        self.assertEqual(SmtpInbox.text_of(delivered).strip(), "Er is iets nieuws.")
        self.assertEqual(self.smtp.recipients, [["school@test.nl"]])
        recorded = OutgoingMail.objects.get()
        self.assertEqual((recorded.school_id, recorded.kind), (7, "notice"))

    def test_nothing_is_sent_for_a_transaction_that_rolls_back(self) -> None:
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(RuntimeError), transaction.atomic():
            mail_enqueue(notice())
            raise RuntimeError("the request failed")
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_temporary_refusal_is_tried_again_a_permanent_one_is_not(self) -> None:
        self.smtp.refuse_with = "451 Try again later"
        self.enqueue(notice())
        with self.assertLogs("schoolbrug.mail", "WARNING") as logs:
            run_task_worker()
        self.assertIn("trying again", logs.output[0])
        self.assertEqual(DBTaskResult.objects.filter(status="READY").count(), 1)

        DBTaskResult.objects.all().delete()
        self.smtp.refuse_with = "550 No such mailbox"
        self.enqueue(notice())
        with self.assertLogs("schoolbrug.mail", "ERROR") as logs:
            run_task_worker()
        self.assertIn("giving up", logs.output[0])
        self.assertEqual(DBTaskResult.objects.filter(status="FAILED").count(), 1)
        self.assertFalse(DBTaskResult.objects.filter(status="READY").exists())
        self.assertEqual(self.smtp.messages, [])

    def test_a_message_with_a_secret_is_never_stored_in_the_queue(self) -> None:
        with self.assertRaises(ValueError):
            mail_enqueue(mark_secret(notice(), "https://school.example/activate/geheim/"))
        with_attachment = notice()
        with_attachment.attach("a.txt", "bijlage")
        with self.assertRaises(ValueError):
            mail_enqueue(with_attachment)
        self.assertFalse(DBTaskResult.objects.exists())
