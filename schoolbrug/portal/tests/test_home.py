"""The guardian's home page: own enrolled children only, never another guardian's data."""

from __future__ import annotations

from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.models import Pupil
from schoolbrug.sis.testing import SchoolTestCase, link, make_pupil

HOME = "/portal/"


class GuardianHomeTests(SchoolTestCase):
    def test_guardian_sees_his_children_across_the_top(self) -> None:
        brother = make_pupil(self.school, "Tim", "Bakker", self.group5)
        link(self.paula.record, brother, "mother")
        self.client.force_login(self.paula.user)
        response = self.client.get(HOME)
        self.assertEqual(reverse("portal:home"), HOME)
        self.assertEqual(response.context["children"], [self.sam, brother])
        self.assertContains(response, 'class="child-tabs"')
        self.assertContains(response, f'href="?child={brother.pk}"')
        response = self.client.get(HOME + f"?child={brother.pk}")
        self.assertEqual(response.context["selected"], brother)
        self.assertContains(response, "Groep 5/6")

    def test_other_familys_child_gives_404(self) -> None:
        self.client.force_login(self.otto.user)
        self.assertEqual(self.client.get(HOME + f"?child={self.sam.pk}").status_code, 404)

    def test_divorced_guardian_never_sees_the_other_guardians_data(self) -> None:
        self.client.force_login(self.dirk.user)
        response = self.client.get(HOME)
        self.assertEqual(response.context["selected"], self.sam)
        self.assertContains(response, "06 22222222")
        self.assertNotContains(response, "06 11111111")
        self.assertNotContains(response, "paula@test.nl")
        self.assertNotContains(response, "Paula")

    def test_guardian_without_access_right_sees_no_pupil(self) -> None:
        self.client.force_login(self.gerda.user)
        response = self.client.get(HOME)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["children"], [])
        self.assertNotContains(response, "Sam")
        self.assertEqual(self.client.get(HOME + f"?child={self.sam.pk}").status_code, 404)

    def test_pupil_who_left_is_not_shown(self) -> None:
        self.client.force_login(self.lars.user)
        self.assertEqual(self.client.get(HOME).context["children"], [])
        self.assertEqual(self.client.get(HOME + f"?child={self.lotte.pk}").status_code, 404)

    def test_staff_and_other_school_get_404(self) -> None:
        for persona in (self.tess, self.ada, self.wim):
            # Administrators must pass two-factor first; a verified session still gets 404 here.
            verified_login(self.client, persona.user)
            self.assertEqual(self.client.get(HOME).status_code, 404)

    def test_query_count_does_not_grow_with_children(self) -> None:
        self.client.force_login(self.paula.user)
        with count_queries() as one:
            self.client.get(HOME)
        for i in range(3):
            child = make_pupil(self.school, f"Kind{i}", "Bakker", self.group5, status=Pupil.Status.ENROLLED)
            link(self.paula.record, child, "mother")
        with count_queries() as four:
            response = self.client.get(HOME)
        self.assertEqual(len(response.context["children"]), 4)
        assert_same_query_count(one, four, "guardian home")
