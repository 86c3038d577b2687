"""The e-mail about a correction request names the field as people call it, in the school's language."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from schoolbrug.sis.testing import SchoolTestCase

from .helpers import set_settings


class CorrectionMailTextTests(SchoolTestCase):
    def test_the_mail_names_the_field_by_its_label_in_dutch_even_from_an_english_page(self) -> None:
        set_settings(self.school, correction_email="administratie@obs-test.nl")
        self.client.force_login(self.paula.user)
        url = reverse("portal:correction", args=["guardian", self.paula.record.pk, "phone_mobile"])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"proposed_value": "06 12345678"}, headers={"accept-language": "en"})
        self.assertEqual(response.status_code, 302)
        (message,) = mail.outbox
        expected = "vraagt om het veld 'mobiel nummer' (contactgegevens ouder/verzorger) te corrigeren"
        self.assertIn(expected, message.body)
        self.assertNotIn("phone_mobile", message.body)
        self.assertTrue(message.subject.startswith("Correctieverzoek van"), message.subject)
