"""POR-9 / NOT-5: a guardian who chose "also notify me in the app" hears of new items for his
children, under the portal's reach rules; nobody else does."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.notifications.models import Delivery, Notification, NotificationKind
from schoolbrug.portal.models import GuardianPortalPreference
from schoolbrug.portal.modules import Module
from schoolbrug.records.models import Activity
from schoolbrug.records.services.absences import absence_record
from schoolbrug.records.services.notes import note_create
from schoolbrug.records.services.plans import support_plan_save
from schoolbrug.records.services.reports import report_lock
from schoolbrug.records.services.yearplan import activity_save
from schoolbrug.records.tests.helpers import at, make_reasons
from schoolbrug.sis.models import Group, Pupil
from schoolbrug.sis.testing import Persona, SchoolTestCase, link, make_guardian_account, make_pupil

from . import records_data as rd
from .helpers import disable_module, enable_module, set_settings

MONDAY = dt.date(2026, 11, 16)


class PortalEventTests(SchoolTestCase):
    def setUp(self) -> None:
        # Paula wants notifications; Dirk did not choose them; Gerda has no access right.
        for persona, on in ((self.paula, True), (self.dirk, False), (self.gerda, True)):
            GuardianPortalPreference.objects.create(account=persona.user, link_communication_app=on)
        self.reasons = make_reasons(self.school)

    def notified(self, persona: Persona) -> list[Notification]:
        return list(Notification.objects.filter(recipient=persona.user).order_by("id"))

    def record_absence(self, actor: Persona, day: dt.date = MONDAY) -> None:
        absence_record(
            actor=actor.user,
            pupils=[self.sam],
            starts_at=at(day),
            ends_at=at(day + dt.timedelta(days=1)),
            reason=self.reasons["sick"],
            client_key=uuid.uuid4(),
            whole_day=True,
        )

    def test_an_absence_notifies_only_the_guardian_who_chose_it_and_may_see_it(self) -> None:
        enable_module(self.school, Module.ABSENCES)
        self.record_absence(self.tess)
        (item,) = self.notified(self.paula)
        self.assertEqual(item.kind, NotificationKind.ABSENCE)
        self.assertEqual(item.title, "Absentie van Sam geregistreerd")
        self.assertEqual(item.link, reverse("portal:child-absences", args=[self.sam.pk]))
        self.assertEqual(item.pupil, self.sam)  # the digest lists it under Sam
        self.assertTrue(Delivery.objects.filter(notification=item).exists())
        self.assertEqual(self.notified(self.dirk), [])
        self.assertEqual(self.notified(self.gerda), [])  # no access right: never told
        self.assertEqual(self.notified(self.otto), [])  # another child's father

    def test_nothing_while_the_module_is_off_or_the_portal_in_maintenance(self) -> None:
        self.record_absence(self.tess)  # the absences module is off
        enable_module(self.school, Module.PLANS)
        disable_module(self.school, Module.PLANS)
        support_plan_save(actor=self.pim.user, pupil=self.sam, data={"title": "Plan", "start_date": MONDAY})
        enable_module(self.school, Module.ABSENCES)
        set_settings(self.school, maintenance_mode=True)
        self.record_absence(self.tess, MONDAY + dt.timedelta(days=7))
        self.assertEqual(self.notified(self.paula), [])

    def test_a_new_plan_notifies_once_and_editing_it_does_not(self) -> None:
        enable_module(self.school, Module.PLANS)
        plan = support_plan_save(
            actor=self.pim.user, pupil=self.sam, data={"title": "Leesplan", "start_date": dt.date(2026, 10, 1)}
        )
        support_plan_save(actor=self.pim.user, pupil=self.sam, plan=plan, data={"goals": "Vlot lezen"})
        (item,) = self.notified(self.paula)
        self.assertEqual((item.kind, item.title), (NotificationKind.PORTAL, "Nieuw plan voor Sam"))

    def test_a_plan_before_the_modules_start_date_is_not_shown_so_not_told(self) -> None:
        enable_module(self.school, Module.PLANS, start_date=dt.date(2026, 11, 1))
        support_plan_save(
            actor=self.pim.user, pupil=self.sam, data={"title": "Oud", "start_date": dt.date(2026, 10, 1)}
        )
        self.assertEqual(self.notified(self.paula), [])

    def test_a_note_notifies_only_when_its_category_is_published(self) -> None:
        enable_module(self.school, Module.NOTES)
        hidden = rd.category(self.school, published=False)
        note_create(actor=self.tess.user, pupil=self.sam, category=hidden, subject="Intern", date=MONDAY, text="x")
        self.assertEqual(self.notified(self.paula), [])
        shown = rd.category(self.school, published=True)
        note_create(actor=self.tess.user, pupil=self.sam, category=shown, subject="Lezen", date=MONDAY, text="Goed")
        (item,) = self.notified(self.paula)
        self.assertEqual(item.title, "Nieuwe notitie over Sam")

    def test_locking_a_report_notifies(self) -> None:
        enable_module(self.school, Module.REPORTS)
        report = rd.report(self.sam, self.year, "Rapport 1", locked=False)
        report_lock(actor=self.pim.user, report=report)
        (item,) = self.notified(self.paula)
        self.assertEqual(item.link, reverse("portal:child-reports", args=[self.sam.pk]))

    def test_rolled_back_with_the_item(self) -> None:
        enable_module(self.school, Module.ABSENCES)
        with self.assertRaises(RuntimeError), transaction.atomic():
            self.record_absence(self.tess)
            raise RuntimeError("the request failed after recording")
        self.assertEqual(self.notified(self.paula), [])


def save_activity(
    actor: Persona,
    title: str = "Schoolreis",
    *,
    published: bool = True,
    groups: tuple[Group, ...] = (),
    activity: Activity | None = None,
    days: int = 10,
) -> Activity:
    starts = timezone.now() + dt.timedelta(days=days)
    data = {"title": title, "starts_at": starts, "ends_at": starts + dt.timedelta(hours=3)}
    return activity_save(
        actor=actor.user, activity=activity, data={**data, "publish_on_portal": published}, groups=groups
    )


class YearPlanEventTests(SchoolTestCase):
    """POR-9: a published year-plan activity notifies the guardians the portal would show it to."""

    def setUp(self) -> None:
        # Paula and Otto want notifications; Dirk did not choose them; Gerda has no access right;
        # Lars's child has left the school.
        for persona, on in ((self.paula, True), (self.dirk, False), (self.gerda, True), (self.otto, True)):
            GuardianPortalPreference.objects.create(account=persona.user, link_communication_app=on)
        GuardianPortalPreference.objects.create(account=self.lars.user, link_communication_app=True)

    def notified(self, persona: Persona) -> list[Notification]:
        return list(Notification.objects.filter(recipient=persona.user).order_by("id"))

    def test_a_whole_school_activity_notifies_only_guardians_who_chose_it_and_may_see_it(self) -> None:
        activity = save_activity(self.ada)
        (item,) = self.notified(self.paula)
        self.assertEqual((item.kind, item.title), (NotificationKind.AGENDA, "Nieuw in de jaarplanning: Schoolreis"))
        self.assertEqual(item.link, reverse("portal:home") + "?type=activities")
        self.assertEqual(item.pupil, self.sam)
        self.assertTrue(Delivery.objects.filter(notification=item).exists())
        self.assertEqual(len(self.notified(self.otto)), 1)
        self.assertEqual(self.notified(self.dirk), [])  # did not choose notifications
        self.assertEqual(self.notified(self.gerda), [])  # no access right: never told
        self.assertEqual(self.notified(self.lars), [])  # his child left the school
        # Editing it again tells nobody a second time.
        save_activity(self.ada, "Schoolreis naar Artis", activity=activity)
        self.assertEqual(Notification.objects.filter(dedupe_key=f"activity:{activity.pk}").count(), 2)

    def test_an_activity_for_a_group_notifies_only_that_groups_guardians(self) -> None:
        save_activity(self.ada, "Voorleesochtend", groups=(self.group5,))
        self.assertEqual(self.notified(self.paula), [])  # Sam is in group 3
        (item,) = self.notified(self.otto)
        self.assertEqual(item.pupil, self.olivia)

    def test_unpublished_nothing_until_it_is_published(self) -> None:
        activity = save_activity(self.ada, published=False)
        self.assertEqual(Notification.objects.count(), 0)
        save_activity(self.ada, activity=activity)
        self.assertEqual(len(self.notified(self.paula)), 1)

    def test_nothing_in_maintenance_or_for_an_activity_already_over(self) -> None:
        save_activity(self.ada, "Gisteren", days=-2)
        set_settings(self.school, maintenance_mode=True)
        save_activity(self.ada, "Tijdens onderhoud")
        self.assertEqual(Notification.objects.count(), 0)

    def test_a_guardian_of_two_children_is_told_once(self) -> None:
        link(self.otto.record, self.sam, "stepfather")
        save_activity(self.ada)
        (item,) = self.notified(self.otto)
        self.assertIsNone(item.pupil)  # about both of his children

    def test_rolled_back_with_the_activity(self) -> None:
        with self.assertRaises(RuntimeError), transaction.atomic():
            save_activity(self.ada)
            raise RuntimeError("the request failed after saving")
        self.assertEqual(Notification.objects.count(), 0)


class PortalEventQueryCountTests(SchoolTestCase):
    def test_a_whole_school_activity_notifies_in_a_fixed_number_of_queries(self) -> None:
        def family(i: int) -> None:
            pupil = make_pupil(self.school, f"Kind{i}", "School", self.group5)
            parent = make_guardian_account(self.school, f"school{i}@test.nl", f"Ouder{i}", "School")
            link(parent.record, pupil, "mother")
            GuardianPortalPreference.objects.create(account=parent.user, link_communication_app=True)

        def publish(title: str) -> CaptureQueriesContext:
            with count_queries() as queries:
                save_activity(self.ada, title)
            return queries

        publish("Eerste")  # the actor's staff record is looked up once
        family(0)
        small = publish("Klein")
        for i in range(1, 8):
            family(i)
        large = publish("Groot")
        assert_same_query_count(small, large, "a year-plan activity with notifications")
        self.assertEqual(Notification.objects.filter(title__endswith="Groot").count(), 8)

    def test_absences_of_a_whole_group_notify_in_a_fixed_number_of_queries(self) -> None:
        enable_module(self.school, Module.ABSENCES)
        reasons = make_reasons(self.school)
        pupils = []
        for i in range(6):
            pupil = make_pupil(self.school, f"Kind{i}", "Groep", self.group3)
            parent = make_guardian_account(self.school, f"ouder{i}@test.nl", f"Ouder{i}", "Groep")
            link(parent.record, pupil, "mother")
            GuardianPortalPreference.objects.create(account=parent.user, link_communication_app=True)
            pupils.append(pupil)

        def record(group: list[Pupil], day: dt.date) -> CaptureQueriesContext:
            with count_queries() as queries:
                absence_record(
                    actor=self.tess.user,
                    pupils=group,
                    starts_at=at(day),
                    ends_at=at(day + dt.timedelta(days=1)),
                    reason=reasons["sick"],
                    client_key=uuid.uuid4(),
                    whole_day=True,
                )
            return queries

        record(pupils[:1], MONDAY - dt.timedelta(days=7))  # the actor's staff record is looked up once
        small = record(pupils[:1], MONDAY)
        large = record(pupils, MONDAY + dt.timedelta(days=7))
        assert_same_query_count(small, large, "absences with notifications")
        self.assertEqual(Notification.objects.filter(kind=NotificationKind.ABSENCE).count(), 8)
