"""Staff two-factor authentication: setup, login step, replay, recovery codes, lock-out, rules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.two_factor.testing import give_device, totp_code, verified_login
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)
class TwoFactorLoginTests(SchoolTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.device = give_device(self.tess.user)

    def password_step(self, email: str = "tess@test.nl") -> Any:
        return self.client.post(LOGIN, {"username": email, "password": PASSWORD})

    def test_right_password_alone_gives_no_session(self) -> None:
        response = self.password_step()
        self.assertRedirects(response, VERIFY, fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertEqual(self.client.get(reverse("staff:overview")).status_code, 302)

    def test_code_completes_the_login_with_a_new_session_key(self) -> None:
        self.password_step()
        before = self.client.cookies["sessionid"].value
        response = self.client.post(VERIFY, {"code": totp_code(self.device)})
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.tess.user.pk)
        self.assertEqual(self.client.session[DEVICE_ID_SESSION_KEY], self.device.persistent_id)
        self.assertNotEqual(self.client.cookies["sessionid"].value, before)
        self.assertEqual(self.client.get(reverse("staff:overview")).status_code, 200)
        event = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_SUCCEEDED).latest("pk")
        self.assertEqual((event.actor_id, event.data["second_factor"]), (self.tess.user.pk, "app"))

    def test_the_same_code_works_only_once(self) -> None:
        code = totp_code(self.device)
        self.password_step()
        self.client.post(VERIFY, {"code": code})
        self.client.post(reverse("accounts:logout"))
        self.password_step()
        response = self.client.post(VERIFY, {"code": code})
        self.assertEqual(response.status_code, 200)
        self.assertIn("code", response.context["form"].errors)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_recovery_code_works_once(self) -> None:
        from schoolbrug.accounts.two_factor.devices import _new_recovery_codes

        codes = _new_recovery_codes(self.tess.user)
        self.password_step()
        self.client.post(VERIFY, {"code": codes[0].upper()})
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.tess.user.pk)
        self.assertEqual(StaticToken.objects.filter(device__user=self.tess.user).count(), 9)
        self.client.post(reverse("accounts:logout"))
        self.password_step()
        response = self.client.post(VERIFY, {"code": codes[0]})
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertIn("code", response.context["form"].errors)

    def test_five_wrong_codes_drop_the_login_and_lock_the_account(self) -> None:
        self.password_step()
        for _ in range(4):
            response = self.client.post(VERIFY, {"code": "000000"})
            self.assertEqual(response.status_code, 200)
        response = self.client.post(VERIFY, {"code": "000000"}, headers={"accept-language": "en"})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many wrong codes", status_code=429)
        self.assertEqual(AuditEvent.objects.filter(kind=AuditEvent.Kind.TWO_FACTOR_FAILED).count(), 5)
        # The pending login is gone, and even the right password and code do not open it now.
        self.assertRedirects(self.client.get(VERIFY), LOGIN)
        self.assertEqual(self.password_step().status_code, 429)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_choosing_the_staff_account_still_asks_for_the_code(self) -> None:
        from schoolbrug.sis.testing import make_guardian_account

        make_guardian_account(self.school, "tess@test.nl", "Tess", "Leraar")
        self.password_step()
        response = self.client.post(reverse("accounts:choose"), {"account": self.tess.user.pk})
        self.assertRedirects(response, VERIFY, fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.client.post(VERIFY, {"code": totp_code(self.device)})
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.tess.user.pk)

    def test_verify_step_without_pending_login_goes_to_login(self) -> None:
        self.assertRedirects(self.client.get(VERIFY), LOGIN)

    def test_guardians_are_never_asked(self) -> None:
        give_device(self.paula.user)  # even a device (which guardians cannot make) is ignored
        self.client.post(LOGIN, {"username": "paula@test.nl", "password": PASSWORD})
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.paula.user.pk)

    def test_teacher_without_app_logs_in_with_password_only(self) -> None:
        TOTPDevice.objects.filter(user=self.tess.user).delete()
        self.password_step()
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.tess.user.pk)
        self.assertEqual(self.client.get(reverse("staff:overview")).status_code, 200)

    def test_session_that_predates_the_app_is_sent_to_the_code_step(self) -> None:
        self.client.force_login(self.tess.user)
        url = reverse("staff:overview")
        self.assertRedirects(self.client.get(url), f"{VERIFY}?next={url.replace('/', '%2F')}")
        response = self.client.post(f"{VERIFY}?next={url}", {"code": totp_code(self.device)})
        self.assertRedirects(response, url)


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
class EnforcementAndSetupTests(SchoolTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_administrator_without_app_is_sent_to_setup_on_every_page(self) -> None:
        self.client.force_login(self.ada.user)
        for url in (reverse("staff:overview"), reverse("staff:pupil", args=[self.sam.pk]), reverse("staff:audit-log")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith(SETUP), url)
        self.assertEqual(self.client.get(SETUP).status_code, 200)
        self.assertEqual(self.client.get("/healthz").status_code, 200)

    def test_setup_shows_qr_and_key_and_confirms_with_a_code(self) -> None:
        self.client.force_login(self.ada.user)
        response = self.client.get(SETUP)
        self.assertContains(response, "<svg")
        device = TOTPDevice.objects.get(user=self.ada.user, confirmed=False)
        wrong = self.client.post(SETUP, {"code": "123456"})
        self.assertIn("code", wrong.context["form"].errors)
        before = self.client.cookies["sessionid"].value
        response = self.client.post(SETUP, {"code": totp_code(device)})
        self.assertEqual(response.status_code, 200)
        codes = response.context["codes"]
        self.assertEqual(len(codes), 10)
        for code in codes:
            self.assertContains(response, code)
        self.assertNotEqual(self.client.cookies["sessionid"].value, before)
        self.assertTrue(TOTPDevice.objects.get(pk=device.pk).confirmed)
        self.assertEqual(self.client.get(reverse("staff:overview")).status_code, 200)
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.TWO_FACTOR_ENABLED)
        self.assertEqual(event.actor_id, self.ada.user.pk)
        self.assertNotIn(device.key, str(event.data) + event.subject)

    def test_guardian_gets_404_on_the_two_factor_pages(self) -> None:
        self.client.force_login(self.paula.user)
        for url in (SETUP, reverse("accounts:two-factor")):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.get(reverse("portal:home")).status_code, 200)

    def test_teacher_may_switch_off_only_with_her_password(self) -> None:
        verified_login(self.client, self.tess.user)
        url = reverse("accounts:two-factor-disable")
        self.assertEqual(self.client.post(url, {"disable-password": "fout"}).status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.tess.user).exists())
        self.assertRedirects(self.client.post(url, {"disable-password": PASSWORD}), reverse("accounts:two-factor"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.tess.user).exists())
        self.assertTrue(AuditEvent.objects.filter(kind=AuditEvent.Kind.TWO_FACTOR_DISABLED).exists())

    def test_administrator_cannot_switch_off(self) -> None:
        verified_login(self.client, self.ada.user)
        page = self.client.get(reverse("accounts:two-factor"))
        self.assertNotContains(page, reverse("accounts:two-factor-disable"))
        response = self.client.post(reverse("accounts:two-factor-disable"), {"disable-password": PASSWORD})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.ada.user, confirmed=True).exists())

    def test_new_recovery_codes_need_the_password_and_replace_the_old(self) -> None:
        from schoolbrug.accounts.two_factor.devices import _new_recovery_codes

        old = _new_recovery_codes(self.tess.user)
        verified_login(self.client, self.tess.user)
        url = reverse("accounts:two-factor-recovery-codes")
        self.assertEqual(self.client.post(url, {"renew-password": "fout"}).status_code, 403)
        response = self.client.post(url, {"renew-password": PASSWORD})
        new = response.context["codes"]
        tokens = set(StaticToken.objects.filter(device__user=self.tess.user).values_list("token", flat=True))
        self.assertEqual(tokens, set(new))
        self.assertFalse(tokens & set(old))

    def test_new_phone_needs_the_password_and_replaces_the_old_app(self) -> None:
        old = give_device(self.tess.user)
        verified_login(self.client, self.tess.user)
        self.assertRedirects(self.client.get(SETUP), reverse("accounts:two-factor"))
        url = reverse("accounts:two-factor-replace")
        self.assertEqual(self.client.post(url, {"replace-password": "fout"}).status_code, 403)
        self.assertRedirects(self.client.post(url, {"replace-password": PASSWORD}), SETUP)
        self.assertEqual(self.client.get(SETUP).status_code, 200)
        new = TOTPDevice.objects.get(user=self.tess.user, confirmed=False)
        self.client.post(SETUP, {"code": totp_code(new)})
        self.assertEqual(list(TOTPDevice.objects.filter(user=self.tess.user).values_list("pk", flat=True)), [new.pk])
        self.assertNotEqual(new.pk, old.pk)
