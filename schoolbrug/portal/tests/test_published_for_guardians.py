"""What the portal shows a guardian of the school's news, year plan and notes: publication windows
in the school's own days, targeting at the child's current group, and only his own replies."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse

from schoolbrug.portal.config import portals_for
from schoolbrug.portal.feed import dashboard_feed
from schoolbrug.portal.modules import Module
from schoolbrug.records.models import Activity, NewsItem
from schoolbrug.records.services.notes import note_reply_from_guardian
from schoolbrug.sis import selectors as sis_selectors
from schoolbrug.sis.models import Group
from schoolbrug.sis.testing import Persona, SchoolTestCase

from . import records_data as rd
from .helpers import enable_module

AMS = ZoneInfo("Europe/Amsterdam")


class FeedTestCase(SchoolTestCase):
    def titles(self, persona: Persona, kind: str, now: dt.datetime) -> list[str]:
        children = sis_selectors.children_of_guardian(persona.user)
        feed = dashboard_feed(
            children=children, portals=portals_for({self.school.pk}), account=persona.user, kind=kind, now=now
        )
        return [item.title for item in feed["items"]]


class NewsWindowTests(FeedTestCase):
    def setUp(self) -> None:
        self.item = rd.news(self.school, "Schoolreis", dt.date(2026, 11, 20), dt.date(2026, 11, 27))

    def visible(self, now: dt.datetime, persona: Persona | None = None) -> bool:
        return "Schoolreis" in self.titles(persona or self.paula, "news", now)

    def test_both_ends_are_inclusive_and_days_are_the_schools_days(self) -> None:
        # 00:00 in Amsterdam is still the day before in UTC (and on the server, were it in UTC).
        self.assertFalse(self.visible(dt.datetime(2026, 11, 19, 23, 59, tzinfo=AMS)))
        self.assertTrue(self.visible(dt.datetime(2026, 11, 20, 0, 0, tzinfo=AMS)))
        self.assertTrue(self.visible(dt.datetime(2026, 11, 27, 23, 59, tzinfo=AMS)))
        self.assertFalse(self.visible(dt.datetime(2026, 11, 28, 0, 0, tzinfo=AMS)))

    def test_an_open_ended_window_stays_open(self) -> None:
        NewsItem.objects.filter(pk=self.item.pk).update(publish_until=None)
        self.assertTrue(self.visible(dt.datetime(2030, 1, 1, 12, 0, tzinfo=AMS)))

    def test_targeted_at_the_childs_current_group_or_all(self) -> None:
        now = dt.datetime(2026, 11, 21, 12, 0, tzinfo=AMS)
        self.item.groups.set([self.group5])
        self.assertFalse(self.visible(now))
        self.assertTrue(self.visible(now, self.otto))
        self.item.groups.set([self.old_group2])  # Sam's group of last year
        self.assertFalse(self.visible(now))
        self.item.groups.set([self.group3, self.group5])
        self.assertEqual(self.titles(self.paula, "news", now), ["Schoolreis"])  # once, not per group

    def test_no_news_without_a_child_in_reach(self) -> None:
        now = dt.datetime(2026, 11, 21, 12, 0, tzinfo=AMS)
        for persona in (self.gerda, self.lars):  # no access right; a child who left
            self.assertFalse(self.visible(now, persona), persona.account.email)


class ActivityTests(FeedTestCase):
    def test_published_activities_for_the_school_or_the_childs_group(self) -> None:
        start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=AMS)

        def make(title: str, published: bool = True, group: Group | None = None) -> None:
            activity = Activity.objects.create(
                school=self.school,
                title=title,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                publish_on_portal=published,
            )
            if group is not None:
                activity.groups.set([group])

        make("School")
        make("Intern", published=False)
        make("Groep 3", group=self.group3)
        make("Groep 5", group=self.group5)
        now = start - dt.timedelta(days=1)
        self.assertEqual(sorted(self.titles(self.paula, "activities", now)), ["Groep 3", "School"])
        self.assertEqual(sorted(self.titles(self.otto, "activities", now)), ["Groep 5", "School"])
        self.assertEqual(self.titles(self.gerda, "activities", now), [])


class NotesPageTests(SchoolTestCase):
    def test_the_schools_published_notes_and_only_the_guardians_own_replies(self) -> None:
        enable_module(self.school, Module.NOTES, replies_allowed=True)
        day = dt.date(2026, 11, 16)
        note = rd.note(self.sam, self.year, "Uitstapje", day, rd.category(self.school))
        internal = rd.note(self.sam, self.year, "Intern", day, rd.category(self.school, published=False))
        reply = note_reply_from_guardian(guardian_account=self.paula.user, note=note, text="Dank je wel!")
        url = reverse("portal:child-notes", args=[self.sam.pk])
        for persona, shown in ((self.paula, {note, reply}), (self.dirk, {note})):
            self.client.force_login(persona.user)
            page = self.client.get(url)
            for item in (note, reply, internal):
                if item in shown:
                    self.assertContains(page, f'data-testid="note-{item.pk}"', msg_prefix=persona.account.email)
                else:
                    self.assertNotContains(page, f'data-testid="note-{item.pk}"', msg_prefix=persona.account.email)
        self.client.force_login(self.otto.user)
        self.assertEqual(self.client.get(url).status_code, 404)
