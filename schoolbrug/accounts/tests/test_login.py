"""Login by e-mail address for staff and guardians, throttling, logout and hashing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db.models import F
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from schoolbrug.accounts.models import Account
from schoolbrug.accounts.throttling import check_login_limits
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


@override_settings(
    AXES_FAILURE_LIMIT=5,
    SCHOOLBRUG_LOGIN_ACCOUNT_FAILURE_LIMIT=12,
    SCHOOLBRUG_LOGIN_ADDRESS_FAILURE_LIMIT=20,
    # Hundreds of password checks: a fast hasher keeps them cheap (Argon2 is slow by design).
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
)
class ThrottlingTests(TestCase):
    """Three counters (accounts/throttling.py): the account from one address (5 here), the account
    from all addresses (12) and the address over all accounts (20)."""

    def setUp(self) -> None:
        from schoolbrug.sis.testing import make_school

        school, _, _ = make_school("OBS Throttle")
        self.victim = make_guardian_account(school, "victim@test.nl", "V", "Ictim")
        self.colleague = make_guardian_account(school, "collega@test.nl", "C", "Ollega")
        self.attacker = make_guardian_account(school, "aanvaller@test.nl", "A", "Anvaller")
        for i in range(30):
            make_staff_account(school, f"staff{i}@test.nl", "S", str(i))
        Account.objects.update(password=make_password(PASSWORD))

    def post(self, email: str, password: str, ip: str) -> Any:
        return self.client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)

    def logs_in(self, email: str, ip: str) -> bool:
        """A fresh login with the right password; True when it opened a session."""
        self.client.logout()
        response = self.post(email, PASSWORD, ip)
        opened = response.status_code == 302 and SESSION_KEY in self.client.session
        self.client.logout()
        return opened

    def test_repeated_failures_lock_the_account_at_that_address_with_a_clear_message(self) -> None:
        for _ in range(5):
            self.post("victim@test.nl", "fout", "10.0.0.1")
        response = self.post("victim@test.nl", PASSWORD, "10.0.0.1")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Te veel", status_code=429)
        self.assertNotIn(SESSION_KEY, self.client.session)
        # Nobody can lock the owner out from one address: at home his password still works.
        self.assertTrue(self.logs_in("victim@test.nl", "10.0.0.2"))

    def test_brute_force_on_one_account_never_blocks_other_accounts_at_that_address(self) -> None:
        # Far more attempts than any limit, all on one account from one address.
        for _ in range(60):
            self.post("victim@test.nl", "fout", "10.0.0.9")
        self.assertEqual(self.post("victim@test.nl", PASSWORD, "10.0.0.9").status_code, 429)
        # A colleague behind the same address (a staff room, a family's router) logs in.
        self.assertTrue(self.logs_in("collega@test.nl", "10.0.0.9"))
        self.assertTrue(self.logs_in("staff0@test.nl", "10.0.0.9"))
        # And the victim himself, from anywhere else.
        self.assertTrue(self.logs_in("victim@test.nl", "10.0.0.10"))

    def test_typing_the_address_differently_is_the_same_account(self) -> None:
        for spelling in ("victim@test.nl", "Victim@test.nl", "VICTIM@TEST.NL", " victim@Test.nl", "vIctim@test.nl"):
            self.post(spelling, "fout", "10.0.0.3")
        self.assertEqual(self.post("victim@test.nl", PASSWORD, "10.0.0.3").status_code, 429)

    def test_guessing_from_many_addresses_locks_the_account_everywhere(self) -> None:
        for ip in ("10.1.0.1", "10.1.0.2", "10.1.0.3"):
            for _ in range(4):  # below the limit at each address
                self.post("victim@test.nl", "fout", ip)
        self.assertEqual(self.post("victim@test.nl", PASSWORD, "10.1.0.4").status_code, 429)
        # Only that account: others at those addresses go on.
        self.assertTrue(self.logs_in("collega@test.nl", "10.1.0.1"))

    def test_spraying_many_accounts_is_stopped_even_with_logins_of_ones_own_in_between(self) -> None:
        ip = "10.0.0.66"
        for i in range(20):
            if i and i % 4 == 0:  # the attacker's own account, hoping to reset the address's count
                self.assertTrue(self.logs_in("aanvaller@test.nl", ip), i)
            self.post(f"staff{i}@test.nl", "Zomer2026!", ip)
        # The address is now throttled for every account, a right password included...
        self.assertEqual(self.post("staff25@test.nl", PASSWORD, ip).status_code, 429)
        self.assertEqual(self.post("aanvaller@test.nl", PASSWORD, ip).status_code, 429)
        self.assertNotIn(SESSION_KEY, self.client.session)
        # ...and only that address.
        self.assertTrue(self.logs_in("staff25@test.nl", "10.0.0.67"))

    def test_success_resets_that_account_at_that_address_only(self) -> None:
        for _ in range(4):
            self.post("victim@test.nl", "fout", "10.0.0.1")
        self.assertTrue(self.logs_in("victim@test.nl", "10.0.0.1"))
        for _ in range(4):
            self.post("victim@test.nl", "fout", "10.0.0.1")
        self.assertTrue(self.logs_in("victim@test.nl", "10.0.0.1"))
        # An attacker's failures elsewhere are not forgiven by the owner's login.
        for _ in range(4):
            self.post("victim@test.nl", "fout", "10.0.0.5")
        self.assertTrue(self.logs_in("victim@test.nl", "10.0.0.1"))
        self.post("victim@test.nl", "fout", "10.0.0.5")
        self.assertEqual(self.post("victim@test.nl", PASSWORD, "10.0.0.5").status_code, 429)

    def test_the_lock_out_ends_after_the_cool_off(self) -> None:
        for _ in range(5):
            self.post("victim@test.nl", "fout", "10.0.0.1")
        self.assertFalse(self.logs_in("victim@test.nl", "10.0.0.1"))
        # The failures took place one cool-off period and a second ago.
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
        self.assertTrue(self.logs_in("victim@test.nl", "10.0.0.1"))
        self.assertFalse(AccessAttempt.objects.exists())  # expired rows are cleaned up


class LoginLimitCheckTests(SimpleTestCase):
    def test_the_account_and_address_limits_must_be_above_the_first(self) -> None:
        with override_settings(
            AXES_FAILURE_LIMIT=10, SCHOOLBRUG_LOGIN_ACCOUNT_FAILURE_LIMIT=30, SCHOOLBRUG_LOGIN_ADDRESS_FAILURE_LIMIT=100
        ):
            self.assertEqual(check_login_limits(), [])
        with override_settings(
            AXES_FAILURE_LIMIT=10, SCHOOLBRUG_LOGIN_ACCOUNT_FAILURE_LIMIT=10, SCHOOLBRUG_LOGIN_ADDRESS_FAILURE_LIMIT=5
        ):
            errors = check_login_limits()
        self.assertEqual([error.id for error in errors], ["schoolbrug.E101", "schoolbrug.E101"])
        self.assertIn("SCHOOLBRUG_LOGIN_ADDRESS_FAILURE_LIMIT", errors[1].msg)


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
