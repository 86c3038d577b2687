"""Tests (REC-4): curriculum and standardised results, entered per group, read per pupil."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.records.models import CurriculumResult, CurriculumTest, StandardisedResult, StandardisedTest
from schoolbrug.records.services import results as services
from schoolbrug.sis.models import GroupStaff, Pupil
from schoolbrug.sis.testing import Persona, SchoolTestCase, make_pupil, make_staff_account

EN = {"accept-language": "en"}


def entry_data(pupils: list[Pupil], values: dict[int, str], fields: tuple[str, ...] = ("value",)) -> dict[str, Any]:
    data: dict[str, Any] = {"rows-TOTAL_FORMS": len(pupils), "rows-INITIAL_FORMS": len(pupils)}
    for index, pupil in enumerate(pupils):
        data[f"rows-{index}-pupil"] = pupil.pk
        for field in fields:
            data[f"rows-{index}-{field}"] = ""
        if pupil.pk in values:
            data[f"rows-{index}-{fields[0]}"] = values[pupil.pk]
    return data


def log_in(client: Client, persona: Persona) -> None:
    """Administrators must have passed the second factor (ACC-1); others just log in."""
    if getattr(persona.record, "is_application_admin", False):
        verified_login(client, persona.user)
    else:
        client.force_login(persona.user)


class ResultsTestCase(SchoolTestCase):
    noor: Pupil

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.noor = make_pupil(cls.school, "Noor", "Aydin", cls.group3)

    def setUp(self) -> None:
        self.grade_test = services.curriculum_test_create(
            actor=self.tess.user, group=self.group3, subject="Rekenen", name="Blok 3",
            date=dt.date(2026, 11, 10), scale=CurriculumTest.Scale.GRADE,
        )  # fmt: skip

    def group3_pupils(self) -> list[Pupil]:
        return list(Pupil.objects.filter(placements__group=self.group3).order_by("last_name", "first_name", "pk"))

    def entry_url(self, test: CurriculumTest | None = None) -> str:
        return reverse("records:curriculum-entry", args=[self.group3.pk, (test or self.grade_test).pk])


class GroupEntryTests(ResultsTestCase):
    def test_teacher_enters_results_for_the_whole_group(self) -> None:
        self.client.force_login(self.tess.user)
        data = entry_data(self.group3_pupils(), {self.sam.pk: "7.5", self.noor.pk: "6"})
        response = self.client.post(self.entry_url(), data)
        self.assertRedirects(response, reverse("records:group-tests", args=[self.group3.pk]))
        values = dict(CurriculumResult.objects.filter(test=self.grade_test).values_list("pupil_id", "value"))
        self.assertEqual(values, {self.sam.pk: Decimal("7.5"), self.noor.pk: Decimal("6.0")})

    def test_changing_and_clearing_results(self) -> None:
        services.curriculum_results_save(
            actor=self.tess.user, test=self.grade_test, group=self.group3,
            values={self.sam.pk: Decimal("5.0"), self.noor.pk: Decimal("8.0")},
        )  # fmt: skip
        self.client.force_login(self.tess.user)
        page = self.client.get(self.entry_url())
        self.assertContains(page, 'value="5,0"')  # the Dutch decimal comma
        self.client.post(self.entry_url(), entry_data(self.group3_pupils(), {self.sam.pk: "6.5"}))
        values = dict(CurriculumResult.objects.filter(test=self.grade_test).values_list("pupil_id", "value"))
        self.assertEqual(values, {self.sam.pk: Decimal("6.5")})

    def test_grade_outside_the_scale_is_refused_naming_the_pupil_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.tess.user)
        data = entry_data(self.group3_pupils(), {self.sam.pk: "11", self.noor.pk: "7"})
        response = self.client.post(self.entry_url(), data, headers=EN)
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Sam Bakker: 11 lies outside the scale of this test (1.0 to 10.0).", status_code=400
        )
        self.assertFalse(CurriculumResult.objects.filter(test=self.grade_test).exists())

    def test_score_above_the_maximum_is_refused(self) -> None:
        score_test = services.curriculum_test_create(
            actor=self.tess.user, group=self.group3, subject="Spelling", name="Dictee",
            date=dt.date(2026, 11, 12), scale=CurriculumTest.Scale.SCORE, max_score=40,
        )  # fmt: skip
        self.client.force_login(self.tess.user)
        response = self.client.post(
            self.entry_url(score_test), entry_data(self.group3_pupils(), {self.noor.pk: "41"}), headers=EN
        )
        self.assertContains(response, "Noor Aydin: 41 lies outside the scale", status_code=400)
        response = self.client.post(self.entry_url(score_test), entry_data(self.group3_pupils(), {self.noor.pk: "40"}))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(CurriculumResult.objects.get(test=score_test).value, Decimal(40))

    def test_service_refuses_out_of_scale_values_as_a_whole(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.curriculum_results_save(
                actor=self.tess.user, test=self.grade_test, group=self.group3,
                values={self.sam.pk: Decimal("0.5"), self.noor.pk: Decimal("7.0")},
            )  # fmt: skip
        self.assertIn("Sam", " ".join(caught.exception.messages))
        self.assertFalse(CurriculumResult.objects.exists())

    def test_service_refuses_pupils_outside_the_group_or_reach(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.curriculum_results_save(
                actor=self.tess.user, test=self.grade_test, group=self.group3, values={self.olivia.pk: Decimal(7)}
            )
        with self.assertRaises(PermissionDenied):
            services.curriculum_test_create(
                actor=self.tess.user,
                group=self.group5,
                subject="Taal",
                name="x",
                date=dt.date(2026, 11, 1),
                scale="grade",
            )

    def test_score_test_needs_a_maximum(self) -> None:
        self.client.force_login(self.tess.user)
        url = reverse("records:curriculum-test-new", args=[self.group3.pk])
        data = {"curriculum-subject": "Taal", "curriculum-name": "Blok 2", "curriculum-date": "2026-11-20",
                "curriculum-scale": "score", "curriculum-max_score": ""}  # fmt: skip
        response = self.client.post(url, data, headers=EN)
        self.assertContains(response, "Enter the maximum score of the test.", status_code=400)
        data["curriculum-max_score"] = "25"
        response = self.client.post(url, data)
        test = CurriculumTest.objects.get(name="Blok 2")
        self.assertRedirects(response, self.entry_url(test))
        self.assertEqual((test.group, test.year, test.school), (self.group3, self.year, self.school))

    def test_standardised_results_with_levels(self) -> None:
        self.client.force_login(self.tess.user)
        url = reverse("records:standardised-test-new", args=[self.group3.pk])
        response = self.client.post(
            url,
            {
                "standardised-name": "Rekenen-Wiskunde M3",
                "standardised-provider": "cito",
                "standardised-date": "2026-11-01",
            },
        )
        test = StandardisedTest.objects.get()
        entry = reverse("records:standardised-entry", args=[self.group3.pk, test.pk])
        self.assertRedirects(response, entry)
        fields = ("score", "level", "adjusted_level", "level_value")
        data = entry_data(self.group3_pupils(), {self.sam.pk: "34"}, fields)
        index = self.group3_pupils().index(self.sam)
        data.update(
            {f"rows-{index}-level": "II", f"rows-{index}-adjusted_level": "III", f"rows-{index}-level_value": "3.5"}
        )
        self.assertEqual(self.client.post(entry, data).status_code, 302)
        result = StandardisedResult.objects.get()
        self.assertEqual(
            (result.pupil, result.score, result.level, result.adjusted_level, result.level_value),
            (self.sam, Decimal(34), "II", "III", Decimal("3.5")),
        )
        data[f"rows-{index}-score"] = "-1"
        self.assertEqual(self.client.post(entry, data).status_code, 400)
        self.assertEqual(StandardisedResult.objects.get().score, Decimal(34))


class DecimalCommaTests(ResultsTestCase):
    """Numbers are typed and shown in the teacher's language (decision 0005)."""

    def setUp(self) -> None:
        super().setUp()
        self.score_test = services.curriculum_test_create(
            actor=self.tess.user, group=self.group3, subject="Spelling", name="Dictee",
            date=dt.date(2026, 11, 12), scale=CurriculumTest.Scale.SCORE, max_score=40,
        )  # fmt: skip
        self.client.force_login(self.tess.user)

    def saved(self, test: CurriculumTest) -> dict[int, Decimal]:
        return dict(CurriculumResult.objects.filter(test=test).values_list("pupil_id", "value"))

    def test_a_dutch_decimal_comma_is_a_decimal_comma(self) -> None:
        # Before: 3,5 on a 0-40 test was saved as 35, and 6,5 on a grade test refused as 65.
        data = entry_data(self.group3_pupils(), {self.sam.pk: "3,5", self.noor.pk: "31"})
        self.assertEqual(self.client.post(self.entry_url(self.score_test), data).status_code, 302)
        self.assertEqual(self.saved(self.score_test), {self.sam.pk: Decimal("3.5"), self.noor.pk: Decimal(31)})
        data = entry_data(self.group3_pupils(), {self.sam.pk: "6,5"})
        self.assertEqual(self.client.post(self.entry_url(), data).status_code, 302)
        self.assertEqual(self.saved(self.grade_test), {self.sam.pk: Decimal("6.5")})

    def test_numbers_are_shown_back_in_dutch_in_the_form_and_the_tables(self) -> None:
        services.curriculum_results_save(
            actor=self.tess.user, test=self.score_test, group=self.group3,
            values={self.sam.pk: Decimal("3.5"), self.noor.pk: Decimal(31)},
        )  # fmt: skip
        page = self.client.get(self.entry_url(self.score_test))
        self.assertContains(page, 'value="3,5"')
        self.assertContains(page, 'value="31,0"')
        self.assertContains(page, 'inputmode="decimal"')
        self.assertNotContains(page, 'type="number"')
        results = self.client.get(reverse("records:pupil-results", args=[self.sam.pk]))
        self.assertContains(results, "3,5 / 40")
        english = self.client.get(self.entry_url(self.score_test), headers=EN)
        self.assertContains(english, 'value="3.5"')

    def test_english_takes_the_decimal_point(self) -> None:
        data = entry_data(self.group3_pupils(), {self.sam.pk: "7.5"})
        self.assertEqual(self.client.post(self.entry_url(), data, headers=EN).status_code, 302)
        self.assertEqual(self.saved(self.grade_test), {self.sam.pk: Decimal("7.5")})

    def test_a_number_that_reads_two_ways_is_refused_the_typed_text_kept_and_nothing_saved(self) -> None:
        data = entry_data(self.group3_pupils(), {self.sam.pk: "1.234,5", self.noor.pk: "12"})
        response = self.client.post(self.entry_url(self.score_test), data)
        self.assertContains(response, "1.234,5 kan op meer dan één manier gelezen worden", status_code=400)
        self.assertContains(response, 'value="1.234,5"', status_code=400)
        self.assertEqual(self.saved(self.score_test), {})

    def test_the_scale_in_a_refusal_is_written_in_dutch(self) -> None:
        data = entry_data(self.group3_pupils(), {self.sam.pk: "10,5"})
        response = self.client.post(self.entry_url(), data)
        self.assertContains(response, "Sam Bakker: 10,5 ", status_code=400)
        self.assertContains(response, "(1,0 ", status_code=400)

    def test_standardised_score_and_level_value_take_the_comma(self) -> None:
        test = services.standardised_test_create(
            actor=self.tess.user, group=self.group3, name="Rekenen M3", provider="cito", date=dt.date(2026, 11, 1)
        )
        entry = reverse("records:standardised-entry", args=[self.group3.pk, test.pk])
        fields = ("score", "level", "adjusted_level", "level_value")
        data = entry_data(self.group3_pupils(), {self.sam.pk: "34,5"}, fields)
        data[f"rows-{self.group3_pupils().index(self.sam)}-level_value"] = "3,5"
        self.assertEqual(self.client.post(entry, data).status_code, 302)
        result = StandardisedResult.objects.get()
        self.assertEqual((result.score, result.level_value), (Decimal("34.5"), Decimal("3.5")))
        page = self.client.get(entry)
        self.assertContains(page, 'value="34,5"')
        self.assertContains(page, 'value="3,5"')

    def test_maximum_score_of_a_new_test_follows_the_same_rule(self) -> None:
        url = reverse("records:curriculum-test-new", args=[self.group3.pk])
        data = {"curriculum-subject": "Taal", "curriculum-name": "Blok 2", "curriculum-date": "2026-11-20",
                "curriculum-scale": "score", "curriculum-max_score": "1.000"}  # fmt: skip
        response = self.client.post(url, data)
        self.assertContains(response, "kan op meer dan één manier gelezen worden", status_code=400)
        self.assertFalse(CurriculumTest.objects.filter(name="Blok 2").exists())


class GroupOverviewTests(ResultsTestCase):
    def count_on_overview(self, group_pk: int, test_name: str) -> int:
        page = self.client.get(reverse("records:group-tests", args=[group_pk])).content.decode()
        found = re.search(rf"{re.escape(test_name)}</a>\s*</td>\s*<td[^>]*>\s*(\d+)\s*</td>", page)
        assert found, f"{test_name} not on the overview of group {group_pk}"
        return int(found[1])

    def test_a_standardised_test_counts_the_groups_own_results(self) -> None:
        test = services.standardised_test_create(
            actor=self.tess.user, group=self.group3, name="Spelling M3", provider="cito", date=dt.date(2026, 11, 1)
        )
        StandardisedResult.objects.bulk_create(
            StandardisedResult(test=test, pupil=pupil, level="III") for pupil in (self.sam, self.noor, self.olivia)
        )
        self.client.force_login(self.pim.user)  # reaches both groups
        self.assertEqual(self.count_on_overview(self.group3.pk, "Spelling M3"), 2)  # Sam and Noor, not Olivia
        self.assertEqual(self.count_on_overview(self.group5.pk, "Spelling M3"), 1)
        olivia_only = StandardisedTest.objects.create(
            school=self.school, year=self.year, name="Lezen M5", date=dt.date(2026, 11, 2)
        )
        StandardisedResult.objects.create(test=olivia_only, pupil=self.olivia, level="II")
        self.assertEqual(self.count_on_overview(self.group3.pk, "Lezen M5"), 0)


class StandardisedTestDeleteTests(ResultsTestCase):
    """A standardised test added by mistake is removed by whoever created it, while it has no results."""

    def setUp(self) -> None:
        super().setUp()
        self.test = services.standardised_test_create(
            actor=self.tess.user, group=self.group3, name="Spelling M3", provider="cito", date=dt.date(2026, 11, 1)
        )
        self.delete = reverse("records:standardised-test-delete", args=[self.group3.pk, self.test.pk])
        self.overview = reverse("records:group-tests", args=[self.group3.pk])

    def test_the_creator_removes_it_after_a_question_naming_it(self) -> None:
        self.client.force_login(self.tess.user)
        self.assertContains(self.client.get(self.overview), f'href="{self.delete}"')
        for question in (self.client.get(self.delete, headers=EN), self.client.post(self.delete, headers=EN)):
            self.assertContains(question, "Remove this standardised test?")
            self.assertContains(question, "Cito Spelling M3 · 1 November 2026")
            self.assertContains(question, 'name="confirm" value="yes"')
        self.assertTrue(StandardisedTest.objects.filter(pk=self.test.pk).exists())
        self.assertRedirects(self.client.post(self.delete, {"confirm": "yes"}), self.overview)
        self.assertFalse(StandardisedTest.objects.filter(pk=self.test.pk).exists())

    def test_others_cannot_remove_it(self) -> None:
        colleague = make_staff_account(self.school, "kees@test.nl", "Kees", "Collega")
        GroupStaff.objects.create(group=self.group3, staff_member=colleague.record)
        for persona in (colleague, self.pim, self.ada, self.wim, self.paula):
            log_in(self.client, persona)
            self.assertEqual(self.client.get(self.delete).status_code, 404, persona.user.email)
            self.assertEqual(self.client.post(self.delete, {"confirm": "yes"}).status_code, 404, persona.user.email)
            if persona in (colleague, self.pim, self.ada):
                self.assertNotContains(self.client.get(self.overview), self.delete)
        with self.assertRaises(PermissionDenied):
            services.standardised_test_delete(actor=self.pim.user, test=self.test)
        self.assertTrue(StandardisedTest.objects.filter(pk=self.test.pk).exists())

    def test_not_once_it_has_results_even_of_another_group(self) -> None:
        StandardisedResult.objects.create(test=self.test, pupil=self.olivia, level="II")
        self.client.force_login(self.tess.user)
        self.assertNotContains(self.client.get(self.overview), self.delete)
        response = self.client.post(self.delete, {"confirm": "yes"}, headers=EN, follow=True)
        self.assertRedirects(response, self.overview)
        self.assertContains(response, "This test already has results, so it can no longer be removed.")
        with self.assertRaises(ValidationError):
            services.standardised_test_delete(actor=self.tess.user, test=self.test)
        self.assertTrue(StandardisedResult.objects.filter(test=self.test).exists())


class PupilResultsTests(ResultsTestCase):
    def test_results_are_shown_per_school_year(self) -> None:
        old = CurriculumTest.objects.create(
            school=self.school, year=self.previous_year, group=self.old_group2, subject="Taal", name="Oud blok",
            date=dt.date(2026, 3, 1), scale="grade",
        )  # fmt: skip
        CurriculumResult.objects.create(test=old, pupil=self.sam, value=Decimal("4.5"))
        services.curriculum_results_save(
            actor=self.tess.user, test=self.grade_test, group=self.group3, values={self.sam.pk: Decimal("8.5")}
        )
        self.client.force_login(self.tess.user)
        url = reverse("records:pupil-results", args=[self.sam.pk])
        current = self.client.get(url, headers=EN)
        self.assertContains(current, "8.5")
        self.assertNotContains(current, "Oud blok")
        previous = self.client.get(url + f"?year={self.previous_year.pk}")
        self.assertContains(previous, "Oud blok")
        self.assertNotContains(previous, "Blok 3")
        self.assertEqual(self.client.get(url + f"?year={self.other_year.pk}").status_code, 404)

    def test_pupil_page_links_to_tests_and_reports(self) -> None:
        self.client.force_login(self.tess.user)
        page = self.client.get(reverse("staff:pupil", args=[self.sam.pk]))
        self.assertContains(page, reverse("records:pupil-results", args=[self.sam.pk]))
        self.assertContains(page, reverse("records:pupil-reports", args=[self.sam.pk]))


class ResultsAccessTests(ResultsTestCase):
    def group3_urls(self) -> list[str]:
        standardised = StandardisedTest.objects.create(
            school=self.school, year=self.year, name="Begrijpend lezen M3", date=dt.date(2026, 11, 1)
        )
        return [
            reverse("records:tests"),
            reverse("records:group-tests", args=[self.group3.pk]),
            self.entry_url(),
            reverse("records:standardised-entry", args=[self.group3.pk, standardised.pk]),
            reverse("records:pupil-results", args=[self.sam.pk]),
        ]

    def test_teacher_and_administrator_open_the_pages(self) -> None:
        for persona in (self.tess, self.ada, self.pim):
            log_in(self.client, persona)
            for url in self.group3_urls():
                self.assertEqual(self.client.get(url).status_code, 200, (persona.user.email, url))

    def test_guardians_and_other_school_get_404(self) -> None:
        for persona in (self.paula, self.dirk, self.otto, self.wim):
            log_in(self.client, persona)
            for url in self.group3_urls()[1:]:
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))
        self.client.force_login(self.paula.user)
        self.assertEqual(self.client.get(reverse("records:tests")).status_code, 404)

    def test_teacher_outside_the_group_gets_404(self) -> None:
        group5_test = CurriculumTest.objects.create(
            school=self.school, year=self.year, group=self.group5, subject="Taal", name="x", date=dt.date(2026, 11, 1)
        )
        self.client.force_login(self.tess.user)
        for url in (
            reverse("records:group-tests", args=[self.group5.pk]),
            reverse("records:curriculum-entry", args=[self.group5.pk, group5_test.pk]),
            # A test of another group is not reachable through one's own group either.
            reverse("records:curriculum-entry", args=[self.group3.pk, group5_test.pk]),
            reverse("records:pupil-results", args=[self.olivia.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.post(reverse("records:curriculum-test-new", args=[self.group5.pk]), {})
        self.assertEqual(response.status_code, 404)


class ResultsQueryCountTests(ResultsTestCase):
    def add_pupils(self, count: int) -> None:
        for n in range(count):
            pupil = make_pupil(self.school, f"Kind{n}", f"Achternaam{n:03d}", self.group3)
            CurriculumResult.objects.create(test=self.grade_test, pupil=pupil, value=Decimal(6))

    def test_group_entry_page_at_two_sizes(self) -> None:
        self.client.force_login(self.tess.user)
        self.add_pupils(8)  # 10 pupils with sam and noor
        with count_queries() as small:
            self.assertEqual(self.client.get(self.entry_url()).status_code, 200)
        self.add_pupils(50)  # 60 pupils
        with count_queries() as large:
            response = self.client.get(self.entry_url())
        self.assertContains(response, "Achternaam049")
        assert_same_query_count(small, large, "curriculum entry")

    def test_standardised_entry_page_at_two_sizes(self) -> None:
        test = StandardisedTest.objects.create(school=self.school, year=self.year, name="M3", date=dt.date(2026, 11, 1))
        url = reverse("records:standardised-entry", args=[self.group3.pk, test.pk])
        self.client.force_login(self.tess.user)
        self.add_pupils(8)
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        self.add_pupils(50)
        StandardisedResult.objects.bulk_create(
            StandardisedResult(test=test, pupil=p, level="IV") for p in self.group3_pupils()
        )
        with count_queries() as large:
            self.client.get(url)
        assert_same_query_count(small, large, "standardised entry")

    def test_group_entry_save_at_two_sizes(self) -> None:
        self.client.force_login(self.tess.user)
        self.add_pupils(8)
        with count_queries() as small:
            response = self.client.post(self.entry_url(), entry_data(self.group3_pupils(), {self.sam.pk: "7"}))
        self.assertEqual(response.status_code, 302)
        self.add_pupils(50)
        with count_queries() as large:
            self.client.post(self.entry_url(), entry_data(self.group3_pupils(), {self.noor.pk: "7"}))
        assert_same_query_count(small, large, "curriculum entry save")

    def test_pupil_results_at_two_sizes(self) -> None:
        self.client.force_login(self.tess.user)
        url = reverse("records:pupil-results", args=[self.sam.pk])

        def add_tests(count: int) -> None:
            for n in range(count):
                test = CurriculumTest.objects.create(
                    school=self.school, year=self.year, group=self.group3, subject="Taal", name=f"Toets {n}",
                    date=dt.date(2026, 10, 1),
                )  # fmt: skip
                CurriculumResult.objects.create(test=test, pupil=self.sam, value=Decimal(7))
                standardised = StandardisedTest.objects.create(
                    school=self.school, year=self.year, name=f"M{n}", date=dt.date(2026, 10, 1)
                )
                StandardisedResult.objects.create(test=standardised, pupil=self.sam, level="III")

        add_tests(2)
        with count_queries() as small:
            self.client.get(url)
        add_tests(30)
        with count_queries() as large:
            self.client.get(url)
        assert_same_query_count(small, large, "pupil results")

    def test_group_tests_overview_at_two_sizes(self) -> None:
        self.client.force_login(self.tess.user)
        url = reverse("records:group-tests", args=[self.group3.pk])

        def add_tests(count: int) -> None:
            for n in range(count):
                test = CurriculumTest.objects.create(
                    school=self.school, year=self.year, group=self.group3, subject="Taal", name=f"Toets {n}",
                    date=dt.date(2026, 10, 1),
                )  # fmt: skip
                CurriculumResult.objects.create(test=test, pupil=self.sam, value=Decimal(7))
                standardised = StandardisedTest.objects.create(
                    school=self.school, year=self.year, name=f"M{n}", date=dt.date(2026, 10, 1)
                )
                # Results in this group and in another one: the count is the group's own.
                StandardisedResult.objects.create(test=standardised, pupil=self.sam, level="III")
                StandardisedResult.objects.create(test=standardised, pupil=self.olivia, level="II")

        add_tests(2)
        with count_queries() as small:
            self.client.get(url)
        add_tests(30)
        with count_queries() as large:
            response = self.client.get(url)
        self.assertContains(response, "Toets 29")
        assert_same_query_count(small, large, "group tests overview")
