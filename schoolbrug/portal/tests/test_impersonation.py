"""POR-12: an application administrator sees exactly a guardian's portal, read-only, audited."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from typing import Any

from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.portal.models import GuardianPortalPreference
from schoolbrug.portal.modules import Module
from schoolbrug.portal.policies import IMPERSONATION_KEY
from schoolbrug.sis.models import EmergencyContact, Guardian, MedicalInfo
from schoolbrug.sis.testing import SchoolTestCase, link, make_pupil

from . import records_data as rd
from .helpers import disable_module, enable_module, image_bytes, set_settings

START = reverse("portal:impersonate")
STOP = reverse("portal:impersonate-stop")
EN = {"accept-language": "en"}
MEDIA = tempfile.mkdtemp(prefix="portal-impersonation-media-")


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


@override_settings(MEDIA_ROOT=MEDIA)
class ImpersonationAcrossSchoolsTests(SchoolTestCase):
    """Guardian.account is shared: paula's one account also holds a guardian record at another
    school. Ada administers only her own school, so through paula's eyes she sees only that."""

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self) -> None:
        for school in (self.school, self.other_school):
            for module in Module.values:
                enable_module(
                    school, module, show_on_dashboard=True, replies_allowed=True, show_addresses=True, show_contact=True
                )
            set_settings(school).dashboard_image.save("beeld.png", ContentFile(image_bytes(170, 170)))
        self.elsewhere = make_pupil(self.other_school, "Eva", "Verweg", self.other_group)
        self.elsewhere_record = Guardian.objects.create(
            school=self.other_school,
            account=self.paula.user,
            first_name="Paula",
            last_name="Verweg",
            phone_mobile="06 99999999",
        )
        link(self.elsewhere_record, self.elsewhere, "mother")
        self.contact = EmergencyContact.objects.create(pupil=self.elsewhere, name="Buur Verweg", phone="0570 999999")
        self.medical = MedicalInfo.objects.create(pupil=self.elsewhere, allergies="Gluten")
        self.note = rd.note(
            self.elsewhere, self.other_year, "Notitie Verweg", dt.date(2026, 10, 1), rd.category(self.other_school)
        )
        self.report = rd.report(self.elsewhere, self.other_year, "Rapport Verweg", locked=True)
        rd.absence(self.elsewhere, self.other_year, dt.date(2026, 10, 5), rd.reason(self.other_school, "Verweg ziek"))
        rd.news(self.other_school, "Nieuws Verweg", timezone.localdate())

    def elsewhere_urls(self) -> dict[str, str]:
        e = self.elsewhere.pk
        return {
            "home": reverse("portal:home") + f"?child={e}",
            "child-about": reverse("portal:child-about", args=[e]),
            "child-group": reverse("portal:child-group", args=[e]),
            "child-absences": reverse("portal:child-absences", args=[e]),
            "child-notes": reverse("portal:child-notes", args=[e]),
            "child-note-reply": reverse("portal:child-note-reply", args=[e, self.note.pk]),
            "child-plans": reverse("portal:child-plans", args=[e]),
            "child-tests": reverse("portal:child-tests", args=[e]),
            "child-reports": reverse("portal:child-reports", args=[e]),
            "child-report-pdf": reverse("portal:child-report-pdf", args=[e, self.report.pk]),
            "correction-pupil": reverse("portal:correction", args=["pupil", e, "called_name"]),
            "correction-emergency": reverse("portal:correction", args=["emergency_contact", self.contact.pk, "phone"]),
            "correction-medical": reverse("portal:correction", args=["medical", self.medical.pk, "allergies"]),
            "correction-guardian": reverse(
                "portal:correction", args=["guardian", self.elsewhere_record.pk, "phone_mobile"]
            ),
            "dashboard-image": reverse("portal:dashboard-image", args=[self.other_school.pk]),
        }

    def test_the_guardian_herself_sees_both_schools(self) -> None:
        self.client.force_login(self.paula.user)
        response = self.client.get(reverse("portal:home"))
        self.assertCountEqual(response.context["children"], [self.sam, self.elsewhere])
        self.assertContains(response, "Nieuws Verweg")
        for name, url in self.elsewhere_urls().items():
            if name == "child-note-reply":
                continue  # a GET there only redirects to the notes page
            self.assertEqual(self.client.get(url).status_code, 200, name)

    def test_the_administrator_sees_only_her_own_schools_part(self) -> None:
        verified_login(self.client, self.ada.user)
        self.assertRedirects(self.client.post(START, {"guardian_account": self.paula.user.pk}), reverse("portal:home"))
        home = self.client.get(reverse("portal:home"))
        self.assertEqual(home.context["children"], [self.sam])
        self.assertEqual(home.context["guardian_records"], [self.paula.record])
        for text in ("Eva", "Verweg", "CBS Elders", "06 99999999"):
            self.assertNotContains(home, text)
        school_page = self.client.get(reverse("portal:school"))
        self.assertContains(school_page, "OBS Testschool")
        self.assertNotContains(school_page, "CBS Elders")
        self.assertNotContains(self.client.get(reverse("portal:account")), "06 99999999")
        for name, url in self.elsewhere_urls().items():
            self.assertEqual(self.client.get(url).status_code, 404, name)
        # Her own school's pages still work through paula's eyes.
        self.assertEqual(self.client.get(reverse("portal:child-about", args=[self.sam.pk])).status_code, 200)
        own_image = reverse("portal:dashboard-image", args=[self.school.pk])
        self.assertEqual(self.client.get(own_image).status_code, 200)
