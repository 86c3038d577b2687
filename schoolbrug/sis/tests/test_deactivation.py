"""Making a guardian account inactive (ACC-3, SECURITY.md 7.4.2): sessions end, login is refused."""

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
from schoolbrug.sis.guardian_accounts.invitations import guardian_invite
from schoolbrug.sis.guardian_accounts.services import guardian_account_deactivate
from schoolbrug.sis.models import Guardian, Guardianship
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase

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
        self.assertContains(response, 'data-state="inactive"')

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

    def test_sending_an_invitation_reactivates(self) -> None:
        guardian_account_deactivate(actor=self.ada.user, guardian=self.dirk.record)
        with self.captureOnCommitCallbacks(execute=True):
            outcome = guardian_invite(actor=self.ada.user, guardian=Guardian.objects.get(pk=self.dirk.record.pk))
        self.assertTrue(outcome.sent)
        self.dirk.user.refresh_from_db()
        self.assertTrue(self.dirk.user.is_active)
        self.assertEqual(len(mail.outbox), 1)

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
