"""Point 12: every portal URL against every persona. Forbidden is 404, whatever the reason; a
guardian never sees the other guardian's personal data."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.portal import urls as portal_urls
from schoolbrug.portal.modules import Module
from schoolbrug.records.models import Note, Report
from schoolbrug.records.services.notes import note_reply_from_guardian
from schoolbrug.sis.models import EmergencyContact, MedicalInfo
from schoolbrug.sis.testing import Persona, SchoolTestCase

from . import records_data as rd
from .helpers import enable_module

# Pages about the guardian himself or the school: open to every guardian, closed to staff.
OWN_PAGES = {"home", "account", "school", "correction-sent"}
# Pages for application administrators of the school (tested in test_settings/test_impersonation).
STAFF_PAGES = {
    "settings",
    "settings-module",
    "settings-schedule-add",
    "settings-schedule-delete",
    "impersonate",
    "impersonate-stop",
}
PAULA_DATA = ("06 11111111", "paula@test.nl", "Paula")
DIRK_DATA = ("06 22222222", "dirk@test.nl", "Dirk", "Singel", "Zutphen")


class PrivacyMatrixTests(SchoolTestCase):
    note: Note
    report: Report
    medical: MedicalInfo
    contact: EmergencyContact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for module in Module.values:
            enable_module(
                cls.school, module, show_on_dashboard=True, replies_allowed=True, show_addresses=True, show_contact=True
            )
        cls.note = rd.note(cls.sam, cls.year, "Leesniveau", dt.date(2026, 10, 1), rd.category(cls.school))
        cls.report = rd.report(cls.sam, cls.year, "Rapport 1", locked=True)
        rd.absence(cls.sam, cls.year, dt.date(2026, 10, 5), rd.reason(cls.school))
        rd.plan(cls.sam, "Leesplan", dt.date(2026, 10, 1))
        rd.curriculum(cls.sam, cls.year, "Blok 1", "8.0")
        cls.medical = MedicalInfo.objects.get(pupil=cls.sam)
        cls.contact = EmergencyContact.objects.get(pupil=cls.sam)

    def sam_urls(self) -> dict[str, str]:
        s = self.sam.pk
        return {
            "child-about": reverse("portal:child-about", args=[s]),
            "child-group": reverse("portal:child-group", args=[s]),
            "child-absences": reverse("portal:child-absences", args=[s]),
            "child-notes": reverse("portal:child-notes", args=[s]),
            "child-note-reply": reverse("portal:child-note-reply", args=[s, self.note.pk]),
            "child-plans": reverse("portal:child-plans", args=[s]),
            "child-tests": reverse("portal:child-tests", args=[s]),
            "child-reports": reverse("portal:child-reports", args=[s]),
            "child-report-pdf": reverse("portal:child-report-pdf", args=[s, self.report.pk]),
            "correction": reverse("portal:correction", args=["pupil", s, "called_name"]),
            "correction-emergency": reverse("portal:correction", args=["emergency_contact", self.contact.pk, "phone"]),
            "correction-medical": reverse("portal:correction", args=["medical", self.medical.pk, "allergies"]),
            "dashboard-image": reverse("portal:dashboard-image", args=[self.school.pk]),
        }

    def login(self, persona: Persona) -> Client:
        client = Client()
        if persona.account.is_staff_member:
            verified_login(client, persona.account)
        else:
            client.force_login(persona.account)
        return client

    def test_the_matrix_covers_every_portal_url(self) -> None:
        names = {p.name for p in portal_urls.urlpatterns}
        covered = set(self.sam_urls()) | OWN_PAGES | STAFF_PAGES
        self.assertEqual(names - covered, set(), "add new portal URLs to the privacy matrix")

    def test_sams_pages_answer_404_to_everyone_but_his_guardians(self) -> None:
        from schoolbrug.portal.tests.helpers import set_settings

        set_settings(self.school, dashboard_image="portal/dashboard/x.png")
        strangers = {
            "otto": self.otto,
            "gerda": self.gerda,
            "lars": self.lars,
            "tess": self.tess,
            "wim": self.wim,
            "ada": self.ada,
        }
        for who, persona in strangers.items():
            client = self.login(persona)
            for name, url in self.sam_urls().items():
                if name == "dashboard-image" and who in ("otto", "gerda", "lars", "ada", "tess"):
                    continue  # the school's own image is for all its guardians and staff
                for method in ("get", "post"):
                    response = getattr(client, method)(url, {"text": "x", "proposed_value": "x"})
                    self.assertEqual(response.status_code, 404, f"{who} {method} {name}")

    def test_staff_get_404_on_guardian_pages_and_guardians_on_staff_pages(self) -> None:
        for persona in (self.tess, self.ada, self.wim, self.pim):
            client = self.login(persona)
            for name in sorted(OWN_PAGES):
                self.assertEqual(client.get(reverse(f"portal:{name}")).status_code, 404, (persona.account.email, name))
        for persona in (self.paula, self.otto):
            client = self.login(persona)
            for name in ("settings", "impersonate"):
                self.assertEqual(client.get(reverse(f"portal:{name}")).status_code, 404)
            self.assertEqual(client.post(reverse("portal:settings-module", args=["notes"])).status_code, 404)

    def test_pupil_who_left_is_out_of_reach_of_his_guardian(self) -> None:
        client = self.login(self.lars)
        for name in ("child-about", "child-absences", "child-reports"):
            self.assertEqual(client.get(reverse(f"portal:{name}", args=[self.lotte.pk])).status_code, 404)

    def test_divorced_guardians_never_see_each_others_data(self) -> None:
        pages = [reverse(f"portal:{name}") for name in ("home", "account", "school")]
        pages += [
            url
            for name, url in self.sam_urls().items()
            if name not in ("child-note-reply", "child-report-pdf", "dashboard-image")
        ]
        for persona, other in ((self.dirk, PAULA_DATA), (self.paula, DIRK_DATA)):
            client = self.login(persona)
            for url in pages:
                response = client.get(url)
                self.assertEqual(response.status_code, 200, url)
                for text in other:
                    self.assertNotContains(response, text, msg_prefix=f"{persona.account.email} {url}")
        client = self.login(self.dirk)
        paula_record = reverse("portal:correction", args=["guardian", self.paula.record.pk, "phone_mobile"])
        self.assertEqual(client.get(paula_record).status_code, 404)

    def test_emergency_numbers_never_show_the_other_guardians_number(self) -> None:
        # Schools list both parents as emergency contacts; each parent sees only his own entry.
        EmergencyContact.objects.create(pupil=self.sam, name="Paula Bakker (moeder)", phone="06-11111111")
        EmergencyContact.objects.create(pupil=self.sam, name="Vader", phone="+31 6 22222222")
        about = reverse("portal:child-about", args=[self.sam.pk])
        dirk_page = self.login(self.dirk).get(about)
        self.assertContains(dirk_page, "Buurvrouw Els")
        self.assertContains(dirk_page, "+31 6 22222222")
        self.assertNotContains(dirk_page, "06-11111111")
        self.assertNotContains(dirk_page, "Paula")
        paula_page = self.login(self.paula).get(about)
        self.assertContains(paula_page, "06-11111111")
        self.assertNotContains(paula_page, "22222222")

    def test_a_guardians_reply_is_seen_by_her_alone(self) -> None:
        reply = note_reply_from_guardian(
            guardian_account=self.paula.user, note=self.note, text="Alleen voor school: we verhuizen"
        )
        notes_url = reverse("portal:child-notes", args=[self.sam.pk])
        home_url = reverse("portal:home")
        paula = self.login(self.paula)
        self.assertContains(paula.get(notes_url), f'data-testid="note-{reply.pk}"')
        self.assertIn(reply.subject, [item.title for item in paula.get(home_url).context["items"]])
        dirk = self.login(self.dirk)
        for url in (notes_url, home_url, home_url + "?type=notes", home_url + f"?child={self.sam.pk}"):
            response = dirk.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotContains(response, f'data-testid="note-{reply.pk}"', msg_prefix=url)
            self.assertNotContains(response, "we verhuizen", msg_prefix=url)
            self.assertNotContains(response, reply.subject, msg_prefix=url)  # "Re: Leesniveau"
        self.assertContains(dirk.get(notes_url), f'data-testid="note-{self.note.pk}"')  # the school's note stays
        # Nor can he answer it.
        reply_url = reverse("portal:child-note-reply", args=[self.sam.pk, reply.pk])
        self.assertEqual(dirk.post(reply_url, {"text": "x"}).status_code, 404)
        self.assertEqual(Note.objects.filter(in_reply_to=reply).count(), 0)

    def test_every_guardian_page_is_sent_with_no_store(self) -> None:
        from schoolbrug.portal.tests.helpers import set_settings

        set_settings(self.school, dashboard_image="portal/dashboard/missing.png")
        client = self.login(self.paula)
        urls = [reverse(f"portal:{name}") for name in sorted(OWN_PAGES)] + list(self.sam_urls().values())
        for url in urls:
            response = client.get(url)
            if url == reverse("portal:dashboard-image", args=[self.school.pk]):
                self.assertEqual(response.status_code, 404)  # a file lost from storage is not a 500
                continue
            self.assertIn(response.status_code, (200, 302), url)
            self.assertIn("no-store", response.get("Cache-Control", ""), url)
