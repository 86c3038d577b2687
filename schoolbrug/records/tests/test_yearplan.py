"""Year plan (REC-6): activities per month; administrators change them, teachers read."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from schoolbrug.sis.testing import SchoolTestCase

from ..models import Activity
from .helpers import at, login

FORM = {
    "title": "Sinterklaas",
    "date_from": "2026-12-04",
    "date_until": "",
    "time_from": "08:30",
    "time_until": "12:00",
    "location": "Gymzaal",
    "description": "",
    "publish_on_portal": "on",
}


class YearPlanTests(SchoolTestCase):
    def test_administrator_adds_an_activity_for_groups(self) -> None:
        login(self.client, self.ada)
        response = self.client.post(reverse("records:activity-new"), {**FORM, "groups": [self.group3.pk]})
        self.assertRedirects(response, reverse("records:yearplan") + "?month=2026-12")
        activity = Activity.objects.get()
        self.assertEqual(
            (activity.starts_at, activity.ends_at), (at(dt.date(2026, 12, 4), 8, 30), at(dt.date(2026, 12, 4), 12))
        )
        self.assertEqual(list(activity.groups.all()), [self.group3])
        self.assertTrue(activity.publish_on_portal)

    def test_all_day_range_and_end_before_start(self) -> None:
        login(self.client, self.ada)
        self.client.post(reverse("records:activity-new"), {**FORM, "all_day": "on", "date_until": "2026-12-05"})
        activity = Activity.objects.get()
        self.assertEqual(activity.ends_at, at(dt.date(2026, 12, 6)))
        response = self.client.post(reverse("records:activity-new"), {**FORM, "time_until": "08:00"})
        self.assertIn("time_until", response.context["form"].errors)
        self.assertEqual(Activity.objects.count(), 1)

    def test_edit_and_delete(self) -> None:
        login(self.client, self.ada)
        self.client.post(reverse("records:activity-new"), FORM)
        activity = Activity.objects.get()
        edit = reverse("records:activity-edit", args=[activity.pk])
        self.assertEqual(self.client.get(edit).context["form"].initial["time_from"], dt.time(8, 30))
        self.client.post(edit, {**FORM, "title": "Sint"})
        activity.refresh_from_db()
        self.assertEqual(activity.title, "Sint")
        delete = reverse("records:activity-delete", args=[activity.pk])
        question = self.client.post(delete)  # one click asks first, naming the activity
        self.assertContains(question, "Sint · ")
        self.assertContains(question, 'name="confirm" value="yes"')
        self.assertTrue(Activity.objects.exists())
        self.assertRedirects(self.client.post(delete, {"confirm": "yes"}), reverse("records:yearplan"))
        self.assertFalse(Activity.objects.exists())

    def test_month_list_and_who_may_change(self) -> None:
        inside = Activity.objects.create(school=self.school, title="Kerst", starts_at=at(dt.date(2026, 12, 17), 17),
                                         ends_at=at(dt.date(2026, 12, 17), 19))  # fmt: skip
        Activity.objects.create(school=self.school, title="Januari", starts_at=at(dt.date(2027, 1, 5)),
                                ends_at=at(dt.date(2027, 1, 6)), all_day=True)  # fmt: skip
        foreign = Activity.objects.create(school=self.other_school, title="Elders", starts_at=at(dt.date(2026, 12, 1)),
                                          ends_at=at(dt.date(2026, 12, 2)))  # fmt: skip
        login(self.client, self.tess)
        response = self.client.get(reverse("records:yearplan"), {"month": "2026-12"})
        self.assertEqual([a.title for a in response.context["activities"]], ["Kerst"])
        self.assertFalse(response.context["can_manage"])
        for url in (reverse("records:activity-new"), reverse("records:activity-edit", args=[inside.pk])):
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(reverse("records:activity-delete", args=[inside.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("records:yearplan"), {"month": "2026-13"}).status_code, 404)
        login(self.client, self.ada)
        self.assertEqual(self.client.get(reverse("records:activity-edit", args=[foreign.pk])).status_code, 404)
        foreign_delete = reverse("records:activity-delete", args=[foreign.pk])
        self.assertEqual(self.client.post(foreign_delete, {"confirm": "yes"}).status_code, 404)
        for persona in (self.paula, self.otto):
            login(self.client, persona)
            self.assertEqual(self.client.get(reverse("records:yearplan")).status_code, 404)
        self.assertTrue(Activity.objects.filter(pk=inside.pk).exists())
