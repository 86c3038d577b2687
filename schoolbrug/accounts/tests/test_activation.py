"""Activation links (ACC-2, SECURITY.md 6.4.1): random, hashed, single use, 7 days, per account."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any
from unittest import mock

from django.contrib.auth import SESSION_KEY
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts import activation
from schoolbrug.accounts.activation import (
    ActivationToken,
    activation_token_issue,
    activation_token_redeem,
    activation_token_state,
    activation_tokens_revoke,
    register_redeem_handler,
)
from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.models import Account

NEW_PASSWORD = "een lange zin als wachtwoord"


def new_guardian_account(email: str, **fields: Any) -> Account:
    return Account.objects.create_account(kind=Account.Kind.GUARDIAN, email=email, first_name="Test", **fields)


class ActivationTokenTests(TestCase):
    def setUp(self) -> None:
        self.anna = new_guardian_account("anna@test.nl")
        self.bert = new_guardian_account("bert@test.nl")

    def url(self, token: str) -> str:
        return reverse("accounts:activate", args=[token])

    def activate(self, token: str, password: str = NEW_PASSWORD) -> Any:
        return self.client.post(self.url(token), {"new_password1": password, "new_password2": password})

    def test_token_is_256_bits_of_randomness_and_only_its_hash_is_stored(self) -> None:
        raw = activation_token_issue(account=self.anna)
        self.assertEqual(len(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))), 32)
        stored = ActivationToken.objects.get(account=self.anna)
        self.assertEqual(stored.token_hash, hashlib.sha256(raw.encode()).hexdigest())
        self.assertNotIn(raw, str(ActivationToken.objects.values().get(pk=stored.pk)))
        self.assertEqual(stored.expires_at - stored.created_at, timedelta(days=7))
        self.assertNotEqual(raw, activation_token_issue(account=self.anna))

    def test_opening_the_link_shows_the_username_and_does_not_use_it_up(self) -> None:
        raw = activation_token_issue(account=self.anna)
        for _ in range(2):
            response = self.client.get(self.url(raw))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "anna@test.nl")
        self.assertIsNone(ActivationToken.objects.get(account=self.anna).used_at)
        self.assertEqual(response.headers["Cache-Control"].count("no-store"), 1)

    def test_setting_a_password_activates_and_sends_to_the_login_page_without_logging_in(self) -> None:
        Account.objects.filter(pk=self.anna.pk).update(is_active=False)
        raw = activation_token_issue(account=self.anna, school_id=7)
        response = self.activate(raw)
        self.assertRedirects(response, reverse("accounts:login"))
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.anna.refresh_from_db()
        self.assertTrue(self.anna.is_active)
        self.assertTrue(self.anna.check_password(NEW_PASSWORD))
        self.assertIsNotNone(ActivationToken.objects.get(account=self.anna).used_at)
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_ACTIVATED)
        self.assertEqual((event.actor_id, event.school_id), (self.anna.pk, 7))
        self.assertNotIn(raw, str(event.data))
        login = self.client.post(reverse("accounts:login"), {"username": "anna@test.nl", "password": NEW_PASSWORD})
        self.assertEqual(login.status_code, 302)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.anna.pk))

    def test_a_new_password_ends_the_sessions_opened_with_the_old_one(self) -> None:
        # A deactivated account that is invited again chooses a new password with the link.
        self.anna.set_password("het oude wachtwoord 1")
        self.anna.save()
        phone = self.client_class()
        phone.force_login(self.anna)
        Account.objects.filter(pk=self.anna.pk).update(is_active=False)
        raw = activation_token_issue(account=self.anna)
        self.activate(raw)
        self.anna.refresh_from_db()
        self.assertTrue(self.anna.check_password(NEW_PASSWORD))
        self.assertNotIn(SESSION_KEY, phone.get("/").wsgi_request.session)

    def test_a_working_login_confirms_with_its_password_and_keeps_it(self) -> None:
        self.anna.set_password("het oude wachtwoord 1")
        self.anna.save()
        raw = activation_token_issue(account=self.anna)
        refused = self.activate(raw)  # a new password through the link alone
        self.assertEqual(refused.status_code, 200)
        self.assertTemplateUsed(refused, "accounts/activate_confirm.html")
        wrong = self.client.post(self.url(raw), {"password": "een gok"})
        self.assertIn("password", wrong.context["form"].errors)
        self.assertIsNone(ActivationToken.objects.get(account=self.anna).used_at)
        right = self.client.post(self.url(raw), {"password": "het oude wachtwoord 1"})
        self.assertRedirects(right, reverse("accounts:login"), fetch_redirect_response=False)
        self.anna.refresh_from_db()
        self.assertTrue(self.anna.check_password("het oude wachtwoord 1"))
        self.assertIsNotNone(ActivationToken.objects.get(account=self.anna).used_at)

    def test_second_use_is_gone(self) -> None:
        raw = activation_token_issue(account=self.anna)
        self.activate(raw)
        self.assertEqual(self.client.get(self.url(raw)).status_code, 410)
        response = self.activate(raw, "een heel ander wachtwoord 2")
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, 'data-status="used"', status_code=410)
        self.anna.refresh_from_db()
        self.assertTrue(self.anna.check_password(NEW_PASSWORD))

    def test_link_works_until_day_seven_and_is_expired_one_second_later(self) -> None:
        raw = activation_token_issue(account=self.anna)
        expires_at = ActivationToken.objects.get(account=self.anna).expires_at
        with mock.patch("django.utils.timezone.now", return_value=expires_at - timedelta(seconds=1)):
            self.assertEqual(self.client.get(self.url(raw)).status_code, 200)
        with mock.patch("django.utils.timezone.now", return_value=expires_at + timedelta(seconds=1)):
            response = self.client.get(self.url(raw))
            self.assertEqual(response.status_code, 410)
            self.assertContains(response, 'data-status="expired"', status_code=410)
            self.assertEqual(self.activate(raw).status_code, 410)
        self.anna.refresh_from_db()
        self.assertFalse(self.anna.has_usable_password())

    def test_expired_page_is_clear_in_english(self) -> None:
        raw = activation_token_issue(account=self.anna)
        ActivationToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        response = self.client.get(self.url(raw), headers={"accept-language": "en"})
        self.assertContains(response, "This link has expired", status_code=410)
        self.assertContains(response, "ask the school to send you a new link", status_code=410)

    def test_one_accounts_token_cannot_activate_another(self) -> None:
        raw_anna = activation_token_issue(account=self.anna)
        activation_token_issue(account=self.bert)
        response = self.client.get(self.url(raw_anna))
        self.assertContains(response, "anna@test.nl")
        self.assertNotContains(response, "bert@test.nl")
        self.activate(raw_anna)
        self.bert.refresh_from_db()
        self.assertFalse(self.bert.has_usable_password())
        self.assertIsNone(ActivationToken.objects.get(account=self.bert).used_at)

    def test_tampered_or_unknown_token_is_not_found(self) -> None:
        raw = activation_token_issue(account=self.anna)
        tampered = ("A" if raw[0] != "A" else "B") + raw[1:]
        response = self.activate(tampered)
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, 'data-status="unknown"', status_code=404)
        self.assertEqual(self.client.get(self.url("kort")).status_code, 404)
        self.assertIsNone(ActivationToken.objects.get(account=self.anna).used_at)

    def test_a_new_link_replaces_the_older_ones(self) -> None:
        old = activation_token_issue(account=self.anna)
        new = activation_token_issue(account=self.anna)
        response = self.client.get(self.url(old))
        self.assertContains(response, 'data-status="revoked"', status_code=410)
        self.assertEqual(self.client.get(self.url(new)).status_code, 200)

    def test_revoked_links_stop_working(self) -> None:
        raw = activation_token_issue(account=self.anna)
        self.assertEqual(activation_tokens_revoke(account=self.anna), 1)
        self.assertEqual(self.activate(raw).status_code, 410)

    def test_weak_or_mismatched_password_gives_a_field_error_and_keeps_the_link(self) -> None:
        raw = activation_token_issue(account=self.anna)
        short = self.client.post(
            self.url(raw), {"new_password1": "kort1", "new_password2": "kort1"}, headers={"accept-language": "en"}
        )
        self.assertEqual(short.status_code, 200)
        self.assertTrue(short.context["form"].errors["new_password2"])
        mismatch = self.client.post(self.url(raw), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
        self.assertTrue(mismatch.context["form"].errors["new_password2"])
        self.assertIsNone(ActivationToken.objects.get(account=self.anna).used_at)
        self.assertEqual(self.activate(raw).status_code, 302)

    def test_state_lookup_reports_each_status(self) -> None:
        raw = activation_token_issue(account=self.anna)
        self.assertEqual(activation_token_state(raw).status, "valid")
        self.assertEqual(activation_token_state(raw + "x").status, "unknown")


class RedeemHandlerTests(TestCase):
    def test_a_registered_handler_runs_for_its_prefix_only_on_redemption(self) -> None:
        calls: list[tuple[str, int]] = []

        def handler(*, token: ActivationToken, account: Any) -> None:
            calls.append((token.reference, account.pk))

        anna = new_guardian_account("anna@test.nl")
        register_redeem_handler("test.thing:", handler)
        self.addCleanup(activation._redeem_handlers.pop, "test.thing:")
        raw = activation_token_issue(account=anna, reference="test.thing:7")
        other = activation_token_issue(account=new_guardian_account("bert@test.nl"), reference="other:7")
        self.assertEqual(calls, [])
        activation_token_redeem(raw_token=other, password=NEW_PASSWORD)
        self.assertEqual(calls, [])
        activation_token_redeem(raw_token=raw, password=NEW_PASSWORD)
        self.assertEqual(calls, [("test.thing:7", anna.pk)])
