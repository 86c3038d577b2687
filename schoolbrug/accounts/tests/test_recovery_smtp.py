"""Password reset mail over real SMTP through the task worker: retried while the mail server is
down, and listed on the "Sent e-mail" page of the schools the account belongs to, without the link."""

from __future__ import annotations

import datetime as dt
import re

from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.mail import HIDDEN, OutgoingMail
from schoolbrug.core.testing import SmtpInbox, free_port, run_task_worker, smtp_mailers
from schoolbrug.sis.testing import SchoolTestCase

RESET = "/accounts/password/forgot/"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/\S+/)")


class PasswordResetOverSmtpTests(SchoolTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.smtp = SmtpInbox(free_port())
        self.addCleanup(self.smtp.stop)
        # Even where the outbox records secrets (the embedded default), a reset link is not kept.
        overrides = override_settings(MAILERS=smtp_mailers(self.smtp.port, record_secrets=True))
        overrides.enable()
        self.addCleanup(overrides.disable)

    def request_reset(self, email: str) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(RESET, {"email": email})
        self.assertEqual(response.status_code, 302)

    def outbox_page(self, admin: Account) -> str:
        client = Client()
        verified_login(client, admin)
        return client.get(reverse("staff:outbox")).content.decode()

    def test_a_reset_mail_waits_for_the_mail_server_and_then_works(self) -> None:
        self.request_reset("paula@test.nl")
        with self.assertLogs("schoolbrug.mail", "WARNING"):
            self.assertEqual(run_task_worker(), 1)
        self.assertEqual(self.smtp.messages, [])
        waiting = DBTaskResult.objects.filter(status="READY")
        # The next attempt builds the mail again: the queue holds ids, never a token.
        kwargs = waiting.get().args_kwargs["kwargs"]
        self.assertEqual((kwargs["account_id"], kwargs["attempt"]), (self.paula.user.pk, 2))
        self.assertEqual(set(kwargs), {"account_id", "purpose", "base_url", "attempt"})

        self.smtp.start()
        waiting.update(run_after=timezone.now() - dt.timedelta(seconds=1))
        self.assertEqual(run_task_worker(), 1)
        self.assertEqual(self.smtp.recipients, [["paula@test.nl"]])
        match = LINK.search(SmtpInbox.text_of(self.smtp.messages[0]))
        assert match is not None
        self.assertEqual(self.client.get(match.group(1)).status_code, 302)  # the delivered link works

        recorded = OutgoingMail.objects.get()
        self.assertEqual(
            (recorded.kind, recorded.account_id, recorded.school_id), ("password_reset", self.paula.user.pk, None)
        )
        token = match.group(1).rstrip("/").rsplit("/", 1)[-1]
        self.assertNotIn(token, recorded.body)
        self.assertIn(HIDDEN, recorded.body)

    def test_reset_mail_is_listed_for_the_accounts_own_schools_only(self) -> None:
        self.smtp.start()
        self.request_reset("paula@test.nl")  # a guardian of the persona school
        self.request_reset("tess@test.nl")  # a teacher there
        self.request_reset("wim@test.nl")  # the administrator of the other school
        self.assertEqual(run_task_worker(), 3)
        mails = {m.to: m.pk for m in OutgoingMail.objects.all()}
        ours = self.outbox_page(self.ada.user)
        theirs = self.outbox_page(self.wim.user)
        for address in ("paula@test.nl", "tess@test.nl"):
            self.assertIn(f'data-mail-id="{mails[address]}"', ours)
            self.assertNotIn(f'data-mail-id="{mails[address]}"', theirs)
        self.assertIn(f'data-mail-id="{mails["wim@test.nl"]}"', theirs)
        self.assertNotIn(f'data-mail-id="{mails["wim@test.nl"]}"', ours)
