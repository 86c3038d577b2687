"""An invitation through real SMTP: an aiosmtpd server receives what a mail server would."""

from __future__ import annotations

import email
import email.policy
import logging
import re
import socket
from email.message import EmailMessage as ParsedMessage
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from schoolbrug.accounts.activation import ActivationToken
from schoolbrug.accounts.models import Account
from schoolbrug.core.mail import OutgoingMail
from schoolbrug.sis.guardian_accounts.invitations import guardian_invite
from schoolbrug.sis.models import Guardian
from schoolbrug.sis.testing import SchoolTestCase

BASE_URL = "https://ouders.testschool.example"
LINK = re.compile(re.escape(BASE_URL) + r"(/accounts/activate/[A-Za-z0-9_-]+/)")


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class InvitationOverSmtpTests(SchoolTestCase):
    def setUp(self) -> None:
        self.inbox = Inbox()
        # aiosmtpd logs every SMTP command at INFO; only problems matter here.
        smtp_log = logging.getLogger("mail.log")
        self.addCleanup(smtp_log.setLevel, smtp_log.level)
        smtp_log.setLevel(logging.WARNING)
        self.port = free_port()
        self.server = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.server.start()
        self.addCleanup(self.server.stop)
        mailers = {
            "default": {
                "BACKEND": "schoolbrug.core.mail.RecordingBackend",
                "OPTIONS": {
                    "delivery_backend": "django.core.mail.backends.smtp.EmailBackend",
                    "delivery_options": {"host": "127.0.0.1", "port": self.port, "use_tls": False, "timeout": 10},
                },
            }
        }
        # First invitations: nobody has chosen a password yet (a working login confirms instead).
        Account.objects.filter(pk__in=[self.dirk.user.pk, self.otto.user.pk]).update(password=make_password(None))
        overrides = override_settings(MAILERS=mailers, SCHOOLBRUG_BASE_URL=BASE_URL + "/")
        overrides.enable()
        self.addCleanup(overrides.disable)

    def invite(self, guardian: Guardian) -> ParsedMessage:
        with self.captureOnCommitCallbacks(execute=True):
            outcome = guardian_invite(actor=self.ada.user, guardian=guardian)
        self.assertTrue(outcome.sent)
        envelope = self.inbox.envelopes[-1]
        self.assertEqual(envelope.rcpt_tos, [guardian.email])
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, ParsedMessage)
        return parsed

    def body_of(self, message: ParsedMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        # SMTP carries CRLF line ends; compare text as the guardian reads it.
        return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]

    def test_delivered_headers_link_and_signature(self) -> None:
        message = self.invite(self.dirk.record)
        self.assertEqual(message["To"], "dirk@test.nl")
        self.assertEqual(message["From"], settings.DEFAULT_FROM_EMAIL)
        self.assertIn("OBS Testschool", message["Subject"])
        self.assertEqual(message["X-Schoolbrug-School"], str(self.school.pk))
        self.assertEqual(message["Content-Language"], "nl")
        body = self.body_of(message)
        self.assertTrue(body.rstrip().endswith("Ada Beheer\nOBS Testschool"))
        match = LINK.search(body)
        assert match, body
        # The raw message carries the link whole: UTF-8 text, not quoted-printable.
        raw = self.inbox.envelopes[-1].content
        self.assertIn(match.group(0).encode(), raw)
        self.assertNotIn(b"quoted-printable", raw)
        # The delivered link works: it opens the page and sets the password once.
        path = match.group(1)
        self.assertContains(self.client.get(path), "dirk@test.nl")
        password = "een wachtwoord uit de mail"
        response = self.client.post(path, {"new_password1": password, "new_password2": password})
        self.assertRedirects(response, reverse("accounts:login"))
        self.dirk.user.refresh_from_db()
        self.assertTrue(self.dirk.user.check_password(password))
        # The outbox recorded what was delivered, without the link (as configured in production).
        recorded = OutgoingMail.objects.get()
        self.assertEqual(recorded.to, "dirk@test.nl")
        self.assertNotIn(path, recorded.body)

    def test_dutch_guardian_gets_dutch_and_english_guardian_english(self) -> None:
        Guardian.objects.filter(pk=self.otto.record.pk).update(language="en")
        dutch = self.invite(self.dirk.record)
        english = self.invite(Guardian.objects.get(pk=self.otto.record.pk))
        # Literal text, not gettext: an untranslated message would make gettext answer English too.
        cases = (
            (dutch, "nl", "en", "Kies uw wachtwoord via deze link:", "Choose your password"),
            (english, "en", "nl", "Choose your password with this link:", "Kies uw wachtwoord"),
        )
        for message, language, other, expected_line, other_line in cases:
            self.assertEqual(message["Content-Language"], language)
            body = self.body_of(message)
            token = ActivationToken.objects.filter(account__email=message["To"]).latest("created_at")
            moment = timezone.localtime(token.expires_at)
            with translation.override(language):
                expected_date = dateformat.format(moment, "l j F Y")
            with translation.override(other):
                other_date = dateformat.format(moment, "l j F Y")
            self.assertIn(expected_line, body)
            self.assertNotIn(other_line, body)
            self.assertIn(expected_date, body)
            self.assertNotIn(other_date, body)
        self.assertIn("OBS Testschool nodigt u uit voor Schoolbrug", self.body_of(dutch))
        self.assertIn("OBS Testschool invites you to Schoolbrug", self.body_of(english))
