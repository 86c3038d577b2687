"""The session index: deactivation ends exactly the account's own sessions, without a full scan."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from schoolbrug.accounts.sessions import AccountSession, end_sessions_of
from schoolbrug.accounts.two_factor.testing import give_device, totp_code
from schoolbrug.core.testing import count_queries
from schoolbrug.sis.guardian_accounts.services import guardian_account_deactivate
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase, make_guardian_account

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/verify/"
HOME = "/portal/"


def other_sessions(count: int) -> None:
    """Sessions of nobody in particular, as a busy site has thousands of."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    for number in range(count):
        store = store_class()
        store["visit"] = number
        store.create()


class SessionIndexTests(SchoolTestCase):
    def logged_in(self, email: str) -> Client:
        device = Client()
        device.post(LOGIN, {"username": email, "password": PASSWORD})
        self.assertEqual(device.get(HOME).status_code, 200)
        return device

    def test_deactivation_ends_exactly_the_sessions_of_that_account(self) -> None:
        phone, laptop = self.logged_in("dirk@test.nl"), self.logged_in("dirk@test.nl")
        paula = self.logged_in("paula@test.nl")
        dirk_keys = {phone.session.session_key, laptop.session.session_key}
        self.assertEqual(
            set(AccountSession.objects.filter(account=self.dirk.user).values_list("session_key", flat=True)), dirk_keys
        )
        other_sessions(5)

        guardian_account_deactivate(actor=self.ada.user, guardian=self.dirk.record)

        for device in (phone, laptop):
            response = device.get(HOME)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.assertFalse(Session.objects.filter(session_key__in=dirk_keys).exists())
        self.assertFalse(AccountSession.objects.filter(account=self.dirk.user).exists())
        self.assertEqual(paula.get(HOME).status_code, 200)
        self.assertTrue(AccountSession.objects.filter(account=self.paula.user).exists())
        self.assertEqual(Session.objects.count(), 5 + 1)  # the strangers' and paula's

    def test_sessions_are_deleted_even_while_the_account_stays_active(self) -> None:
        # The is_active check alone would refuse an inactive account; this proves the delete.
        phone = self.logged_in("dirk@test.nl")
        self.assertEqual(end_sessions_of(self.dirk.user), 1)
        response = phone.get(HOME)
        self.assertEqual(response.status_code, 302)
        self.assertNotIn(SESSION_KEY, phone.session)

    def test_query_count_does_not_grow_with_other_sessions(self) -> None:
        def measured(strangers: int) -> int:
            self.logged_in("dirk@test.nl")
            other_sessions(strangers)
            with count_queries() as queries:
                self.assertEqual(end_sessions_of(self.dirk.user), 1)
            return len(queries)

        few = measured(1)
        many = measured(50)
        self.assertEqual(Session.objects.count(), 51)
        self.assertEqual(few, many)

    def test_logout_removes_the_row(self) -> None:
        device = self.logged_in("paula@test.nl")
        self.assertTrue(AccountSession.objects.filter(account=self.paula.user).exists())
        device.post(reverse("accounts:logout"))
        self.assertFalse(AccountSession.objects.filter(account=self.paula.user).exists())

    def test_rows_of_vanished_sessions_go_at_the_next_login(self) -> None:
        self.logged_in("paula@test.nl")
        Session.objects.all().delete()  # as after expiry and clearsessions
        device = self.logged_in("paula@test.nl")
        keys = list(AccountSession.objects.filter(account=self.paula.user).values_list("session_key", flat=True))
        self.assertEqual(keys, [device.session.session_key])

    def test_the_account_choice_indexes_the_session(self) -> None:
        parent = make_guardian_account(self.school, "tess@test.nl", "Tess", "Leraar").account
        self.client.post(LOGIN, {"username": "tess@test.nl", "password": PASSWORD})
        self.assertFalse(AccountSession.objects.filter(account=parent).exists())
        self.client.post(reverse("accounts:choose"), {"account": parent.pk})
        keys = list(AccountSession.objects.filter(account=parent).values_list("session_key", flat=True))
        self.assertEqual(keys, [self.client.session.session_key])


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)
class TwoFactorSessionIndexTests(SchoolTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_the_code_step_indexes_the_new_session(self) -> None:
        device = give_device(self.tess.user)
        self.client.post(LOGIN, {"username": "tess@test.nl", "password": PASSWORD})
        self.assertFalse(AccountSession.objects.exists())  # no session of hers before the code
        self.client.post(VERIFY, {"code": totp_code(device)})
        keys = list(AccountSession.objects.filter(account=self.tess.user).values_list("session_key", flat=True))
        self.assertEqual(keys, [self.client.session.session_key])

        self.assertEqual(end_sessions_of(self.tess.user), 1)
        self.assertEqual(self.client.get(reverse("staff:overview")).status_code, 302)

    def test_verifying_an_older_session_indexes_its_new_key(self) -> None:
        self.client.force_login(self.tess.user)  # a session from before her app: not yet verified
        device = give_device(self.tess.user)
        self.client.post(VERIFY, {"code": totp_code(device)})
        keys = list(AccountSession.objects.filter(account=self.tess.user).values_list("session_key", flat=True))
        self.assertEqual(keys, [self.client.session.session_key])
