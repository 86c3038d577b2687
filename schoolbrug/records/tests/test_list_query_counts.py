"""Staff list pages of the pupil file keep their query count as their data grows (issue 4, pt 9)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.models import Group, GroupStaff
from schoolbrug.sis.testing import Persona, SchoolTestCase, make_group, make_pupil

from ..models import Absence, Activity, Note, Report, ReportPeriod, ReportSection, SupportPlan
from .helpers import at, login, make_categories, make_reasons

MONDAY = dt.date(2026, 11, 16)


class ListQueryCountTests(SchoolTestCase):
    def check(
        self, persona: Persona, url: str, grow: Callable[[int], Any], label: str, params: dict[str, str] | None = None
    ) -> Any:
        """Measures the page with a little data and with much more; the counts must be equal."""
        client = Client()
        login(client, persona)
        grow(2)
        client.get(url, params)  # warm up session and caches
        with count_queries() as small:
            self.assertEqual(client.get(url, params).status_code, 200)
        grow(20)
        with count_queries() as large:
            response = client.get(url, params)
        self.assertEqual(response.status_code, 200)
        assert_same_query_count(small, large, label)
        return response

    def test_pupil_absences(self) -> None:
        reasons = list(make_reasons(self.school).values())
        added: list[int] = []

        def grow(count: int) -> None:
            for _ in range(count):
                day = MONDAY - dt.timedelta(days=len(added))
                Absence.objects.create(
                    pupil=self.sam, year=self.year, starts_at=at(day), ends_at=at(day + dt.timedelta(days=1)),
                    reason=reasons[len(added) % len(reasons)], client_key=uuid.uuid4(), recorded_by=self.tess.user,
                )  # fmt: skip
                added.append(1)

        response = self.check(self.tess, reverse("records:pupil-absences", args=[self.sam.pk]), grow, "absences")
        self.assertEqual(len(response.context["absences"]), 22)

    def test_pupil_plans(self) -> None:
        def grow(count: int) -> None:
            for i in range(count):
                SupportPlan.objects.create(
                    pupil=self.sam, title=f"Plan {i}", start_date=dt.date(2026, 9, 1), author=self.tess.user
                )

        response = self.check(self.tess, reverse("records:pupil-plans", args=[self.sam.pk]), grow, "plans")
        self.assertEqual(len(response.context["plans"]), 22)

    def test_pupil_reports(self) -> None:
        def grow(count: int) -> None:
            start = ReportPeriod.objects.filter(year=self.year).count()
            for i in range(start, start + count):
                period = ReportPeriod.objects.create(school=self.school, year=self.year, name=f"Rapport {i}", order=i)
                report = Report.objects.create(pupil=self.sam, period=period, locked_by=self.pim.user)
                ReportSection.objects.bulk_create(
                    ReportSection(report=report, position=p, title=f"Kop {p}", body="Tekst") for p in range(3)
                )

        response = self.check(self.tess, reverse("records:pupil-reports", args=[self.sam.pk]), grow, "reports")
        self.assertEqual(len(response.context["rows"]), 22)

    def test_year_plan_month(self) -> None:
        groups = [self.group3, self.group5]

        def grow(count: int) -> None:
            for i in range(count):
                activity = Activity.objects.create(
                    school=self.school, title=f"Activiteit {i}", starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 10),
                    created_by=self.ada.user, publish_on_portal=bool(i % 2),
                )  # fmt: skip
                activity.groups.set(groups[: i % 3])

        for persona in (self.tess, self.ada):
            Activity.objects.all().delete()
            response = self.check(
                persona, reverse("records:yearplan"), grow, f"year plan {persona.user.email}", {"month": "2026-11"}
            )
            self.assertEqual(len(response.context["activities"]), 22)

    def test_unread_replies(self) -> None:
        category = make_categories(self.school)["general"]

        def grow(count: int) -> None:
            for i in range(count):
                pupil = make_pupil(self.school, f"Kind{i}", f"Ongelezen{uuid.uuid4().hex[:6]}", self.group3)
                Note.objects.create(
                    pupil=pupil, year=self.year, category=category, subject=f"Antwoord {i}", date=MONDAY,
                    text="Gezien", source=Note.Source.GUARDIAN, author_name="Ouder", author=self.paula.user,
                )  # fmt: skip

        for persona in (self.tess, self.pim):
            response = self.check(persona, reverse("records:notes-unread"), grow, f"unread {persona.user.email}")
            self.assertGreaterEqual(len(response.context["notes"]), 22)

    def test_absence_groups(self) -> None:
        made: list[Group] = []

        def grow(count: int) -> None:
            for _ in range(count):
                group = make_group(self.school, self.year, f"Groep {len(made) + 10}", 7)
                GroupStaff.objects.create(group=group, staff_member=self.tess.record)
                made.append(group)

        for persona in (self.tess, self.pim):
            response = self.check(persona, reverse("records:absences"), grow, f"absence groups {persona.user.email}")
            self.assertGreaterEqual(len(response.context["groups"]), 22)
