"""A school's time zone is one Python knows, and its date is computed in one place (sis.dates)."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError

from schoolbrug.sis import dates
from schoolbrug.sis.models import School
from schoolbrug.sis.testing import SchoolTestCase

PRODUCT = Path(dates.__file__).resolve().parent.parent


class TimeZoneTests(SchoolTestCase):
    def test_an_unknown_time_zone_is_refused(self) -> None:
        for zone in ("Mars/Olympus_Mons", "", "CEST", "europe/amsterdam "):
            self.school.time_zone = zone
            with self.assertRaises(ValidationError, msg=zone) as refused:
                self.school.full_clean()
            self.assertIn("time_zone", refused.exception.message_dict)
        self.school.time_zone = "America/New_York"
        self.school.full_clean()
        self.school.save()
        self.assertEqual(
            dates.school_today(self.school, dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)), dt.date(2026, 11, 22)
        )

    def test_the_migration_gives_rows_with_an_unknown_zone_the_default(self) -> None:
        School.objects.filter(pk=self.school.pk).update(time_zone="Nowhere/Atlantis")
        School.objects.filter(pk=self.other_school.pk).update(time_zone="America/New_York")
        migration = importlib.import_module("schoolbrug.sis.migrations.0004_school_time_zone_validated")
        migration.reset_unknown_time_zones(apps, None)
        zones = dict(School.objects.values_list("pk", "time_zone"))
        self.assertEqual(zones, {self.school.pk: "Europe/Amsterdam", self.other_school.pk: "America/New_York"})


class OneSchoolDateTests(SchoolTestCase):
    def test_only_sis_dates_computes_a_schools_today_or_zone(self) -> None:
        copies = []
        for path in PRODUCT.rglob("*.py"):
            if {"tests", "migrations"} & set(path.parts) or path == Path(dates.__file__).resolve():
                continue
            tree = ast.parse(path.read_text(), str(path))
            copies += [
                f"{path.relative_to(PRODUCT)}:{node.lineno} {node.name}"
                for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef) and node.name in ("school_today", "school_zone")
            ]
        self.assertEqual(copies, [])
