"""Demo data for absences, notes, plans, year plan and news: loads once, shows each feature."""

from __future__ import annotations

from django.test import TestCase

from schoolbrug.accounts.models import Account
from schoolbrug.sis.demo import build_demo
from schoolbrug.sis.demo.schools import REGENBOOG_KEY, TEACHER_EMAIL
from schoolbrug.sis.models import School

from ..demo import load_demo_records
from ..models import Absence, AbsenceReason, Activity, NewsItem, Note, NoteCategory, SupportPlan
from ..selectors.notes import unread_reply_count

MODELS = (AbsenceReason, NoteCategory, Absence, Note, SupportPlan, Activity, NewsItem)


class DemoRecordsTests(TestCase):
    def test_loads_once_and_gives_the_demo_teacher_something_to_see(self) -> None:
        build_demo()
        school = School.objects.get(external_key=REGENBOOG_KEY)
        load_demo_records(school)
        counts = [model.objects.count() for model in MODELS]
        self.assertTrue(all(counts), counts)
        load_demo_records(school)
        self.assertEqual([model.objects.count() for model in MODELS], counts)
        teacher = Account.objects.get(kind=Account.Kind.STAFF, email=TEACHER_EMAIL)
        self.assertGreater(unread_reply_count(user=teacher), 0)
        self.assertTrue(Absence.objects.filter(pupil__placements__group__staff_links__staff_member__account=teacher))
        self.assertTrue(NewsItem.objects.filter(groups__isnull=False).exists())
        self.assertFalse(Note.objects.exclude(pupil__school=school).exists())
