"""The instruction letter (ACC-2): made from the school's data, as PDF per group or school (read
back with pypdf) and as e-mail through the task worker; who may print or send it; the help
contact on the portal settings page."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import run_task_worker
from schoolbrug.portal.models import ModuleSchedule, PortalSettings
from schoolbrug.portal.modules import Module
from schoolbrug.portal.tests.helpers import enable_module, set_settings
from schoolbrug.sis.dates import school_today
from schoolbrug.sis.models import Guardianship, StaffMember
from schoolbrug.sis.testing import SchoolTestCase

EN = {"accept-language": "en"}


def pdf_text(response: Any) -> str:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    # Whitespace folded: the PDF breaks lines where the page ends.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


class LetterTestCase(SchoolTestCase):
    opens_on: dt.date

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        enable_module(cls.school, Module.ABSENCES)
        cls.opens_on = dt.date(school_today(cls.school).year + 1, 2, 17)
        ModuleSchedule.objects.create(
            school=cls.school, module=Module.CURRICULUM_TESTS, enabled=True, starts_on=cls.opens_on
        )
        set_settings(
            cls.school,
            help_contact_name="Meester Joost",
            help_contact_email="joost@test.nl",
            help_contact_phone="0570 654321",
            help_moment="Woensdag 8.30-9.00 uur in de teamkamer",
        )

    def setUp(self) -> None:
        cache.clear()


class LetterPdfTests(LetterTestCase):
    def test_group_pdf_has_a_page_per_guardian_with_the_schools_data(self) -> None:
        verified_login(self.client, self.tess.user)
        response = self.client.get(reverse("portal:letter-group-pdf", args=[self.group3.pk]), {"language": "en"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        # Paula and Dirk may use the app; grandmother Gerda has no access right.
        self.assertEqual(len(reader.pages), 2)
        text = pdf_text(response)
        self.assertIn("Dear Dirk Bakker", text)
        self.assertIn("Dear Paula Bakker", text)
        self.assertNotIn("Gerda", text)
        self.assertIn("Sam", text)
        self.assertIn("paula@test.nl", text)
        self.assertIn(f"Curriculum tests: from 17 February {self.opens_on.year}", text)
        self.assertIn("Absences", text)
        self.assertIn("Meester Joost", text)
        self.assertIn("0570 654321", text)
        self.assertIn("Woensdag 8.30-9.00 uur", text)
        self.assertIn("/accounts/login/", text)
        self.assertIn("Add to Home Screen", text)

    def test_pdf_is_in_the_schools_language_by_default(self) -> None:
        verified_login(self.client, self.tess.user)
        text = pdf_text(self.client.get(reverse("portal:letter-group-pdf", args=[self.group3.pk]), headers=EN))
        self.assertIn("Beste Paula Bakker", text)
        self.assertIn(f"vanaf 17 februari {self.opens_on.year}", text)

    def test_school_pdf_for_administrators_only(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.client.get(reverse("portal:letter-pdf"), {"language": "en"})
        text = pdf_text(response)
        self.assertIn("Dear Otto Smit", text)  # group 5/6
        self.assertIn("Dear Paula Bakker", text)
        self.assertNotIn("Lars", text)  # his child left the school
        verified_login(self.client, self.tess.user)
        self.assertEqual(self.client.get(reverse("portal:letter-pdf")).status_code, 404)

    def test_404_for_groups_outside_the_users_reach(self) -> None:
        for persona, group in ((self.tess, self.group5), (self.tess, self.other_group), (self.wim, self.group3)):
            verified_login(self.client, persona.user)
            self.assertEqual(self.client.get(reverse("portal:letter-group-pdf", args=[group.pk])).status_code, 404)
            self.assertEqual(self.client.post(reverse("portal:letter-group-send", args=[group.pk])).status_code, 404)
        self.client.force_login(self.paula.user)
        self.assertNotEqual(self.client.get(reverse("portal:letter-group-pdf", args=[self.group3.pk])).status_code, 200)

    def test_letter_page_lists_the_teachers_groups(self) -> None:
        verified_login(self.client, self.tess.user)
        response = self.client.get(reverse("portal:letter"), headers=EN)
        self.assertContains(response, reverse("portal:letter-group-pdf", args=[self.group3.pk]))
        self.assertNotContains(response, reverse("portal:letter-group-pdf", args=[self.group5.pk]))
        self.assertNotContains(response, reverse("portal:letter-pdf"))
        StaffMember.objects.filter(pk=self.pim.record.pk).update(is_communication_admin=True)
        verified_login(self.client, self.pim.user)
        response = self.client.get(reverse("portal:letter"), headers=EN)
        self.assertContains(response, reverse("portal:letter-group-pdf", args=[self.group5.pk]))
        self.assertContains(response, f'action="{reverse("portal:letter-pdf")}"')


class LetterEmailTests(LetterTestCase):
    def test_letter_e_mail_through_the_worker_in_each_guardians_language(self) -> None:
        type(self.dirk.record).objects.filter(pk=self.dirk.record.pk).update(language="en")
        verified_login(self.client, self.tess.user)
        url = reverse("portal:letter-group-send", args=[self.group3.pk])
        with self.captureOnCommitCallbacks(execute=True):
            self.assertRedirects(self.client.post(url), reverse("portal:letter"), fetch_redirect_response=False)
            self.client.post(url)  # a double click queues it once
        self.assertEqual(len(mail.outbox), 0)
        for _round in range(3):
            with self.captureOnCommitCallbacks(execute=True):
                run_task_worker()
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["dirk@test.nl", "paula@test.nl"])
        dirk = next(m for m in mail.outbox if m.to == ["dirk@test.nl"])
        self.assertEqual(dirk.subject, "How to use Schoolbrug at OBS Testschool")
        self.assertIn("Dear Dirk Bakker", dirk.body)
        self.assertIn(f"Curriculum tests: from 17 February {self.opens_on.year}", dirk.body)
        self.assertIn("Meester Joost, joost@test.nl, 0570 654321", dirk.body)
        self.assertEqual(dirk.reply_to, ["joost@test.nl"])
        paula = next(m for m in mail.outbox if m.to == ["paula@test.nl"])
        self.assertIn("Beste Paula Bakker", paula.body)

    def test_no_letter_for_a_guardian_without_the_app_flag(self) -> None:
        Guardianship.objects.filter(guardian=self.dirk.record).update(app_invitation=False)
        verified_login(self.client, self.tess.user)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("portal:letter-group-send", args=[self.group3.pk]))
        for _round in range(3):
            with self.captureOnCommitCallbacks(execute=True):
                run_task_worker()
        self.assertEqual([m.to[0] for m in mail.outbox], ["paula@test.nl"])


class HelpContactSettingsTests(LetterTestCase):
    def test_administrator_sets_the_contact_person_on_the_settings_page(self) -> None:
        verified_login(self.client, self.ada.user)
        data = {
            "correction_email": "",
            "website": "",
            "help_contact_name": "Juf Anna",
            "help_contact_email": "anna@test.nl",
            "help_contact_phone": "0570 111222",
            "help_moment": "Maandag na schooltijd",
        }
        response = self.client.post(reverse("portal:settings"), data)
        self.assertRedirects(response, reverse("portal:settings"), fetch_redirect_response=False)
        row = PortalSettings.objects.get(school=self.school)
        self.assertEqual((row.help_contact_name, row.help_moment), ("Juf Anna", "Maandag na schooltijd"))
        response = self.client.post(reverse("portal:settings"), {**data, "help_contact_email": "geen-adres"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(PortalSettings.objects.get(school=self.school).help_contact_email, "anna@test.nl")
