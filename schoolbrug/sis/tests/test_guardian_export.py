"""Excel export of the guardian account overview (ACC-5): read the produced workbook back."""

from __future__ import annotations

import io
from typing import Any

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.models import Guardian
from schoolbrug.sis.testing import SchoolTestCase

from .test_guardian_accounts import make_guardians

EXPORT = "staff:guardian-accounts-export"
EN = {"accept-language": "en"}


class GuardianExportTests(SchoolTestCase):
    def export(self, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(reverse(EXPORT), params or {}, headers=EN)

    def sheet_rows(self, response: Any) -> list[tuple[Any, ...]]:
        workbook = load_workbook(io.BytesIO(response.content))
        return list(workbook.worksheets[0].iter_rows(values_only=True))

    def setUp(self) -> None:
        verified_login(self.client, self.ada.user)

    def test_workbook_holds_the_visible_columns_of_all_filtered_rows(self) -> None:
        response = self.export({"group": self.group3.pk})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        today = timezone.localdate().isoformat()
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="guardian-accounts-obs-testschool-{today}.xlsx"'
        )
        rows = self.sheet_rows(response)
        self.assertEqual(
            rows[0],
            ("Name", "E-mail address", "Pupils (group)", "Account active", "Invited", "Activated", "Reachable in app"),
        )
        self.assertEqual(
            rows[1:],
            [
                ("Dirk Bakker", "dirk@test.nl", "Sam Bakker (Groep 3)", "yes", "no", "no", "no"),
                ("Paula Bakker", "paula@test.nl", "Sam Bakker (Groep 3)", "yes", "no", "no", "no"),
                ("Gerda Oma", "gerda@test.nl", "Sam Bakker (Groep 3)", "yes", "no", "no", "no"),
            ],
        )
        filters = list(load_workbook(io.BytesIO(response.content)).worksheets[1].iter_rows(values_only=True))
        self.assertEqual(filters, [("Filter", "Value"), ("Group", "Groep 3")])

    def test_reachable_in_app_filter_applies_to_the_export(self) -> None:
        Account.objects.filter(pk__in=[self.paula.user.pk, self.otto.user.pk]).update(last_login=timezone.now())
        rows = self.sheet_rows(self.export({"reachable": "yes"}))
        self.assertEqual([(r[0], r[6]) for r in rows[1:]], [("Paula Bakker", "yes"), ("Otto Smit", "yes")])
        rows = self.sheet_rows(self.export({"reachable": "no"}))
        self.assertEqual({r[0] for r in rows[1:]}, {"Dirk Bakker", "Gerda Oma", "Lars Vos"})
        filters = list(
            load_workbook(io.BytesIO(self.export({"reachable": "no"}).content))
            .worksheets[1]
            .iter_rows(values_only=True)
        )
        self.assertEqual(filters, [("Filter", "Value"), ("Reachable in app", "no")])

    def test_export_covers_every_page(self) -> None:
        make_guardians(self.group5, 120, prefix="Export")
        rows = self.sheet_rows(self.export({"name": "export", "active": "no"}))
        self.assertEqual(len(rows), 1 + 120)

    def test_export_is_audited_with_rows_and_filters(self) -> None:
        self.export({"name": "bakker", "invited": "no"})
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORTED)
        self.assertEqual(event.school_id, self.school.pk)
        self.assertEqual(event.actor_id, self.ada.user.pk)
        self.assertEqual(event.data["rows"], 2)
        self.assertEqual(event.data["filters"], {"name": "bakker", "invited": "no"})

    def test_no_rows_gives_no_file_but_a_message(self) -> None:
        response = self.export({"name": "niemand"})
        self.assertRedirects(
            response, reverse("staff:guardian-accounts") + "?name=niemand", fetch_redirect_response=False
        )
        page = self.client.get(response["Location"], headers=EN)
        self.assertContains(page, "nothing to export")
        self.assertFalse(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORTED).exists())

    def test_invalid_filter_gives_no_file(self) -> None:
        response = self.export({"group": self.other_group.pk})
        self.assertEqual(response.status_code, 302)
        page = self.client.get(response["Location"], headers=EN)
        self.assertIn("group", page.context["form"].errors)

    def test_values_are_never_formulas(self) -> None:
        Guardian.objects.filter(pk=self.otto.record.pk).update(first_name='=HYPERLINK("http://evil","x")')
        rows = self.sheet_rows(self.export({"group": self.group5.pk}))
        self.assertEqual(rows[1][0], '=HYPERLINK("http://evil","x") Smit')
        workbook = load_workbook(io.BytesIO(self.export({"group": self.group5.pk}).content))
        self.assertEqual(workbook.worksheets[0]["A2"].data_type, "s")

    @override_settings(SCHOOLBRUG_EXPORTS_PER_HOUR=2)
    def test_exports_are_limited_per_hour(self) -> None:
        self.assertEqual(self.export().status_code, 200)
        self.assertEqual(self.export().status_code, 200)
        response = self.export()
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "2 exports in the past hour", status_code=429)

    def test_other_personas_get_404(self) -> None:
        for persona in (self.tess, self.pim, self.paula):
            if persona.user.is_staff_member:
                verified_login(self.client, persona.user)
            else:
                self.client.force_login(persona.user)
            self.assertEqual(self.export().status_code, 404, persona.user.email)

    def test_other_school_administrator_exports_only_his_own_school(self) -> None:
        verified_login(self.client, self.wim.user)
        response = self.export()  # his school has no guardians: no file
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORTED).exists())

    def test_query_count_is_fixed(self) -> None:
        make_guardians(self.group3, 10, prefix="Klein")
        self.export()
        with count_queries() as small:
            self.export()
        make_guardians(self.group5, 190, prefix="Groot")
        with count_queries() as large:
            self.export()
        assert_same_query_count(small, large, "guardian account export")
