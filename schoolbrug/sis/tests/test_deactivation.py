"""Withdrawing a guardian's access (ACC-3, SECURITY.md 7.4.2): at one school only; the shared account is
made inactive, its sessions ended, only when no school links it any more."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from schoolbrug.accounts.activation import activation_token_issue
from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis import policies
from schoolbrug.sis.guardian_accounts.invitations import guardian_invite
from schoolbrug.sis.guardian_accounts.services import guardian_account_deactivate
from schoolbrug.sis.models import Guardian, Guardianship
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase, link
from schoolbrug.sis.tests.test_invitations import NEW_PASSWORD, link_in

HOME = "/portal/"


class DeactivationTests(SchoolTestCase):
    def setUp(self) -> None:
        self.guardianship = Guardianship.objects.get(pupil=self.sam, guardian=self.dirk.record)
        self.url = reverse("staff:guardian-account-deactivate", args=[self.sam.pk, self.guardianship.pk])

    def logged_in_device(self) -> Client:
        device = Client()
        device.post(reverse("accounts:login"), {"username": "dirk@test.nl", "password": PASSWORD})
        self.assertEqual(device.get(HOME).status_code, 200)
        return device

    def test_both_devices_lose_access_at_their_next_request_and_login_is_refused(self) -> None:
        phone, laptop = self.logged_in_device(), self.logged_in_device()
        paula = self.client_class()
        paula.force_login(self.paula.user)
        verified_login(self.client, self.ada.user)

        response = self.client.post(self.url, {"confirm": "yes"}, headers={"accept-language": "en"}, follow=True)
        self.assertContains(response, "is inactive")
        # Dirk's only school let go of the account, so the account itself is inactive.
        self.assertContains(response, 'data-state="none"')
        self.dirk.user.refresh_from_db()
        self.assertFalse(self.dirk.user.is_active)

        for device in (phone, laptop):
            response = device.get(HOME)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.assertEqual(paula.get(HOME).status_code, 200)  # nobody else is affected
        decoded = [s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()]
        self.assertNotIn(str(self.dirk.user.pk), decoded)

        fresh = Client()
        fresh.post(reverse("accounts:login"), {"username": "dirk@test.nl", "password": PASSWORD})
        self.assertNotIn(SESSION_KEY, fresh.session)

        event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_DEACTIVATED)
        self.assertEqual(
            (event.actor_id, event.school_id, event.data["sessions_ended"]), (self.ada.user.pk, self.school.pk, 2)
        )

    def test_a_stale_session_is_refused_even_when_it_could_not_be_deleted(self) -> None:
        phone = self.logged_in_device()
        # As with a session engine that cannot be searched: only is_active changes.
        Account.objects.filter(pk=self.dirk.user.pk).update(is_active=False)
        self.assertEqual(phone.get(HOME).status_code, 302)

    def test_outstanding_invitation_links_stop_working(self) -> None:
        raw = activation_token_issue(account=self.dirk.user)
        guardian_account_deactivate(actor=self.ada.user, guardian=self.dirk.record)
        self.assertEqual(self.client.get(reverse("accounts:activate", args=[raw])).status_code, 410)

    def test_nothing_happens_without_confirmation(self) -> None:
        verified_login(self.client, self.ada.user)
        self.client.post(self.url)
        self.dirk.user.refresh_from_db()
        self.assertTrue(self.dirk.user.is_active)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_guardian_without_account_gets_a_clear_message(self) -> None:
        Guardian.objects.filter(pk=self.dirk.record.pk).update(account=None)
        verified_login(self.client, self.ada.user)
        response = self.client.post(self.url, {"confirm": "yes"}, headers={"accept-language": "en"}, follow=True)
        self.assertContains(response, "This guardian has no account yet.")

    def test_sending_an_invitation_reactivates_once_the_guardian_accepts(self) -> None:
        guardian_account_deactivate(actor=self.ada.user, guardian=self.dirk.record)
        with self.captureOnCommitCallbacks(execute=True):
            outcome = guardian_invite(actor=self.ada.user, guardian=Guardian.objects.get(pk=self.dirk.record.pk))
        self.assertTrue(outcome.sent)
        self.assertEqual(outcome.account, self.dirk.user)  # the same login, not a second one
        self.assertEqual(len(mail.outbox), 1)
        self.assertNotIn(self.sam, policies.pupils_visible_to(Account.objects.get(pk=self.dirk.user.pk)))
        url, _token = link_in(mail.outbox[0])
        self.client.post(
            url.removeprefix("http://127.0.0.1:8000"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        self.dirk.user.refresh_from_db()
        self.assertTrue(self.dirk.user.is_active)
        self.assertEqual(Guardian.objects.get(pk=self.dirk.record.pk).account_id, self.dirk.user.pk)
        self.assertIn(self.sam, policies.pupils_visible_to(self.dirk.user))

    def test_wrong_personas_get_404_and_change_nothing(self) -> None:
        for persona in (self.tess, self.pim, self.paula, self.dirk):
            self.client.force_login(persona.user)
            self.assertEqual(self.client.post(self.url, {"confirm": "yes"}).status_code, 404, persona.user.email)
        verified_login(self.client, self.wim.user)
        self.assertEqual(self.client.post(self.url, {"confirm": "yes"}).status_code, 404)
        for persona in (self.tess, self.wim):
            with self.assertRaises(PermissionDenied):
                guardian_account_deactivate(actor=persona.user, guardian=self.dirk.record)
        self.dirk.user.refresh_from_db()
        self.assertTrue(self.dirk.user.is_active)


class TwoSchoolsTests(SchoolTestCase):
    """One person is a guardian at two schools with one shared login (Guardian.account)."""

    def setUp(self) -> None:
        # Dirk also has a child at CBS Elders: that school's record holds the same account.
        self.elders_record = Guardian.objects.create(
            school=self.other_school,
            account=self.dirk.user,
            first_name="Dirk",
            last_name="Bakker",
            email="dirk@test.nl",
        )
        link(self.elders_record, self.other_pupil, "father")
        self.guardianship = Guardianship.objects.get(pupil=self.sam, guardian=self.dirk.record)
        self.url = reverse("staff:guardian-account-deactivate", args=[self.sam.pk, self.guardianship.pk])
        self.phone = Client()
        self.phone.post(reverse("accounts:login"), {"username": "dirk@test.nl", "password": PASSWORD})
        self.assertEqual(self.phone.get(HOME).status_code, 200)

    def visible(self) -> set[int]:
        return set(policies.pupils_visible_to(Account.objects.get(pk=self.dirk.user.pk)).values_list("pk", flat=True))

    def test_make_inactive_withdraws_access_at_that_school_only(self) -> None:
        self.assertEqual(self.visible(), {self.sam.pk, self.other_pupil.pk})
        # CBS Elders has just sent Dirk a link (the newest link of an account is the valid one).
        elders_link = activation_token_issue(account=self.dirk.user, school_id=self.other_school.pk)

        verified_login(self.client, self.ada.user)
        response = self.client.post(self.url, {"confirm": "yes"}, headers={"accept-language": "en"}, follow=True)
        self.assertContains(response, "no longer has access to this school")
        self.assertContains(response, 'data-state="none"')

        # The account still works for CBS Elders, in the session already open and at a new login.
        self.dirk.user.refresh_from_db()
        self.assertTrue(self.dirk.user.is_active)
        self.assertEqual(self.visible(), {self.other_pupil.pk})
        self.assertEqual(self.phone.get(HOME).status_code, 200)
        fresh = Client()
        fresh.post(reverse("accounts:login"), {"username": "dirk@test.nl", "password": PASSWORD})
        self.assertEqual(int(fresh.session[SESSION_KEY]), self.dirk.user.pk)
        # Nothing of OBS Testschool is reachable through it any more.
        self.assertFalse(Guardian.objects.filter(school=self.school, account=self.dirk.user).exists())
        self.assertEqual(Guardian.objects.get(pk=self.elders_record.pk).account_id, self.dirk.user.pk)
        # The other school's invitation link still works.
        self.assertEqual(self.client.get(reverse("accounts:activate", args=[elders_link])).status_code, 200)

        event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCESS_WITHDRAWN)
        self.assertEqual((event.school_id, event.data["account_deactivated"]), (self.school.pk, False))
        self.assertFalse(AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_DEACTIVATED).exists())

    def test_the_withdrawing_schools_own_invitation_link_stops_working(self) -> None:
        link_of_this_school = activation_token_issue(account=self.dirk.user, school_id=self.school.pk)
        guardian_account_deactivate(actor=self.ada.user, guardian=self.dirk.record)
        self.assertEqual(self.client.get(reverse("accounts:activate", args=[link_of_this_school])).status_code, 410)

    def test_the_account_is_deactivated_when_the_last_school_withdraws(self) -> None:
        first = guardian_account_deactivate(actor=self.ada.user, guardian=self.dirk.record)
        self.assertFalse(first.account_deactivated)
        last = guardian_account_deactivate(actor=self.wim.user, guardian=self.elders_record)
        self.assertTrue(last.account_deactivated)
        self.assertEqual(last.sessions_ended, 1)
        self.dirk.user.refresh_from_db()
        self.assertFalse(self.dirk.user.is_active)
        self.assertEqual(self.visible(), set())
        response = self.phone.get(HOME)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_DEACTIVATED)
        self.assertEqual((event.school_id, event.data["sessions_ended"]), (self.other_school.pk, 1))

    def test_a_school_cannot_withdraw_another_schools_access(self) -> None:
        with self.assertRaises(PermissionDenied):
            guardian_account_deactivate(actor=self.wim.user, guardian=self.dirk.record)
        verified_login(self.client, self.wim.user)
        self.assertEqual(self.client.post(self.url, {"confirm": "yes"}).status_code, 404)
        self.assertEqual(self.visible(), {self.sam.pk, self.other_pupil.pk})
