"""Audit data shapes as text: changes, dates, numbers, hidden identifiers."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from schoolbrug.accounts.audit_text import audit_details, audit_subject


class AuditTextTests(SimpleTestCase):
    def test_a_changed_school_list_entry_shows_what_changed(self) -> None:
        data = {
            "list": "absence reason",
            "setting_id": 4,
            "before": {"name": "Ziek", "is_authorised": True},
            "after": {"name": "Ziek", "is_authorised": False},
        }
        with translation.override("nl"):
            self.assertEqual(audit_details(data), [("Geoorloofd", "ja → nee"), ("Lijst", "absentieredenen")])

    def test_the_order_does_not_depend_on_how_the_database_keeps_the_keys(self) -> None:
        # PostgreSQL's jsonb gives keys back ordered by length, SQLite as written.
        data = {"action": "switch_planned", "enabled": True, "from": "2026-12-24", "until": None}
        by_length = dict(sorted(data.items(), key=lambda item: (len(item[0]), item[0])))
        with translation.override("nl"):
            self.assertEqual(audit_details(by_length), audit_details(data))

    def test_a_new_entry_lists_its_values(self) -> None:
        data = {"list": "note category", "before": {}, "after": {"name": "Gedrag"}}
        with translation.override("en"):
            self.assertEqual(audit_details(data), [("Name", "Gedrag"), ("List", "note categories")])

    def test_dates_numbers_and_codes_in_the_readers_language(self) -> None:
        data = {"action": "switch_planned", "enabled": True, "from": "2026-12-24", "until": None, "rows": 1250}
        with translation.override("nl"):
            self.assertEqual(
                audit_details(data),
                # In the order the apps name their keys (sis before portal), whatever the data's order.
                [
                    ("Rijen", "1250"),
                    ("Actie", "omschakeling gepland"),
                    ("Aan", "ja"),
                    ("Van", "24-12-2026"),
                    ("Tot", "\N{EN DASH}"),
                ],
            )
            self.assertEqual(audit_subject("portal settings"), "instellingen Ouderportaal")
            self.assertEqual(audit_subject("Sam Bakker"), "Sam Bakker")
