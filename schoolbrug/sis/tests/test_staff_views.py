"""Staff pages: what each persona sees, who gets 404, and fixed query counts."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.models import EmergencyContact, Guardian, Guardianship, Pupil
from schoolbrug.sis.testing import SchoolTestCase, link, make_guardian_account, make_pupil


class StaffPagesTests(SchoolTestCase):
    def staff_urls(self) -> list[str]:
        return [
            reverse("staff:overview"),
            reverse("staff:groups"),
            reverse("staff:group", args=[self.group3.pk]),
            reverse("staff:pupil", args=[self.sam.pk]),
            reverse("staff:pupil-edit", args=[self.sam.pk]),
            reverse("staff:guardianship-edit", args=[self.sam.pk, self.sam.guardianships.first().pk]),  # type: ignore[union-attr]
        ]

    def test_administrator_opens_every_staff_page(self) -> None:
        verified_login(self.client, self.ada.user)
        for url in self.staff_urls():
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_guardians_get_404_on_every_staff_page(self) -> None:
        for persona in (self.paula, self.dirk, self.gerda, self.otto):
            self.client.force_login(persona.user)
            for url in self.staff_urls():
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))

    def test_staff_of_another_school_gets_404_on_every_school_url(self) -> None:
        verified_login(self.client, self.wim.user)
        for url in self.staff_urls()[2:]:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.get(reverse("staff:groups") + f"?year={self.year.pk}")
        self.assertEqual(response.status_code, 404)
        response = self.client.get(reverse("staff:overview"))
        self.assertContains(response, "CBS Elders")
        self.assertNotContains(response, "OBS Testschool")

    def test_anonymous_visitor_is_sent_to_login(self) -> None:
        response = self.client.get(reverse("staff:pupil", args=[self.sam.pk]))
        self.assertRedirects(
            response, reverse("accounts:login") + "?next=" + reverse("staff:pupil", args=[self.sam.pk])
        )

    def test_teacher_outside_the_group_gets_404(self) -> None:
        self.client.force_login(self.tess.user)
        self.assertEqual(self.client.get(reverse("staff:group", args=[self.group5.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("staff:pupil", args=[self.olivia.pk])).status_code, 404)

    def test_teacher_cannot_edit_family(self) -> None:
        self.client.force_login(self.tess.user)
        url = reverse("staff:guardianship-edit", args=[self.sam.pk, self.sam.guardianships.first().pk])  # type: ignore[union-attr]
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {}).status_code, 404)
        self.assertEqual(self.client.get(reverse("staff:pupil-edit", args=[self.sam.pk])).status_code, 404)

    def test_guardianship_of_another_pupil_cannot_be_reached_through_this_pupil(self) -> None:
        verified_login(self.client, self.ada.user)
        otto_link = Guardianship.objects.get(guardian=self.otto.record)
        url = reverse("staff:guardianship-edit", args=[self.sam.pk, otto_link.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_overview_shows_school_and_counts(self) -> None:
        self.client.force_login(self.pim.user)
        response = self.client.get(reverse("staff:overview"))
        self.assertContains(response, "OBS Testschool")
        self.assertEqual(response.context["counts"], {"enrolled": 2, "not_yet": 0, "left": 1})

    def test_group_list_of_current_and_earlier_years(self) -> None:
        self.client.force_login(self.pim.user)
        response = self.client.get(reverse("staff:groups"))
        self.assertContains(response, "Groep 3")
        self.assertContains(response, "5/6")
        self.assertNotContains(response, "Groep 2<")
        response = self.client.get(reverse("staff:groups") + f"?year={self.previous_year.pk}")
        self.assertContains(response, "Groep 2")
        self.assertNotContains(response, "Groep 5/6")

    def test_teacher_sees_only_his_groups_in_the_list(self) -> None:
        self.client.force_login(self.tess.user)
        response = self.client.get(reverse("staff:groups"))
        self.assertEqual([g.name for g in response.context["groups"]], ["Groep 3"])

    def test_group_page_lists_pupils(self) -> None:
        self.client.force_login(self.tess.user)
        response = self.client.get(reverse("staff:group", args=[self.group3.pk]))
        self.assertContains(response, "Bakker, Sam")
        self.assertContains(response, "Tess Leraar")
        self.assertContains(response, reverse("staff:pupil", args=[self.sam.pk]))

    def test_pupil_page_shows_personalia_family_emergency_and_medical(self) -> None:
        self.client.force_login(self.tess.user)
        response = self.client.get(reverse("staff:pupil", args=[self.sam.pk]))
        for text in ("Sam Bakker", "Paula Bakker", "Dirk Bakker", "Gerda Oma", "06 11111111", "06 22222222",
                     "Buurvrouw Els", "0570 123456", "Pinda", "2025-2026", "Groep 2"):  # fmt: skip
            self.assertContains(response, text)
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)
        # A teacher sees the flags but gets no edit links.
        self.assertNotContains(response, "/guardians/")

    def test_pupil_page_prints_an_emergency_contacts_relation_once(self) -> None:
        EmergencyContact.objects.create(pupil=self.sam, name="Thomas Bakker (vader)", relation="vader", phone="06 1")
        self.client.force_login(self.tess.user)
        response = self.client.get(reverse("staff:pupil", args=[self.sam.pk]))
        self.assertContains(response, "Thomas Bakker (vader):")
        self.assertNotContains(response, "(vader) (vader)")


class QueryCountTests(SchoolTestCase):
    def fill_group(self, count: int) -> None:
        for i in range(count):
            pupil = make_pupil(self.school, f"Kind{i}", f"Achternaam{i}", self.group3)
            guardian = Guardian.objects.create(school=self.school, first_name=f"Ouder{i}", last_name="X")
            link(guardian, pupil, "mother")

    def test_group_page_query_count_does_not_grow(self) -> None:
        self.client.force_login(self.tess.user)
        url = reverse("staff:group", args=[self.group3.pk])
        self.fill_group(9)
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        self.fill_group(90)
        with count_queries() as large:
            response = self.client.get(url)
        self.assertEqual(len(response.context["rows"]), 100)
        assert_same_query_count(small, large, "group page")

    def test_group_list_query_count_does_not_grow(self) -> None:
        self.client.force_login(self.pim.user)
        url = reverse("staff:groups")
        with count_queries() as small:
            self.client.get(url)
        from schoolbrug.sis.testing import make_group

        for i in range(20):
            make_group(self.school, self.year, f"Groep X{i}", 1, 2)
        with count_queries() as large:
            self.client.get(url)
        assert_same_query_count(small, large, "group list")

    def test_pupil_page_query_count_does_not_grow_with_guardians(self) -> None:
        verified_login(self.client, self.ada.user)
        url = reverse("staff:pupil", args=[self.sam.pk])

        def add_guardians(count: int, start: int) -> None:
            for i in range(start, start + count):
                g = make_guardian_account(self.school, f"g{i}@test.nl", f"G{i}", "Bakker")
                link(g.record, self.sam, "carer")
                sibling = make_pupil(self.school, f"Broer{i}", "Bakker", self.group5)
                link(g.record, sibling, "carer")

        add_guardians(7, 0)  # 10 guardians in all
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        add_guardians(90, 100)  # 100 guardians in all
        with count_queries() as large:
            response = self.client.get(url)
        self.assertEqual(len(response.context["pupil"].guardianships.all()), 100)
        assert_same_query_count(small, large, "pupil page")


class EditFamilyTests(SchoolTestCase):
    def guardian_post(self, **overrides: str) -> dict[str, str]:
        data = {
            "relation-relation": "father",
            "relation-has_custody": "on",
            "relation-portal_access": "on",
            "relation-app_invitation": "on",
            "relation-lives_with_pupil": "on",
            "guardian-first_name": "Dirk",
            "guardian-last_name": "Bakker",
            "guardian-sex": "m",
            "guardian-email": "dirk.nieuw@test.nl",
            "guardian-phone_mobile": "06 44444444",
            "guardian-street": "Singel",
            "guardian-house_number": "5",
            "guardian-postcode": "7201ab",
            "guardian-city": "Zutphen",
            "guardian-language": "nl",
            "guardian-education_level": "",
        }
        data.update(overrides)
        return data

    def url(self) -> str:
        dirk_link = Guardianship.objects.get(guardian=self.dirk.record, pupil=self.sam)
        return reverse("staff:guardianship-edit", args=[self.sam.pk, dirk_link.pk])

    def test_administrator_edits_contact_data_and_access_right(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.guardian_post()
        del data["relation-portal_access"]
        data["relation-portal_access_reason"] = "Rechterlijke uitspraak"
        response = self.client.post(self.url(), data)
        self.assertRedirects(response, reverse("staff:pupil", args=[self.sam.pk]))
        self.dirk.record.refresh_from_db()
        self.assertEqual(self.dirk.record.email, "dirk.nieuw@test.nl")
        self.assertEqual(self.dirk.record.postcode, "7201 AB")
        relation = Guardianship.objects.get(guardian=self.dirk.record)
        self.assertFalse(relation.portal_access)
        self.assertEqual(relation.portal_access_reason, "Rechterlijke uitspraak")
        self.assertIsNotNone(relation.portal_access_changed_on)
        # The change reaches the guardian's very next request.
        self.client.force_login(self.dirk.user)
        self.assertEqual(self.client.get(reverse("portal:home") + f"?child={self.sam.pk}").status_code, 404)

    def test_changing_the_access_right_needs_a_reason(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.guardian_post()
        del data["relation-portal_access"]
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Geef de reden")
        self.assertTrue(Guardianship.objects.get(guardian=self.dirk.record).portal_access)

    def test_bad_postcode_email_and_phone_are_refused_and_nothing_is_saved(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.guardian_post(
            **{"guardian-postcode": "0123 XY", "guardian-email": "geen-adres", "guardian-phone_mobile": "12"}
        )
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 200)
        form = response.context["guardian_form"]
        self.assertIn("postcode", form.errors)
        self.assertIn("email", form.errors)
        self.assertIn("phone_mobile", form.errors)
        self.assertContains(response, "Vul een Nederlandse postcode in")
        self.dirk.record.refresh_from_db()
        self.assertEqual(self.dirk.record.email, "dirk@test.nl")

    def test_errors_are_in_english_for_english_users(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.guardian_post(**{"guardian-postcode": "12"})
        response = self.client.post(self.url(), data, headers={"accept-language": "en"})
        self.assertContains(response, "Enter a Dutch postcode such as 7411 AB.")

    def test_pupil_personalia_edit_refuses_bad_dates(self) -> None:
        verified_login(self.client, self.ada.user)
        url = reverse("staff:pupil-edit", args=[self.sam.pk])
        data = {
            "first_name": "Sam", "last_name": "Bakker", "birth_date": "2090-01-01", "sex": "x",
            "postcode": "7411 BR", "status": "left", "enrolled_on": "2023-09-01", "left_on": "2020-01-01",
        }  # fmt: skip
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("birth_date", form.errors)
        self.assertIn("left_on", form.errors)
        data["birth_date"] = "31-02-2019"
        response = self.client.post(url, data)
        self.assertIn("birth_date", response.context["form"].errors)
        self.sam.refresh_from_db()
        self.assertEqual(self.sam.status, Pupil.Status.ENROLLED)
        self.assertEqual(self.sam.birth_date, dt.date(2019, 5, 1))

    def test_pupil_personalia_edit_saves(self) -> None:
        verified_login(self.client, self.ada.user)
        url = reverse("staff:pupil-edit", args=[self.sam.pk])
        data = {
            "first_name": "Samuel", "called_name": "Sam", "prefix": "de", "last_name": "Bakker",
            "birth_date": "2019-05-02", "sex": "m", "postcode": "7411br", "city": "Deventer",
            "status": "enrolled", "enrolled_on": "2023-09-01", "address_secret": "on",
        }  # fmt: skip
        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("staff:pupil", args=[self.sam.pk]))
        self.sam.refresh_from_db()
        self.assertEqual(self.sam.full_name, "Samuel de Bakker")
        self.assertEqual(self.sam.postcode, "7411 BR")
