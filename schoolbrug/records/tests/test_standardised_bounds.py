"""Standardised results stay within their scale: the provider's levels and bounded numbers (REC-4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from schoolbrug.records.models import StandardisedResult, StandardisedTest
from schoolbrug.records.services import results as services
from schoolbrug.sis.testing import make_pupil

from .test_results import EN, ResultsTestCase

FIELDS = ("score", "level", "adjusted_level", "level_value")


class StandardisedBoundsTests(ResultsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cito = StandardisedTest.objects.create(
            school=self.school, year=self.year, name="Rekenen-Wiskunde M3", provider="cito", date=dt.date(2026, 11, 1)
        )
        self.iep = StandardisedTest.objects.create(
            school=self.school, year=self.year, name="Lezen", provider="iep", date=dt.date(2026, 11, 2)
        )
        self.client.force_login(self.tess.user)

    def url(self, test: StandardisedTest) -> str:
        return reverse("records:standardised-entry", args=[self.group3.pk, test.pk])

    def post(self, test: StandardisedTest, rows: dict[int, dict[str, str]]) -> Any:
        pupils = self.group3_pupils()
        data: dict[str, Any] = {"rows-TOTAL_FORMS": len(pupils), "rows-INITIAL_FORMS": len(pupils)}
        for index, pupil in enumerate(pupils):
            data[f"rows-{index}-pupil"] = pupil.pk
            for field in FIELDS:
                data[f"rows-{index}-{field}"] = rows.get(pupil.pk, {}).get(field, "")
        return self.client.post(self.url(test), data, headers=EN)

    def test_levels_outside_the_providers_set_are_refused_naming_the_pupil_and_nothing_is_saved(self) -> None:
        response = self.post(
            self.cito,
            {
                self.sam.pk: {"score": "40", "level": "VI", "adjusted_level": "B"},
                self.noor.pk: {"score": "50", "level": "II"},
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            "Sam Bakker: VI is not a level of this test (Cito); choose one of I, II, III, IV, V.",
            status_code=400,
        )
        self.assertContains(response, "Sam Bakker: B is not a level of this test (Cito)", status_code=400)
        [sam_form] = [f for f in response.context["formset"].forms if f.pupil_obj == self.sam]
        self.assertEqual(set(sam_form.errors), {"level", "adjusted_level"})
        self.assertFalse(StandardisedResult.objects.exists())

    def test_iep_and_other_providers_take_a_to_e(self) -> None:
        response = self.post(self.iep, {self.sam.pk: {"level": "III"}})
        message = "Sam Bakker: III is not a level of this test (IEP); choose one of A, B, C, D, E."
        self.assertContains(response, message, 1, 400)
        self.assertFalse(StandardisedResult.objects.exists())
        response = self.post(self.iep, {self.sam.pk: {"level": "b", "adjusted_level": "A"}})
        self.assertEqual(response.status_code, 302)
        result = StandardisedResult.objects.get(test=self.iep)
        self.assertEqual((result.level, result.adjusted_level), ("B", "A"))

    def test_the_entry_page_offers_the_providers_levels(self) -> None:
        page = self.client.get(self.url(self.cito))
        self.assertContains(page, '<option value="IV">IV</option>', count=2 * len(self.group3_pupils()))
        self.assertNotContains(page, '<option value="A">')
        page = self.client.get(self.url(self.iep))
        self.assertContains(page, '<option value="E">E</option>', count=2 * len(self.group3_pupils()))
        self.assertNotContains(page, '<option value="IV">')

    def test_a_stored_level_outside_the_set_is_shown_not_silently_cleared(self) -> None:
        StandardisedResult.objects.create(test=self.cito, pupil=self.sam, level="C")
        page = self.client.get(self.url(self.cito))
        self.assertContains(page, '<option value="C" selected>C</option>')

    def test_score_and_level_value_out_of_bounds_are_refused(self) -> None:
        cases = [
            ({"score": "1000"}, "score", "Sam Bakker: The score 1000 lies outside 0 to 999"),
            ({"score": "-1"}, "score", "Sam Bakker: The score -1 lies outside 0 to 999"),
            ({"level_value": "150.1"}, "level_value", "Sam Bakker: The level value 150.1 lies outside 0 to 150"),
            ({"level_value": "-0.5"}, "level_value", "Sam Bakker: The level value -0.5 lies outside 0 to 150"),
            ({"level_value": "3.25"}, "level_value", "Sam Bakker: "),
        ]
        for row, field, message in cases:
            response = self.post(self.cito, {self.sam.pk: {"level": "III", **row}, self.noor.pk: {"level": "I"}})
            self.assertContains(response, message, status_code=400, msg_prefix=str(row))
            [sam_form] = [f for f in response.context["formset"].forms if f.pupil_obj == self.sam]
            self.assertEqual(list(sam_form.errors), [field], row)
        self.assertFalse(StandardisedResult.objects.exists())
        response = self.post(self.cito, {self.sam.pk: {"score": "999", "level_value": "150.0", "level": "V"}})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(StandardisedResult.objects.get().level_value, Decimal(150))

    def test_the_service_refuses_the_whole_set_naming_the_pupil(self) -> None:
        fine = services.StandardisedValues(score=Decimal(40), level="II")
        for bad in (
            services.StandardisedValues(level="A"),
            services.StandardisedValues(adjusted_level="VI"),
            services.StandardisedValues(score=Decimal("999.1")),
            services.StandardisedValues(level_value=Decimal("150.5")),
            services.StandardisedValues(level_value=Decimal("2.25")),
            services.StandardisedValues(score=Decimal(-3)),
        ):
            with self.assertRaises(ValidationError, msg=str(bad)) as caught:
                services.standardised_results_save(
                    actor=self.tess.user, test=self.cito, group=self.group3,
                    values={self.noor.pk: fine, self.sam.pk: bad},
                )  # fmt: skip
            self.assertEqual(len(caught.exception.messages), 1, bad)
            self.assertTrue(caught.exception.messages[0].startswith("Sam Bakker: "), caught.exception.messages)
        self.assertFalse(StandardisedResult.objects.exists())

    def test_the_database_refuses_numbers_out_of_bounds(self) -> None:
        pupil = make_pupil(self.school, "Daan", "Dijk", self.group3)
        for fields in ({"score": Decimal(1000)}, {"level_value": Decimal("150.1")}, {"score": Decimal(-1)}):
            with self.assertRaises(IntegrityError, msg=str(fields)), transaction.atomic():
                StandardisedResult.objects.create(test=self.cito, pupil=pupil, **fields)
