"""Forgotten password and username: same answer for every address, one mail per account,
single-use expiring links, no bypass of the second factor, throttling."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from unittest import mock

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import give_device
from schoolbrug.core.mail import OutgoingMail
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase, make_guardian_account

RESET = "/accounts/password/forgot/"
USERNAME = "/accounts/username/forgot/"
NEW_PASSWORD = "Een nieuw lang wachtwoord 7"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class PasswordResetTests(SchoolTestCase):
    def setUp(self) -> None:
        cache.clear()

    def request_reset(self, email: str, **extra: Any) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(RESET, {"email": email}, **extra)

    def link(self) -> str:
        match = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", str(mail.outbox[-1].body))
        assert match is not None, mail.outbox[-1].body
        return match.group(1)

    def test_known_and_unknown_addresses_get_the_same_answer(self) -> None:
        known = self.request_reset("paula@test.nl")
        unknown = self.request_reset("niemand@test.nl")
        self.assertEqual((known.status_code, known["Location"]), (unknown.status_code, unknown["Location"]))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["paula@test.nl"])

    def test_malformed_address_gets_a_clear_error(self) -> None:
        response = self.client.post(RESET, {"email": "geen-adres"}, headers={"accept-language": "en"})
        self.assertContains(response, "Enter a complete e-mail address")
        self.assertEqual(len(mail.outbox), 0)

    def test_link_resets_the_password_once_and_does_not_log_in(self) -> None:
        self.request_reset("paula@test.nl")
        link = self.link()
        response = self.client.get(link)
        self.assertEqual(response.status_code, 302)  # the token leaves the URL (no Referer leak)
        form_url = response["Location"]
        response = self.client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertRedirects(response, reverse("accounts:password-reset-complete"))
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.paula.user.refresh_from_db()
        self.assertTrue(self.paula.user.check_password(NEW_PASSWORD))
        again = self.client.get(link, headers={"accept-language": "en"})
        self.assertEqual(again.context["reason"], "invalid")
        self.assertContains(again, "already been used")
        kinds = list(AuditEvent.objects.filter(actor_id=self.paula.user.pk).values_list("kind", flat=True))
        self.assertIn(AuditEvent.Kind.PASSWORD_RESET_REQUESTED, kinds)
        self.assertIn(AuditEvent.Kind.PASSWORD_RESET_DONE, kinds)
        token = link.rstrip("/").rsplit("/", 1)[-1]
        for event in AuditEvent.objects.all():
            self.assertNotIn(token, str(event.data) + event.subject)

    def test_tampered_token_and_expired_link_get_clear_messages(self) -> None:
        self.request_reset("paula@test.nl")
        link = self.link()
        tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
        self.assertEqual(self.client.get(tampered).context["reason"], "invalid")
        later = dt.datetime.now() + dt.timedelta(hours=3)  # noqa: DTZ005  (Django's tokens use naive local time)
        with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
            response = self.client.get(link, headers={"accept-language": "en"})
        self.assertEqual(response.context["reason"], "expired")
        self.assertContains(response, "expired")

    def test_deactivated_account_gets_no_link_and_an_old_link_stops_working(self) -> None:
        self.request_reset("otto@test.nl")
        link = self.link()
        Account.objects.filter(pk=self.otto.user.pk).update(is_active=False)
        response = self.client.get(link)
        self.assertEqual(response.context["reason"], "inactive")
        mail.outbox.clear()
        self.request_reset("otto@test.nl")
        self.assertEqual(len(mail.outbox), 1)
        self.assertNotIn("/accounts/password/reset/", mail.outbox[0].body)

    def test_shared_address_gets_one_mail_per_account_naming_its_kind(self) -> None:
        make_guardian_account(self.school, "tess@test.nl", "Tess", "Leraar")
        self.request_reset("TESS@test.nl")
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(len({m.body for m in mail.outbox}), 2)

    def test_reset_does_not_bypass_the_second_factor(self) -> None:
        give_device(self.tess.user)
        self.request_reset("tess@test.nl")
        form_url = self.client.get(self.link())["Location"]
        self.client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        response = self.client.post("/accounts/login/", {"username": "tess@test.nl", "password": NEW_PASSWORD})
        self.assertRedirects(response, reverse("accounts:two-factor-verify"), fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_weak_new_password_is_refused(self) -> None:
        self.request_reset("paula@test.nl")
        form_url = self.client.get(self.link())["Location"]
        response = self.client.post(form_url, {"new_password1": "kort", "new_password2": "kort"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("new_password2", response.context["form"].errors)
        self.paula.user.refresh_from_db()
        self.assertTrue(self.paula.user.check_password(PASSWORD))

    def test_without_record_secrets_the_outbox_keeps_no_working_reset_link(self) -> None:
        mailers = {
            "default": {
                "BACKEND": "schoolbrug.core.mail.RecordingBackend",
                "OPTIONS": {"delivery_backend": "django.core.mail.backends.locmem.EmailBackend"},
            }
        }
        with override_settings(MAILERS=mailers):
            self.request_reset("paula@test.nl")
        token = self.link().rstrip("/").rsplit("/", 1)[-1]
        stored = OutgoingMail.objects.get()
        self.assertEqual((stored.to, stored.kind), ("paula@test.nl", "password_reset"))
        self.assertNotIn(token, stored.body)
        self.assertIn("[hidden]", stored.body)

    def test_requests_are_throttled_per_address_and_per_ip(self) -> None:
        for _ in range(5):
            self.assertEqual(self.request_reset("paula@test.nl").status_code, 302)
        self.assertEqual(self.request_reset("paula@test.nl").status_code, 429)
        self.assertEqual(self.request_reset("paula@test.nl", REMOTE_ADDR="10.9.9.9").status_code, 429)
        cache.clear()
        for i in range(20):
            self.request_reset(f"x{i}@test.nl", REMOTE_ADDR="10.1.1.1")
        self.assertEqual(self.request_reset("otto@test.nl", REMOTE_ADDR="10.1.1.1").status_code, 429)
        self.assertEqual(self.request_reset("otto@test.nl", REMOTE_ADDR="10.1.1.2").status_code, 302)


BEHIND_ONE_PROXY = {
    "AXES_IPWARE_PROXY_COUNT": 1,
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
}
PROXY = "10.0.0.1"


@override_settings(TASKS=IMMEDIATE, **BEHIND_ONE_PROXY)
class BehindAProxyTests(SchoolTestCase):
    """Behind nginx every request comes from the proxy: the client is in X-Forwarded-For."""

    def setUp(self) -> None:
        cache.clear()

    def request_reset(self, email: str, client: str) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                RESET, {"email": email}, REMOTE_ADDR=PROXY, headers={"x-forwarded-for": f"{client}, {PROXY}"}
            )

    def test_audit_rows_keep_the_forwarded_client_address(self) -> None:
        self.request_reset("paula@test.nl", "203.0.113.7")
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_RESET_REQUESTED)
        self.assertEqual(event.ip_address, "203.0.113.7")

    def test_the_per_ip_limit_counts_clients_not_the_proxy(self) -> None:
        for i in range(20):
            self.request_reset(f"x{i}@test.nl", "203.0.113.7")
        self.assertEqual(self.request_reset("otto@test.nl", "203.0.113.7").status_code, 429)
        # Another family behind the same proxy is not locked out by the first one's requests.
        self.assertEqual(self.request_reset("otto@test.nl", "198.51.100.9").status_code, 302)


@override_settings(TASKS=IMMEDIATE)
class UsernameReminderTests(SchoolTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_reminder_is_mailed_to_the_address_and_the_answer_is_the_same(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            known = self.client.post(USERNAME, {"email": "dirk@test.nl"})
            unknown = self.client.post(USERNAME, {"email": "onbekend@test.nl"})
        self.assertEqual(known["Location"], unknown["Location"])
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["dirk@test.nl"])
        self.assertIn("dirk@test.nl", mail.outbox[0].body)
        self.assertTrue(AuditEvent.objects.filter(kind=AuditEvent.Kind.USERNAME_REMINDER, actor_id=self.dirk.user.pk))

    def test_throttled_with_a_clear_message(self) -> None:
        for _ in range(5):
            self.client.post(USERNAME, {"email": "dirk@test.nl"})
        response = self.client.post(USERNAME, {"email": "dirk@test.nl"}, headers={"accept-language": "en"})
        self.assertContains(response, "Too many requests", status_code=429)

    def test_login_page_links_to_both(self) -> None:
        page = self.client.get("/accounts/login/")
        self.assertContains(page, RESET)
        self.assertContains(page, USERNAME)
