"""The app shell's "More": the guardian's own (also while an administrator looks as one) and staff's."""

from __future__ import annotations

from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.testing import SchoolTestCase

PORTAL_MORE = reverse("portal:more")
STAFF_MORE = reverse("more")


class MoreTests(SchoolTestCase):
    def test_a_guardian_finds_his_account_and_the_school_under_more(self) -> None:
        self.client.force_login(self.paula.user)
        response = self.client.get(PORTAL_MORE)
        self.assertContains(response, f'href="{reverse("portal:account")}" data-testid="nav-portal-account"')
        self.assertContains(response, f'href="{reverse("portal:school")}"')
        self.assertContains(response, f'href="{PORTAL_MORE}" data-testid="nav-more" aria-current="page"')
        self.assertRedirects(self.client.get(STAFF_MORE), PORTAL_MORE)

    def test_an_administrator_looking_as_a_guardian_gets_the_guardians_more(self) -> None:
        verified_login(self.client, self.ada.user)
        self.client.post(reverse("portal:impersonate"), {"guardian_account": self.dirk.user.pk})
        response = self.client.get(PORTAL_MORE)
        self.assertContains(response, 'data-testid="impersonation-banner"')
        self.assertContains(response, 'data-testid="nav-portal-account"')
        self.assertNotContains(response, reverse("messaging:follow"))

    def test_staff_find_the_groups_they_follow_and_never_the_guardian_pages(self) -> None:
        verified_login(self.client, self.tess.user)
        response = self.client.get(STAFF_MORE)
        self.assertContains(response, reverse("messaging:follow"))
        self.assertNotContains(response, 'data-testid="nav-portal-account"')
        self.assertEqual(self.client.get(PORTAL_MORE).status_code, 404)
