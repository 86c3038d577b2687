"""The audit log reads as text in the reader's language: no internal codes, ids or key=value."""

from __future__ import annotations

import re
from html import unescape

from django.test import Client
from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.portal.services import portal_module_update
from schoolbrug.sis.models import Guardianship
from schoolbrug.sis.services import guardianship_update, pupil_update
from schoolbrug.sis.testing import SchoolTestCase


class AuditLogTextTests(SchoolTestCase):
    def make_events(self) -> None:
        self.client.force_login(self.paula.user)  # a login: kind of account
        admin = Client()
        verified_login(admin, self.ada.user)
        admin.post(reverse("portal:impersonate"), {"guardian_account": self.dirk.user.pk})
        admin.post(reverse("portal:impersonate-stop"))
        pupil_update(actor=self.ada.user, pupil=self.sam, data={"phone": "0570 654321"})
        relation = Guardianship.objects.get(guardian=self.dirk.record, pupil=self.sam)
        guardianship_update(
            actor=self.ada.user,
            guardianship=relation,
            guardian_data={},
            relation_data={"portal_access": False, "portal_access_reason": "Uitspraak"},
        )
        portal_module_update(actor=self.ada.user, school=self.school, module="medical", data={"enabled": True})

    def rows(self, language: str) -> list[str]:
        """Each event as "event | subject | details", newest first."""
        client = Client()
        verified_login(client, self.ada.user)
        html = client.get(reverse("staff:audit-log"), headers={"accept-language": language}).content.decode()
        rows = []
        for row in re.findall(r'<tr data-event-id="\d+" data-kind="[^"]+">.*?</tr>', html, flags=re.DOTALL):
            cells = [unescape(re.sub(r"<[^>]+>", "", td)).strip() for td in re.findall(r"<td>(.*?)</td>", row, re.S)]
            rows.append(f"{cells[1]} | {cells[3]} | {cells[5]}")
        return rows

    def test_subjects_and_details_are_names_and_dutch_words(self) -> None:
        self.make_events()
        rows = self.rows("nl")
        for expected in (
            "inloggen geslaagd | paula@test.nl | Soort account: ouder/verzorger",
            "ingelogd als ouder/verzorger | dirk@test.nl | Actie: gestart",
            "ingelogd als ouder/verzorger | dirk@test.nl | Actie: gestopt",
            "gegevens gewijzigd | Sam Bakker | Gewijzigde leerlinggegevens: telefoon",
            "gegevens gewijzigd | Dirk Bakker · Sam Bakker | Gewijzigde gegevens ouder/verzorger: \N{EN DASH}; "
            "Gewijzigde relatiegegevens: inzagerecht, reden voor het inzagerecht; Inzagerecht: ja → nee",
            "instelling gewijzigd | Medische gegevens | Aan: ja; Was aan: nee; Op het dashboard: nee",
        ):
            self.assertIn(expected, rows)
        for row in rows:
            with self.subTest(row):
                self.assertNotRegex(row, r"=|_|\bid\b|account \d")

    def test_the_same_events_read_in_english(self) -> None:
        self.make_events()
        rows = self.rows("en")
        self.assertIn("login succeeded | paula@test.nl | Kind of account: guardian", rows)
        self.assertIn("record changed | Sam Bakker | Changed pupil data: telephone", rows)
