"""Support plans (REC-3) and the school's own term for the problem statement."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.sis.testing import SchoolTestCase

from ..models import RecordsSettings, SupportPlan
from ..services.plans import support_plan_save
from .helpers import login

PLAN = {
    "title": "Leesplan",
    "start_date": "2026-11-16",
    "end_date": "",
    "problem_statement": "Leest traag",
    "goals": "AVI E3",
    "approach": "Dagelijks duo-lezen",
    "execution": "Met de onderwijsassistent",
    "evaluation": "",
}


class SupportPlanTests(SchoolTestCase):
    def make_plan(self, pupil=None) -> SupportPlan:  # type: ignore[no-untyped-def]
        import datetime as dt

        return support_plan_save(
            actor=self.pim.user, pupil=pupil or self.sam, data={"title": "Plan", "start_date": dt.date(2026, 10, 1)}
        )

    def test_teacher_writes_a_plan_with_all_parts(self) -> None:
        login(self.client, self.tess)
        response = self.client.post(reverse("records:plan-new", args=[self.sam.pk]), PLAN)
        plan = SupportPlan.objects.get()
        self.assertRedirects(response, reverse("records:plan-detail", args=[plan.pk]))
        self.assertEqual(
            (plan.problem_statement, plan.goals, plan.approach, plan.execution, plan.author_name),
            ("Leest traag", "AVI E3", "Dagelijks duo-lezen", "Met de onderwijsassistent", "Tess Leraar"),
        )
        response = self.client.post(reverse("records:plan-edit", args=[plan.pk]), {**PLAN, "evaluation": "Gehaald"})
        plan.refresh_from_db()
        self.assertEqual(plan.evaluation, "Gehaald")

    def test_end_before_start_is_refused_on_the_field(self) -> None:
        login(self.client, self.tess)
        response = self.client.post(reverse("records:plan-new", args=[self.sam.pk]), {**PLAN, "end_date": "2026-11-01"})
        self.assertIn("end_date", response.context["form"].errors)
        self.assertFalse(SupportPlan.objects.exists())

    def test_problem_statement_label_is_a_school_setting(self) -> None:
        plan = self.make_plan()
        login(self.client, self.tess)
        url = reverse("records:plan-detail", args=[plan.pk])
        self.assertContains(self.client.get(url, headers={"accept-language": "en"}), "<dt>Problem statement</dt>")
        login(self.client, self.ada)
        response = self.client.post(reverse("records:settings"), {"problem_statement_label": "Hulpvraag"})
        self.assertRedirects(response, reverse("records:settings"))
        self.assertEqual(RecordsSettings.objects.get(school=self.school).problem_statement_label, "Hulpvraag")
        self.assertTrue(AuditEvent.objects.filter(kind=AuditEvent.Kind.SETTING_CHANGED, school_id=self.school.pk))
        login(self.client, self.tess)
        self.assertContains(self.client.get(url), "<dt>Hulpvraag</dt>")
        form_page = self.client.get(reverse("records:plan-edit", args=[plan.pk]))
        self.assertEqual(form_page.context["form"].fields["problem_statement"].label, "Hulpvraag")

    def test_settings_only_for_the_administrator(self) -> None:
        for persona in (self.tess, self.pim, self.paula):
            login(self.client, persona)
            self.assertEqual(
                self.client.post(reverse("records:settings"), {"problem_statement_label": "X"}).status_code, 404
            )
        self.assertFalse(RecordsSettings.objects.exists())

    def test_service_checks_reach_and_dates(self) -> None:
        import datetime as dt

        with self.assertRaises(PermissionDenied):
            support_plan_save(
                actor=self.tess.user, pupil=self.olivia, data={"title": "x", "start_date": dt.date(2026, 11, 16)}
            )
        with self.assertRaises(ValidationError):
            support_plan_save(
                actor=self.pim.user,
                pupil=self.sam,
                data={"title": "x", "start_date": dt.date(2026, 11, 2), "end_date": dt.date(2026, 11, 1)},
            )

    def test_access_matrix(self) -> None:
        sam_plan, olivia_plan = self.make_plan(), self.make_plan(self.olivia)
        sam_urls = [
            reverse("records:pupil-plans", args=[self.sam.pk]),
            reverse("records:plan-new", args=[self.sam.pk]),
            reverse("records:plan-detail", args=[sam_plan.pk]),
            reverse("records:plan-edit", args=[sam_plan.pk]),
        ]
        olivia_urls = [
            reverse("records:pupil-plans", args=[self.olivia.pk]),
            reverse("records:plan-new", args=[self.olivia.pk]),
            reverse("records:plan-detail", args=[olivia_plan.pk]),
            reverse("records:plan-edit", args=[olivia_plan.pk]),
        ]
        login(self.client, self.tess)
        for url in sam_urls:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        for url in olivia_urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for persona in (self.wim, self.paula, self.otto):
            login(self.client, persona)
            for url in [*sam_urls, *olivia_urls]:
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))
