"""The operator admin (/operator/): superusers only, only after the second factor, and it never
shows a device secret (ASVS 6.3.3, SECURITY.md 16.2.5)."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.devices import recovery_codes_renew
from schoolbrug.accounts.two_factor.testing import give_device, totp_code, verified_login
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase

ADMIN = "/operator/"
LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"


def admin_reached(response: Any) -> bool:
    return response.status_code == 200 and "site_header" in (response.context or {})


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
class OperatorSecondFactorTests(SchoolTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.operator = Account.objects.create_superuser("operator@test.nl", PASSWORD)

    def test_a_password_alone_never_opens_the_admin(self) -> None:
        self.client.post(LOGIN, {"username": "operator@test.nl", "password": PASSWORD})
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.operator.pk)
        response = self.client.get(ADMIN)
        # Sent to set up an authenticator app first, like an application administrator.
        self.assertRedirects(response, f"{SETUP}?next={ADMIN}", fetch_redirect_response=False)
        self.assertFalse(admin_reached(self.client.get(reverse("admin:accounts_account_changelist"))))

    def test_the_admins_own_login_form_opens_no_session(self) -> None:
        response = self.client.post(
            reverse("admin:login"), {"username": "operator@test.nl", "password": PASSWORD, "next": ADMIN}
        )
        self.assertRedirects(response, f"{LOGIN}?next={ADMIN}", fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertFalse(admin_reached(self.client.get(ADMIN)))
        # Visiting the admin without a session leads to the one login page.
        response = self.client.get(ADMIN, follow=True)
        self.assertEqual(response.redirect_chain[-1][0], f"{LOGIN}?next={ADMIN}")

    def test_the_admin_opens_after_password_and_code(self) -> None:
        device = give_device(self.operator)
        response = self.client.post(LOGIN, {"username": "operator@test.nl", "password": PASSWORD, "next": ADMIN})
        self.assertRedirects(response, VERIFY, fetch_redirect_response=False)
        self.assertFalse(admin_reached(self.client.get(ADMIN)))
        response = self.client.post(VERIFY, {"code": totp_code(device)})
        self.assertRedirects(response, ADMIN, fetch_redirect_response=False)
        self.assertTrue(admin_reached(self.client.get(ADMIN)))

    def test_an_unverified_session_is_sent_to_the_code_step(self) -> None:
        give_device(self.operator)
        self.client.force_login(self.operator)
        response = self.client.get(ADMIN)
        self.assertRedirects(response, f"{VERIFY}?next={ADMIN}", fetch_redirect_response=False)

    def test_the_operator_cannot_switch_the_second_factor_off(self) -> None:
        verified_login(self.client, self.operator)
        response = self.client.post(reverse("accounts:two-factor-disable"), {"disable-password": PASSWORD})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.operator, confirmed=True).exists())

    def test_a_superuser_who_cannot_have_a_second_factor_never_gets_in(self) -> None:
        # A guardian account is never asked for a second factor, so it can never be verified.
        guardian = Account.objects.create_superuser("ouder-operator@test.nl", PASSWORD, kind=Account.Kind.GUARDIAN)
        self.client.force_login(guardian)
        response = self.client.get(ADMIN, follow=True)
        self.assertEqual(response.status_code, 404)

    def test_staff_without_superuser_rights_get_404(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.client.get(ADMIN, follow=True)
        self.assertEqual(response.status_code, 404)


class DeviceSecretsTests(SchoolTestCase):
    """Every admin page about devices, as the verified operator: no key, no recovery code."""

    def setUp(self) -> None:
        self.operator = Account.objects.create_superuser("operator@test.nl", PASSWORD)
        verified_login(self.client, self.operator)
        self.totp = give_device(self.ada.user)
        request = self.client.request().wsgi_request
        self.codes = recovery_codes_renew(actor=self.ada.user, request=request)
        self.static = StaticDevice.objects.get(user=self.ada.user)
        self.secrets = [self.totp.key, b32encode(self.totp.bin_key).decode(), *self.codes]
        # The operator's own device is a secret too.
        own = TOTPDevice.objects.get(user=self.operator)
        self.secrets += [own.key, b32encode(own.bin_key).decode()]

    def assert_no_secret(self, url: str, *, status: int = 200) -> None:
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        content = response.content.decode()
        for secret in self.secrets:
            self.assertNotIn(secret, content, url)
            self.assertNotIn(secret.lower(), content.lower(), url)

    def test_lists_and_device_pages_show_no_secret(self) -> None:
        pages = [
            reverse("admin:otp_totp_totpdevice_changelist"),
            reverse("admin:otp_totp_totpdevice_change", args=[self.totp.pk]),
            reverse("admin:otp_totp_totpdevice_history", args=[self.totp.pk]),
            reverse("admin:otp_totp_totpdevice_delete", args=[self.totp.pk]),
            reverse("admin:otp_static_staticdevice_changelist"),
            reverse("admin:otp_static_staticdevice_change", args=[self.static.pk]),
            reverse("admin:otp_static_staticdevice_delete", args=[self.static.pk]),
            reverse("admin:accounts_account_change", args=[self.ada.user.pk]),
            reverse("admin:index"),
        ]
        for url in pages:
            self.assert_no_secret(url)
        change = self.client.get(reverse("admin:otp_totp_totpdevice_change", args=[self.totp.pk]))
        self.assertContains(change, "Ada Beheer")  # the page is there, only the secret is not
        listing = self.client.get(reverse("admin:otp_static_staticdevice_changelist"))
        self.assertContains(listing, "Ada Beheer")

    def test_no_page_to_read_a_key_or_create_a_device(self) -> None:
        base = reverse("admin:otp_totp_totpdevice_changelist")
        for suffix in (f"{self.totp.pk}/config/", f"{self.totp.pk}/qrcode/"):
            # django-otp's key and QR code pages are gone (the admin's catch-all redirects).
            self.assertIn(self.client.get(base + suffix).status_code, (301, 302, 404), suffix)
            response = self.client.get(base + suffix, follow=True)
            self.assertTemplateNotUsed(response, "otp_totp/admin/config.html")
            self.assertNotEqual(response.get("Content-Type"), "image/svg+xml")
            for secret in self.secrets:
                self.assertNotIn(secret.lower(), response.content.decode().lower(), suffix)
        self.assertEqual(self.client.get(reverse("admin:otp_totp_totpdevice_add")).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:otp_static_staticdevice_add")).status_code, 403)
        response = self.client.post(
            reverse("admin:otp_totp_totpdevice_change", args=[self.totp.pk]), {"name": "x", "key": "00" * 20}
        )
        self.assertEqual(response.status_code, 403)
        self.totp.refresh_from_db()
        self.assertNotEqual(self.totp.key, "00" * 20)

    def test_removing_a_lost_device_is_audited(self) -> None:
        url = reverse("admin:otp_totp_totpdevice_delete", args=[self.totp.pk])
        response = self.client.post(url, {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(TOTPDevice.objects.filter(pk=self.totp.pk).exists())
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.TWO_FACTOR_DISABLED)
        self.assertEqual((event.actor_id, event.subject), (self.operator.pk, "ada@test.nl"))
        self.assertTrue(StaticToken.objects.filter(device=self.static).exists())
