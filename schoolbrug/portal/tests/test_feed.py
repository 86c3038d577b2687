"""The dashboard feed (POR-6) in the school's own time zone, and news text cleaned at display."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from schoolbrug.portal.config import portals_for
from schoolbrug.portal.feed import dashboard_feed
from schoolbrug.portal.modules import Module
from schoolbrug.records.models import Absence, Activity, NewsItem
from schoolbrug.sis import selectors as sis_selectors
from schoolbrug.sis.models import School
from schoolbrug.sis.testing import SchoolTestCase

from . import records_data as rd
from .helpers import enable_module

NEW_YORK = ZoneInfo("America/New_York")
# In New York it is still Sunday 22 November at 23:30; in Amsterdam (the server's zone) it is
# already Monday 05:30.
LATE_SUNDAY = dt.datetime(2026, 11, 22, 23, 30, tzinfo=NEW_YORK)
EARLY_MONDAY = dt.datetime(2026, 11, 23, 0, 30, tzinfo=NEW_YORK)
SUNDAY = dt.date(2026, 11, 22)
MONDAY = dt.date(2026, 11, 23)


class FeedInTheSchoolsZoneTests(SchoolTestCase):
    def setUp(self) -> None:
        School.objects.filter(pk=self.school.pk).update(time_zone="America/New_York")
        rd.news(self.school, "Vanaf maandag", MONDAY)
        rd.news(self.school, "Tot en met zondag", SUNDAY - dt.timedelta(days=7), SUNDAY)

    def feed(self, now: dt.datetime, kind: str = "") -> dict[str, Any]:
        children = sis_selectors.children_of_guardian(self.paula.user)
        portals = portals_for({self.school.pk})
        return dashboard_feed(children=children, portals=portals, account=self.paula.user, kind=kind, now=now)

    def titles(self, now: dt.datetime) -> set[str]:
        return {item.title for item in self.feed(now, "news")["items"]}

    def test_news_publish_window_follows_the_schools_date(self) -> None:
        self.assertEqual(timezone.localdate(LATE_SUNDAY), MONDAY)  # the server's zone is a day ahead
        self.assertEqual(self.titles(LATE_SUNDAY), {"Tot en met zondag"})
        self.assertEqual(self.titles(EARLY_MONDAY), {"Vanaf maandag"})

    def test_activity_absence_and_report_days_are_the_schools_days(self) -> None:
        enable_module(self.school, Module.ABSENCES, show_on_dashboard=True)
        enable_module(self.school, Module.REPORTS, show_on_dashboard=True)
        # Monday 23:00 in New York is Tuesday 05:00 in Amsterdam.
        monday_evening = dt.datetime(2026, 11, 23, 23, 0, tzinfo=NEW_YORK)
        Activity.objects.create(
            school=self.school,
            title="Ouderavond",
            starts_at=monday_evening,
            ends_at=monday_evening + dt.timedelta(minutes=30),
            publish_on_portal=True,
        )
        Absence.objects.create(
            pupil=self.sam,
            year=self.year,
            starts_at=monday_evening - dt.timedelta(hours=3),
            ends_at=monday_evening - dt.timedelta(hours=2),
            whole_day=False,
            reason=rd.reason(self.school, "Tandarts"),
        )
        report = rd.report(self.sam, self.year, "Rapport 1", locked=True)
        report.locked_at = dt.datetime(2026, 11, 22, 22, 0, tzinfo=NEW_YORK)  # Monday 04:00 in Amsterdam
        report.save(update_fields=["locked_at"])
        days = {item.title: item.day for item in self.feed(EARLY_MONDAY)["items"]}
        self.assertEqual(days["Ouderavond"], MONDAY)
        self.assertEqual(days["Tandarts"], MONDAY)
        self.assertEqual(days["Rapport 1"], SUNDAY)


class NewsTextIsCleanedOnThePortalTests(SchoolTestCase):
    def test_a_row_written_around_the_service_loses_its_scripts(self) -> None:
        # Straight into the table, as an import or a fixture would: the service never cleaned it.
        NewsItem.objects.create(
            school=self.school,
            subject="Ingevoerd bericht",
            date=timezone.localdate(),
            publish_from=timezone.localdate() - dt.timedelta(days=1),
            text='<p>Hallo ouders</p><img src=x onerror=alert(1)><script>alert("x")</script>',
        )
        self.client.force_login(self.paula.user)
        response = self.client.get(reverse("portal:home"))
        self.assertContains(response, "Ingevoerd bericht")
        self.assertContains(response, "<p>Hallo ouders</p>", html=False)
        self.assertNotContains(response, "onerror")
        self.assertNotContains(response, "<script>alert")
