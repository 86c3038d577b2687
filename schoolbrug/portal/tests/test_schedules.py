"""POR-4: planned switches, applied at the start of the day in the school's time zone."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core import scheduler
from schoolbrug.portal.config import portal_for
from schoolbrug.portal.models import ModuleSchedule
from schoolbrug.portal.modules import Module
from schoolbrug.portal.services import module_schedules_apply
from schoolbrug.sis.testing import SchoolTestCase

from .helpers import enable_module

UTC = dt.UTC
# 1 February 2027, midnight in Amsterdam (CET, UTC+1) is 23:00 UTC on 31 January.
JUST_BEFORE_FEB_1 = dt.datetime(2027, 1, 31, 22, 59, tzinfo=UTC)
START_OF_FEB_1 = dt.datetime(2027, 1, 31, 23, 0, tzinfo=UTC)


class ScheduleApplyTests(SchoolTestCase):
    def plan(self, module: str, enabled: bool, starts_on: dt.date, ends_on: dt.date | None = None) -> ModuleSchedule:
        return ModuleSchedule.objects.create(
            school=self.school, module=module, enabled=enabled, starts_on=starts_on, ends_on=ends_on
        )

    def test_reports_close_at_midnight_amsterdam_and_reopen_after_the_range(self) -> None:
        enable_module(self.school, Module.REPORTS)
        self.plan(Module.REPORTS, False, dt.date(2027, 2, 1), dt.date(2027, 2, 14))

        self.assertEqual(module_schedules_apply(now=JUST_BEFORE_FEB_1), 0)
        self.assertTrue(portal_for(self.school.pk).is_on(Module.REPORTS))

        self.assertEqual(module_schedules_apply(now=START_OF_FEB_1), 1)
        self.assertFalse(portal_for(self.school.pk).is_on(Module.REPORTS))
        # Running again the same day changes nothing.
        self.assertEqual(module_schedules_apply(now=START_OF_FEB_1 + dt.timedelta(hours=3)), 0)

        last_day = dt.datetime(2027, 2, 14, 22, 59, tzinfo=UTC)  # 23:59 on 14 February in Amsterdam
        self.assertEqual(module_schedules_apply(now=last_day), 0)
        self.assertFalse(portal_for(self.school.pk).is_on(Module.REPORTS))
        self.assertEqual(module_schedules_apply(now=dt.datetime(2027, 2, 14, 23, 0, tzinfo=UTC)), 1)
        self.assertTrue(portal_for(self.school.pk).is_on(Module.REPORTS))

    def test_results_open_from_a_date_and_stay_open(self) -> None:
        self.plan(Module.STANDARDISED_TESTS, True, dt.date(2027, 2, 17))
        module_schedules_apply(now=dt.datetime(2027, 2, 16, 22, 59, tzinfo=UTC))
        self.assertFalse(portal_for(self.school.pk).is_on(Module.STANDARDISED_TESTS))
        module_schedules_apply(now=dt.datetime(2027, 2, 16, 23, 0, tzinfo=UTC))
        self.assertTrue(portal_for(self.school.pk).is_on(Module.STANDARDISED_TESTS))
        module_schedules_apply(now=dt.datetime(2027, 6, 1, 12, 0, tzinfo=UTC))
        self.assertTrue(portal_for(self.school.pk).is_on(Module.STANDARDISED_TESTS))

    def test_summer_time_midnight_and_other_time_zones(self) -> None:
        # In summer Amsterdam is UTC+2: 1 June starts at 22:00 UTC on 31 May.
        self.plan(Module.NOTES, True, dt.date(2027, 6, 1))
        module_schedules_apply(now=dt.datetime(2027, 5, 31, 21, 59, tzinfo=UTC))
        self.assertFalse(portal_for(self.school.pk).is_on(Module.NOTES))
        module_schedules_apply(now=dt.datetime(2027, 5, 31, 22, 0, tzinfo=UTC))
        self.assertTrue(portal_for(self.school.pk).is_on(Module.NOTES))
        # A school in New York starts its day six hours later than Amsterdam.
        self.other_school.time_zone = "America/New_York"
        self.other_school.save()
        ModuleSchedule.objects.create(
            school=self.other_school, module=Module.NOTES, enabled=True, starts_on=dt.date(2027, 6, 1)
        )
        module_schedules_apply(now=dt.datetime(2027, 6, 1, 3, 59, tzinfo=UTC))
        self.assertFalse(portal_for(self.other_school.pk).is_on(Module.NOTES))
        module_schedules_apply(now=dt.datetime(2027, 6, 1, 4, 0, tzinfo=UTC))
        self.assertTrue(portal_for(self.other_school.pk).is_on(Module.NOTES))

    def test_a_window_missed_entirely_changes_nothing(self) -> None:
        enable_module(self.school, Module.REPORTS)
        plan = self.plan(Module.REPORTS, False, dt.date(2027, 2, 1), dt.date(2027, 2, 14))
        module_schedules_apply(now=dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
        self.assertTrue(portal_for(self.school.pk).is_on(Module.REPORTS))
        plan.refresh_from_db()
        self.assertTrue(plan.is_finished)

    def test_the_job_is_registered_and_applies_due_plans(self) -> None:
        scheduler.autodiscover()
        job = next(j for j in scheduler.registered_jobs() if j.name == "portal.apply_module_schedules")
        self.assertLessEqual(job.every, dt.timedelta(minutes=15))
        self.plan(Module.ABSENCES, True, dt.date(2026, 11, 23))
        with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2026, 11, 22, 23, 1, tzinfo=UTC)):
            job.func()
        self.assertTrue(portal_for(self.school.pk).is_on(Module.ABSENCES))


class SchedulePageTests(SchoolTestCase):
    def test_administrator_plans_a_switch_and_sees_it_on_the_settings_page(self) -> None:
        verified_login(self.client, self.ada.user)
        data = {"module": Module.REPORTS, "enabled": "off", "starts_on": "2027-02-01", "ends_on": "2027-02-14"}
        response = self.client.post(reverse("portal:settings-schedule-add"), data)
        self.assertRedirects(response, reverse("portal:settings"))
        plan = ModuleSchedule.objects.get(school=self.school)
        self.assertEqual(
            (plan.enabled, plan.starts_on, plan.ends_on), (False, dt.date(2027, 2, 1), dt.date(2027, 2, 14))
        )
        page = self.client.get(reverse("portal:settings"))
        self.assertContains(page, f'data-testid="schedule-{plan.pk}"')
        self.client.post(reverse("portal:settings-schedule-delete", args=[plan.pk]))
        self.assertFalse(ModuleSchedule.objects.exists())

    def test_bad_dates_get_clear_errors_and_nothing_is_planned(self) -> None:
        verified_login(self.client, self.ada.user)
        en = {"accept-language": "en"}
        url = reverse("portal:settings-schedule-add")
        backwards = {"module": Module.REPORTS, "enabled": "off", "starts_on": "2027-02-14", "ends_on": "2027-02-01"}
        response = self.client.post(url, backwards, headers=en)
        self.assertEqual(response.status_code, 400)
        self.assertIn("before the start date", response.context["schedule_form"].errors["ends_on"][0])
        past = {"module": Module.REPORTS, "enabled": "on", "starts_on": "2020-01-01"}
        response = self.client.post(url, past, headers=en)
        self.assertIn("in the past", response.context["schedule_form"].errors["starts_on"][0])
        self.assertFalse(ModuleSchedule.objects.exists())

    def test_other_school_cannot_plan_or_remove(self) -> None:
        plan = ModuleSchedule.objects.create(
            school=self.school, module=Module.NOTES, enabled=True, starts_on=dt.date(2027, 1, 1)
        )
        verified_login(self.client, self.wim.user)
        self.assertEqual(self.client.post(reverse("portal:settings-schedule-delete", args=[plan.pk])).status_code, 404)
        verified_login(self.client, self.tess.user)
        self.assertEqual(self.client.post(reverse("portal:settings-schedule-delete", args=[plan.pk])).status_code, 404)
        self.assertTrue(ModuleSchedule.objects.filter(pk=plan.pk).exists())
