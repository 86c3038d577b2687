"""Login by e-mail address for staff and guardians, throttling, logout and hashing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import TestCase, override_settings
from django.urls import reverse

from schoolbrug.accounts.models import Account
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase, make_guardian_account, make_staff_account

LOGIN = "/accounts/login/"


class LoginTests(SchoolTestCase):
    def login(self, email: str, password: str = PASSWORD, **extra: str) -> Any:
        return self.client.post(LOGIN, {"username": email, "password": password, **extra})

    def test_login_url_uses_djangos_standard_field_names(self) -> None:
        self.assertEqual(reverse("accounts:login"), LOGIN)
        response = self.client.get(LOGIN)
        self.assertContains(response, 'name="username"')
        self.assertContains(response, 'name="password"')
        self.assertContains(response, "Inloggen")  # Dutch by default

    def test_staff_member_logs_in_by_email_and_lands_on_the_staff_pages(self) -> None:
        response = self.login("TESS@test.nl")
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertRedirects(self.client.get(reverse("home")), reverse("staff:overview"))

    def test_guardian_logs_in_and_lands_on_his_home(self) -> None:
        self.login("paula@test.nl")
        self.assertRedirects(self.client.get(reverse("home")), reverse("portal:home"))

    def test_wrong_password_is_refused_with_a_clear_message(self) -> None:
        response = self.login("paula@test.nl", "verkeerd-wachtwoord")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "komen niet overeen")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_unknown_address_gets_the_same_message(self) -> None:
        unknown = self.login("niemand@test.nl")
        wrong = self.login("paula@test.nl", "verkeerd-wachtwoord")
        self.assertEqual(unknown.context["form"].errors, wrong.context["form"].errors)

    def test_inactive_account_cannot_log_in(self) -> None:
        Account.objects.filter(pk=self.otto.user.pk).update(is_active=False)
        self.login("otto@test.nl")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_session_key_changes_on_login(self) -> None:
        self.client.get(LOGIN)
        self.client.cookies["sessionid"] = "voorspelbaar"
        self.login("paula@test.nl")
        self.assertNotEqual(self.client.cookies["sessionid"].value, "voorspelbaar")

    def test_logout_ends_the_session_on_the_server(self) -> None:
        self.login("paula@test.nl")
        old_cookie = self.client.cookies["sessionid"].value
        self.client.post(reverse("accounts:logout"))
        self.client.cookies["sessionid"] = old_cookie
        response = self.client.get(reverse("portal:home"))
        self.assertRedirects(response, LOGIN + "?next=" + reverse("portal:home"))

    def test_next_parameter_is_followed_only_on_this_site(self) -> None:
        response = self.login("tess@test.nl", next="https://evil.example/")
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)


class DualAccountTests(SchoolTestCase):
    """A teacher whose child attends the school has a staff and a guardian account."""

    def setUp(self) -> None:
        self.parent_account = make_guardian_account(self.school, "tess@test.nl", "Tess", "Leraar")

    def test_staff_and_guardian_accounts_are_separate_under_one_address(self) -> None:
        kinds = set(Account.objects.filter(email="tess@test.nl").values_list("kind", flat=True))
        self.assertEqual(kinds, {"staff", "guardian"})

    def test_the_password_decides_which_account_opens(self) -> None:
        self.parent_account.account.set_password("Ander-wachtwoord-2")
        self.parent_account.account.save()
        self.client.post(LOGIN, {"username": "tess@test.nl", "password": "Ander-wachtwoord-2"})
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.parent_account.account.pk)
        self.client.post(reverse("accounts:logout"))
        self.client.post(LOGIN, {"username": "tess@test.nl", "password": PASSWORD})
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.tess.user.pk)

    def test_when_both_match_the_person_chooses(self) -> None:
        response = self.client.post(LOGIN, {"username": "tess@test.nl", "password": PASSWORD})
        self.assertRedirects(response, reverse("accounts:choose"))
        self.assertNotIn(SESSION_KEY, self.client.session)
        page = self.client.get(reverse("accounts:choose"))
        self.assertContains(page, "Medewerker")
        self.assertContains(page, "Ouder/verzorger")
        response = self.client.post(reverse("accounts:choose"), {"account": self.parent_account.account.pk})
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.parent_account.account.pk)
        self.assertRedirects(self.client.get(reverse("home")), reverse("portal:home"))

    def test_choice_cannot_pick_an_account_that_did_not_match(self) -> None:
        self.client.post(LOGIN, {"username": "tess@test.nl", "password": PASSWORD})
        response = self.client.post(reverse("accounts:choose"), {"account": self.ada.user.pk})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_choice_page_without_a_pending_login_goes_back_to_login(self) -> None:
        self.assertRedirects(self.client.get(reverse("accounts:choose")), LOGIN)

    def test_a_staff_login_never_opens_the_portal(self) -> None:
        self.client.force_login(self.tess.user)
        self.assertEqual(self.client.get(reverse("portal:home")).status_code, 404)


@override_settings(AXES_FAILURE_LIMIT=5)
class ThrottlingTests(TestCase):
    def setUp(self) -> None:
        from schoolbrug.sis.testing import make_school

        school, _, _ = make_school("OBS Throttle")
        self.victim = make_guardian_account(school, "victim@test.nl", "V", "Ictim")
        for i in range(6):
            make_staff_account(school, f"staff{i}@test.nl", "S", str(i))

    def post(self, email: str, password: str, ip: str) -> Any:
        return self.client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)

    def test_repeated_failures_lock_the_account_with_a_clear_message(self) -> None:
        for _ in range(5):
            self.post("victim@test.nl", "fout", "10.0.0.1")
        response = self.post("victim@test.nl", PASSWORD, "10.0.0.2")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Te veel", status_code=429)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_one_address_trying_many_accounts_is_locked(self) -> None:
        for i in range(5):
            self.post(f"staff{i}@test.nl", "fout", "10.0.0.9")
        response = self.post("victim@test.nl", PASSWORD, "10.0.0.9")
        self.assertEqual(response.status_code, 429)
        response = self.post("victim@test.nl", PASSWORD, "10.0.0.10")
        self.assertEqual(response.status_code, 302)

    def test_success_before_the_limit_resets_the_count(self) -> None:
        for _ in range(4):
            self.post("victim@test.nl", "fout", "10.0.0.1")
        self.assertEqual(self.post("victim@test.nl", PASSWORD, "10.0.0.1").status_code, 302)


class HashingTests(TestCase):
    def test_passwords_are_hashed_with_argon2(self) -> None:
        self.assertEqual(settings.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher")
        account = Account.objects.create_account(kind="guardian", email="x@test.nl", password="Een-lang-wachtwoord-9")
        self.assertTrue(account.password.startswith("argon2$argon2id$"))

    def test_short_and_common_passwords_are_refused(self) -> None:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        for weak in ("kort", "password123", "1234567890"):
            with self.assertRaises(ValidationError):
                validate_password(weak)
        validate_password("een zin van vierenzestig tekens is prima als wachtwoord, echt waar!!")


class SessionRuleTests(SchoolTestCase):
    def test_staff_sessions_are_short_and_guardian_sessions_long(self) -> None:
        self.client.post(LOGIN, {"username": "tess@test.nl", "password": PASSWORD})
        self.assertEqual(self.client.session.get_expiry_age(), settings.SCHOOLBRUG_STAFF_SESSION_SECONDS)
        self.client.post(reverse("accounts:logout"))
        self.client.post(LOGIN, {"username": "paula@test.nl", "password": PASSWORD})
        self.assertEqual(self.client.session.get_expiry_age(), settings.SCHOOLBRUG_GUARDIAN_SESSION_SECONDS)
        self.assertLess(settings.SCHOOLBRUG_STAFF_SESSION_SECONDS, settings.SCHOOLBRUG_GUARDIAN_SESSION_SECONDS)

    def test_chosen_account_gets_its_own_kinds_session_length(self) -> None:
        parent = make_guardian_account(self.school, "tess@test.nl", "Tess", "Leraar")
        self.client.post(LOGIN, {"username": "tess@test.nl", "password": PASSWORD})
        self.client.post(reverse("accounts:choose"), {"account": parent.account.pk})
        self.assertEqual(self.client.session.get_expiry_age(), settings.SCHOOLBRUG_GUARDIAN_SESSION_SECONDS)
