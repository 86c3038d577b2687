"""POR-2 maintenance, POR-5 always visible, POR-9 account and school pages."""

from __future__ import annotations

from django.urls import reverse

from schoolbrug.portal.models import GuardianPortalPreference
from schoolbrug.portal.modules import Module
from schoolbrug.sis.models import Branch, StaffMember
from schoolbrug.sis.testing import SchoolTestCase

from .helpers import enable_module, set_settings

EN = {"accept-language": "en"}


class AlwaysVisibleTests(SchoolTestCase):
    def test_with_every_module_off_personalia_group_and_career_are_shown(self) -> None:
        self.client.force_login(self.paula.user)
        response = self.client.get(reverse("portal:child-about", args=[self.sam.pk]))
        self.assertContains(response, "Sam Bakker")
        self.assertContains(response, "Groep 3")
        self.assertContains(response, "Groep 2")  # school career: last year's group
        self.assertContains(response, "2025-2026")
        self.assertContains(response, "Buurvrouw Els")
        self.assertNotContains(response, "Pinda")  # medical data needs its module
        self.assertNotContains(response, 'data-testid="child-page-absences"')
        for name in ("child-absences", "child-notes", "child-plans", "child-tests", "child-reports", "child-group"):
            self.assertEqual(self.client.get(reverse(f"portal:{name}", args=[self.sam.pk])).status_code, 404, name)

    def test_secret_address_is_shown_to_the_pupils_own_guardians(self) -> None:
        self.assertTrue(self.sam.address_secret)
        for persona in (self.paula, self.dirk):
            self.client.force_login(persona.user)
            response = self.client.get(reverse("portal:child-about", args=[self.sam.pk]))
            self.assertContains(response, "Brink 1")

    def test_medical_data_with_its_module(self) -> None:
        enable_module(self.school, Module.MEDICAL)
        self.client.force_login(self.paula.user)
        self.assertContains(self.client.get(reverse("portal:child-about", args=[self.sam.pk])), "Pinda")

    def test_school_page_with_contact_board_branches_and_website(self) -> None:
        self.school.email = "info@obs-test.nl"
        self.school.phone = "0570 654321"
        self.school.save()
        Branch.objects.create(school=self.school, name="Dependance Oost", city="Deventer")
        set_settings(self.school, website="https://obs-test.nl")
        self.client.force_login(self.paula.user)
        response = self.client.get(reverse("portal:school"))
        for text in (
            "info@obs-test.nl",
            "0570 654321",
            "Bestuur OBS Testschool",
            "Dependance Oost",
            "https://obs-test.nl",
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, 'data-testid="school-staff"')
        self.assertNotContains(response, "CBS Elders")

    def test_staff_on_the_school_page_only_with_the_module_and_contact_only_when_allowed(self) -> None:
        StaffMember.objects.filter(pk=self.tess.record.pk).update(phone="0570 999999")
        enable_module(self.school, Module.STAFF)
        self.client.force_login(self.paula.user)
        response = self.client.get(reverse("portal:school"))
        self.assertContains(response, "Tess Leraar")
        self.assertNotContains(response, "0570 999999")
        self.assertNotContains(response, "tess@test.nl")
        enable_module(self.school, Module.STAFF, show_contact=True)
        response = self.client.get(reverse("portal:school"))
        self.assertContains(response, "0570 999999")
        self.assertContains(response, "tess@test.nl")

    def test_account_page_shows_own_data_and_stores_the_app_link_switch(self) -> None:
        self.client.force_login(self.dirk.user)
        response = self.client.get(reverse("portal:account"))
        self.assertContains(response, "06 22222222")
        self.assertNotContains(response, "06 11111111")
        self.assertContains(response, 'data-testid="portal-logout"')
        self.client.post(reverse("portal:account"), {"link_communication_app": "on"})
        self.assertTrue(GuardianPortalPreference.objects.get(account=self.dirk.user).link_communication_app)
        self.client.post(reverse("portal:account"), {})
        self.assertFalse(GuardianPortalPreference.objects.get(account=self.dirk.user).link_communication_app)

    def test_every_portal_page_is_not_cached(self) -> None:
        self.client.force_login(self.paula.user)
        for url in (
            reverse("portal:home"),
            reverse("portal:account"),
            reverse("portal:child-about", args=[self.sam.pk]),
        ):
            self.assertIn("no-store", self.client.get(url)["Cache-Control"])


class MaintenanceTests(SchoolTestCase):
    def test_guardians_see_only_their_own_data_and_the_message(self) -> None:
        enable_module(self.school, Module.ABSENCES)
        enable_module(self.school, Module.MEDICAL)
        set_settings(self.school, maintenance_mode=True)
        self.client.force_login(self.paula.user)
        home = self.client.get(reverse("portal:home"), headers=EN)
        self.assertContains(home, 'data-testid="maintenance"')
        self.assertContains(home, "06 11111111")  # her own data
        self.assertNotContains(home, "Sam")
        for url in (
            reverse("portal:child-about", args=[self.sam.pk]),
            reverse("portal:child-absences", args=[self.sam.pk]),
            reverse("portal:school"),
        ):
            response = self.client.get(url)
            self.assertContains(response, 'data-testid="maintenance"')
            self.assertNotContains(response, "Pinda")
            self.assertNotContains(response, "Buurvrouw")
        self.assertContains(self.client.get(reverse("portal:account")), "06 11111111")

    def test_switching_maintenance_off_shows_everything_again_at_once(self) -> None:
        row = set_settings(self.school, maintenance_mode=True)
        self.client.force_login(self.paula.user)
        self.assertContains(self.client.get(reverse("portal:home")), 'data-testid="maintenance"')
        row.maintenance_mode = False
        row.save()
        self.assertNotContains(self.client.get(reverse("portal:home")), 'data-testid="maintenance"')
