"""POR-12: an application administrator sees exactly a guardian's portal, read-only, audited."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.portal.models import GuardianPortalPreference
from schoolbrug.portal.modules import Module
from schoolbrug.portal.policies import IMPERSONATION_KEY
from schoolbrug.sis.testing import SchoolTestCase

from .helpers import disable_module, enable_module

START = reverse("portal:impersonate")
STOP = reverse("portal:impersonate-stop")
EN = {"accept-language": "en"}


class ImpersonationTests(SchoolTestCase):
    def start(self, guardian_account_id: int) -> Any:
        return self.client.post(START, {"guardian_account": guardian_account_id})

    def test_admin_sees_exactly_the_guardians_portal_with_a_banner(self) -> None:
        verified_login(self.client, self.ada.user)
        listing = self.client.get(START + "?q=bakker")
        self.assertContains(listing, f'data-testid="impersonate-{self.dirk.user.pk}"')
        self.assertNotContains(listing, "otto@test.nl")
        self.assertRedirects(self.start(self.dirk.user.pk), reverse("portal:home"))
        response = self.client.get(reverse("portal:home"), headers=EN)
        self.assertContains(response, 'data-testid="impersonation-banner"')
        self.assertContains(response, "Changes are not saved while logged in as administrator.")
        self.assertEqual(response.context["children"], [self.sam])
        self.assertContains(response, "06 22222222")
        self.assertNotContains(response, "06 11111111")  # not even the admin sees paula through dirk
        self.assertEqual(self.client.get(reverse("portal:child-about", args=[self.olivia.pk])).status_code, 404)

    def test_every_change_is_refused_with_the_message(self) -> None:
        enable_module(self.school, Module.NOTES, replies_allowed=True)
        verified_login(self.client, self.ada.user)
        self.start(self.paula.user.pk)
        for url, data in (
            (reverse("portal:account"), {"link_communication_app": "on"}),
            (reverse("portal:correction", args=["pupil", self.sam.pk, "called_name"]), {"proposed_value": "Sammie"}),
            (reverse("portal:child-note-reply", args=[self.sam.pk, 1]), {"text": "hoi"}),
            (reverse("portal:settings"), {"website": "https://x.nl"}),
            (reverse("staff:pupil-edit", args=[self.sam.pk]), {"first_name": "X"}),
        ):
            for method in (self.client.post, self.client.put, self.client.patch, self.client.delete):
                response = method(url, data, headers=EN)
                self.assertEqual(response.status_code, 403, (url, method))
                self.assertContains(
                    response, "Changes are not saved while logged in as administrator.", status_code=403
                )
        self.assertFalse(GuardianPortalPreference.objects.exists())
        self.assertEqual(self.sam.__class__.objects.get(pk=self.sam.pk).first_name, "Sam")

    def test_module_changes_are_visible_at_once(self) -> None:
        verified_login(self.client, self.ada.user)
        self.start(self.paula.user.pk)
        url = reverse("portal:child-absences", args=[self.sam.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        enable_module(self.school, Module.ABSENCES)
        self.assertEqual(self.client.get(url).status_code, 200)
        disable_module(self.school, Module.ABSENCES)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_start_and_stop_are_audited_and_stop_ends_it(self) -> None:
        verified_login(self.client, self.ada.user)
        self.start(self.paula.user.pk)
        self.assertRedirects(self.client.post(STOP), START)
        self.assertNotIn(IMPERSONATION_KEY, self.client.session)
        events = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPERSONATION).order_by("pk"))
        self.assertEqual([e.data["action"] for e in events], ["start", "stop"])
        self.assertTrue(all(e.actor_id == self.ada.user.pk and e.school_id == self.school.pk for e in events))
        self.assertTrue(all(e.data["guardian_account_id"] == self.paula.user.pk for e in events))
        self.assertEqual(self.client.get(reverse("portal:home")).status_code, 404)

    def test_only_a_verified_administrator_of_the_guardians_school(self) -> None:
        # Without the second factor the session never reaches the page (two-factor middleware).
        self.client.force_login(self.ada.user)
        self.assertNotEqual(self.start(self.paula.user.pk).get("Location"), reverse("portal:home"))
        self.assertNotIn(IMPERSONATION_KEY, self.client.session)
        verified_login(self.client, self.wim.user)  # another school's guardian
        self.assertEqual(self.start(self.paula.user.pk).status_code, 404)
        verified_login(self.client, self.pim.user)  # principal, not application administrator
        self.assertEqual(self.start(self.paula.user.pk).status_code, 404)
        self.assertEqual(self.client.get(START).status_code, 404)
        self.client.force_login(self.otto.user)
        self.assertEqual(self.start(self.paula.user.pk).status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPERSONATION).exists())

    def test_a_forged_session_marker_gives_nothing(self) -> None:
        verified_login(self.client, self.wim.user)
        session = self.client.session
        session[IMPERSONATION_KEY] = {"admin_id": self.wim.user.pk, "guardian_id": self.paula.user.pk}
        session.save()
        self.assertEqual(self.client.get(reverse("portal:home")).status_code, 404)
        self.assertEqual(self.client.get(reverse("portal:child-about", args=[self.sam.pk])).status_code, 404)
