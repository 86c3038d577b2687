"""One rule decides who is application administrator of a school: `sis.policies.application_admin_of`."""

from __future__ import annotations

import ast
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis import policies
from schoolbrug.sis.models import StaffMember
from schoolbrug.sis.testing import SchoolTestCase

PRODUCT = Path(policies.__file__).resolve().parent.parent
# The policy itself, and the group-authorisation rule that reads the role of a staff record it has.
ALLOWED = {PRODUCT / "sis" / "policies.py"}


def _product_modules() -> list[Path]:
    skipped = {"tests", "browser_tests", "migrations"}
    return [p for p in PRODUCT.rglob("*.py") if not skipped & set(p.parts) and p.name != "testing.py"]


class ApplicationAdminPolicyTests(SchoolTestCase):
    def fresh(self, account: Account) -> Account:
        # staff_member_of caches the staff record on the user object; each check starts clean.
        return Account.objects.get(pk=account.pk)

    def test_only_an_active_administrator_and_only_for_his_own_school(self) -> None:
        ada = self.fresh(self.ada.user)
        self.assertEqual(policies.application_admin_of(ada), self.ada.record)
        self.assertEqual(policies.application_admin_of(ada, self.school.pk), self.ada.record)
        self.assertIsNone(policies.application_admin_of(ada, self.other_school.pk))
        self.assertTrue(policies.is_application_admin(self.fresh(self.wim.user), self.other_school.pk))
        self.assertFalse(policies.is_application_admin(self.fresh(self.wim.user), self.school.pk))
        for persona in (self.tess, self.pim, self.paula):
            self.assertFalse(policies.is_application_admin(self.fresh(persona.user)), persona.account.email)
        self.assertFalse(policies.is_application_admin(AnonymousUser()))
        StaffMember.objects.filter(pk=self.ada.record.pk).update(is_active=False)
        self.assertIsNone(policies.application_admin_of(self.fresh(self.ada.user)))

    def test_pages_answer_404_to_anyone_else(self) -> None:
        self.assertEqual(policies.require_application_admin(self.fresh(self.ada.user)), self.ada.record)
        for user in (self.fresh(self.pim.user), self.fresh(self.paula.user), AnonymousUser()):
            with self.assertRaises(Http404):
                policies.require_application_admin(user)
        with self.assertRaises(Http404):
            policies.require_application_admin(self.fresh(self.ada.user), self.other_school.pk)

    def test_every_administrator_page_follows_the_role_at_once(self) -> None:
        pages = [
            reverse("staff:audit-log"),
            reverse("staff:outbox"),
            reverse("staff:guardian-accounts"),
            reverse("portal:settings"),
            reverse("records:settings"),
            reverse("records:absence-reason-new"),
            reverse("records:note-category-new"),
            reverse("records:activity-new"),
            reverse("records:corrections"),
            reverse("records:report-periods"),
        ]
        verified_login(self.client, self.ada.user)
        for url in pages:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        StaffMember.objects.filter(pk=self.ada.record.pk).update(is_application_admin=False)
        for url in pages:
            self.assertEqual(self.client.get(url).status_code, 404, url)


class OneCopyOfTheRuleTests(SchoolTestCase):
    def test_no_product_module_reads_the_administrator_flag_itself(self) -> None:
        """A new page or service asks `sis.policies`, so the rule cannot drift apart again."""
        readers = []
        for path in _product_modules():
            if path in ALLOWED:
                continue
            tree = ast.parse(path.read_text(), str(path))
            called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
            readers += [
                f"{path.relative_to(PRODUCT)}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and node.attr == "is_application_admin" and id(node) not in called
            ]
        self.assertEqual(readers, [])
