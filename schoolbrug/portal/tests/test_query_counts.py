"""Point 13: dashboard and child pages keep their query count with 1 or 4 children and with 10
or 200 items of every kind; the dashboard stays within BENCHMARKS.md scenario 1 (at most 10
queries)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.portal.feed import PER_KIND
from schoolbrug.portal.modules import Module
from schoolbrug.records.models import (
    Absence,
    AbsenceReason,
    Activity,
    CurriculumResult,
    CurriculumTest,
    NewsItem,
    Note,
    NoteCategory,
    Report,
    ReportPeriod,
    StandardisedResult,
    StandardisedTest,
    SupportPlan,
)
from schoolbrug.sis.models import EmergencyContact, Pupil, TimetableEntry
from schoolbrug.sis.testing import SchoolTestCase, link, make_pupil

from . import records_data as rd
from .helpers import enable_module

AMS = dt.timezone(dt.timedelta(hours=1))
DASHBOARD_MAX_QUERIES = 10


class QueryCountTests(SchoolTestCase):
    reason: AbsenceReason
    category: NoteCategory
    serial: int

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for module in Module.values:
            enable_module(
                cls.school, module, show_on_dashboard=True, replies_allowed=True, show_addresses=True, show_contact=True
            )
        cls.reason = rd.reason(cls.school)
        cls.category = rd.category(cls.school)
        cls.serial = 0

    def add_items(self, pupil: Pupil, count: int) -> None:
        year = self.year
        base = dt.datetime(2026, 9, 7, 8, 0, tzinfo=AMS)
        Absence.objects.bulk_create(
            Absence(
                pupil=pupil,
                year=year,
                starts_at=base + dt.timedelta(hours=i),
                ends_at=base + dt.timedelta(hours=i, minutes=30),
                reason=self.reason,
            )
            for i in range(count)
        )
        Note.objects.bulk_create(
            Note(
                pupil=pupil,
                year=year,
                category=self.category,
                subject=f"N{i}",
                date=dt.date(2026, 10, 1),
                text="t",
                author_name="Tess",
            )
            for i in range(count)
        )
        SupportPlan.objects.bulk_create(
            SupportPlan(pupil=pupil, title=f"P{i}", start_date=dt.date(2026, 10, 1)) for i in range(count)
        )
        self.serial += 1
        periods = ReportPeriod.objects.bulk_create(
            ReportPeriod(school=self.school, year=year, name=f"R{self.serial}-{i}", order=i) for i in range(count)
        )
        Report.objects.bulk_create(Report(pupil=pupil, period=p, locked_at=timezone.now()) for p in periods)
        ctests = CurriculumTest.objects.bulk_create(
            CurriculumTest(school=self.school, year=year, subject="Taal", name=f"C{i}", date=dt.date(2026, 10, 1))
            for i in range(count)
        )
        CurriculumResult.objects.bulk_create(
            CurriculumResult(test=t, pupil=pupil, value=Decimal("7.0")) for t in ctests
        )
        stests = StandardisedTest.objects.bulk_create(
            StandardisedTest(school=self.school, year=year, name=f"S{i}", date=dt.date(2026, 10, 1))
            for i in range(count)
        )
        StandardisedResult.objects.bulk_create(StandardisedResult(test=t, pupil=pupil, level="II") for t in stests)
        today = timezone.localdate()
        NewsItem.objects.bulk_create(
            NewsItem(school=self.school, subject=f"News{i}", date=today, text="x", publish_from=today)
            for i in range(count)
        )
        start = timezone.now() + dt.timedelta(days=1)
        Activity.objects.bulk_create(
            Activity(school=self.school, title=f"A{i}", starts_at=start, ends_at=start, publish_on_portal=True)
            for i in range(count)
        )
        EmergencyContact.objects.bulk_create(
            EmergencyContact(pupil=pupil, name=f"E{i}", phone="0570 123456") for i in range(count)
        )
        classmates = [make_pupil(self.school, f"K{self.serial}{i}", "Klas", self.group3) for i in range(min(count, 30))]
        TimetableEntry.objects.bulk_create(
            TimetableEntry(
                group=self.group3,
                weekday=1 + i % 5,
                start_time=dt.time(8, i % 60),
                end_time=dt.time(9, i % 60),
                subject="x",
            )
            for i in range(min(count, 20))
        )
        self.assertTrue(classmates)

    def pages(self) -> list[str]:
        s = self.sam.pk
        names = [
            "child-about",
            "child-group",
            "child-absences",
            "child-notes",
            "child-plans",
            "child-tests",
            "child-reports",
        ]
        return [reverse("portal:home"), reverse("portal:school"), reverse("portal:account")] + [
            reverse(f"portal:{n}", args=[s]) for n in names
        ]

    def measure(self, client: Client) -> dict[str, CaptureQueriesContext]:
        result: dict[str, CaptureQueriesContext] = {}
        for url in self.pages():
            with count_queries() as ctx:
                response = client.get(url)
            self.assertEqual(response.status_code, 200, url)
            result[url] = ctx
        return result

    def test_same_query_count_with_more_children_and_items(self) -> None:
        client = Client()
        client.force_login(self.paula.user)
        self.add_items(self.sam, 10)
        small = self.measure(client)
        for i in range(3):
            child = make_pupil(self.school, f"Broer{i}", "Bakker", self.group5)
            link(self.paula.record, child, "mother")
            self.add_items(child, 20)
        self.add_items(self.sam, 190)
        large = self.measure(client)
        self.assertEqual(len(client.get(reverse("portal:home")).context["children"]), 4)
        for url in self.pages():
            assert_same_query_count(small[url], large[url], url)

    def dashboard_queries(self, client: Client) -> CaptureQueriesContext:
        with count_queries() as ctx:
            response = client.get(reverse("portal:home"))
        self.assertEqual(response.status_code, 200)
        # The count only means something for a full feed: every kind present.
        self.assertEqual(
            {item.kind for item in response.context["items"]}, {"updates", "absences", "notes", "news", "activities"}
        )
        return ctx

    def assert_within_budget(self, ctx: CaptureQueriesContext, label: str) -> None:
        listing = "\n".join(f"  {i}. {q['sql']}" for i, q in enumerate(ctx.captured_queries, start=1))
        self.assertLessEqual(len(ctx), DASHBOARD_MAX_QUERIES, f"{label}: {len(ctx)} queries\n{listing}")

    def test_dashboard_stays_within_ten_queries(self) -> None:
        client = Client()
        client.force_login(self.paula.user)
        self.add_items(self.sam, 10)
        self.assert_within_budget(self.dashboard_queries(client), "1 child, 10 items")
        for i in range(3):
            child = make_pupil(self.school, f"Zus{i}", "Bakker", self.group5)
            link(self.paula.record, child, "mother")
            self.add_items(child, 20)
        self.add_items(self.sam, 190)
        self.assert_within_budget(self.dashboard_queries(client), "4 children, 200 items")

    def test_each_source_shows_its_own_newest_items_when_read_in_one_query(self) -> None:
        today = timezone.localdate()
        count = PER_KIND + 5
        for i in range(count):
            day = today - dt.timedelta(days=i)
            rd.news(self.school, f"Nieuws{i}", day)
            rd.note(self.sam, self.year, f"Notitie{i}", day, self.category)
            rd.plan(self.sam, f"Plan{i}", day)
            rd.absence(self.sam, self.year, day, self.reason)
        both = rd.news(self.school, "Groep 3 en 5", today)
        both.groups.add(self.group3, self.group5)
        rd.news(self.school, "Alleen groep 5", today).groups.add(self.group5)
        client = Client()
        client.force_login(self.paula.user)
        items = client.get(reverse("portal:home")).context["items"]
        titles = [item.title for item in items]
        news = [t for t in titles if t.startswith("Nieuws") or t.startswith(("Groep", "Alleen"))]
        # Newest first per source, capped per source; an item for two groups appears once.
        self.assertEqual(news, ["Groep 3 en 5"] + [f"Nieuws{i}" for i in range(PER_KIND - 1)])
        self.assertEqual([t for t in titles if t.startswith("Notitie")], [f"Notitie{i}" for i in range(PER_KIND)])
        self.assertEqual([t for t in titles if t.startswith("Plan")], [f"Plan{i}" for i in range(PER_KIND)])
        absences = [item for item in items if item.kind == "absences"]
        self.assertEqual([a.day for a in absences], [today - dt.timedelta(days=i) for i in range(PER_KIND)])
        self.assertTrue(all(a.child == self.sam for a in absences))
        days = [item.day for item in items]
        self.assertEqual(days, sorted(days, reverse=True))
