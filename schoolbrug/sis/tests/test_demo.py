"""The demo data (`manage.py demo`): what the demo school contains, and that loading is idempotent."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from unittest import mock

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Model
from django.test import Client, SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolbrug.accounts.models import Account
from schoolbrug.core.models import phone_validator, postcode_validator
from schoolbrug.sis.demo import DEMO_PASSWORD
from schoolbrug.sis.demo.people import split_last_name
from schoolbrug.sis.demo.planner import SchoolPlanner
from schoolbrug.sis.demo.schools import add_regenboog_families, bench_layout, regenboog_spec
from schoolbrug.sis.models import (
    Board,
    Branch,
    EmergencyContact,
    Group,
    GroupStaff,
    GroupYearLevel,
    Guardian,
    Guardianship,
    MedicalInfo,
    Placement,
    Pupil,
    School,
    SchoolYear,
    StaffMember,
    TimetableEntry,
)

DEMO_ACCOUNTS = {
    "beheer@regenboog.demo": Account.Kind.STAFF,
    "directeur@regenboog.demo": Account.Kind.STAFF,
    "leerkracht@regenboog.demo": Account.Kind.STAFF,
    "beheer@wegwijzer.demo": Account.Kind.STAFF,
    "ouder@regenboog.demo": Account.Kind.GUARDIAN,
    "ouder.a@regenboog.demo": Account.Kind.GUARDIAN,
    "ouder.b@regenboog.demo": Account.Kind.GUARDIAN,
}
ALL_MODELS: tuple[type[Model], ...] = (
    Account,
    Board,
    School,
    Branch,
    SchoolYear,
    Group,
    GroupYearLevel,
    TimetableEntry,
    StaffMember,
    GroupStaff,
    Guardian,
    Guardianship,
    Pupil,
    Placement,
    EmergencyContact,
    MedicalInfo,
)
LOWERCASE_PREFIX = re.compile(r"^(van|de|der|den|het|'t|ter|ten|te|in|op|la|le)\b")


def run_demo(**options: int) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in ALL_MODELS}


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class SplitLastNameTests(SimpleTestCase):
    def test_prefixes_are_split_off(self) -> None:
        self.assertEqual(split_last_name("van der Berg"), ("van der", "Berg"))
        self.assertEqual(split_last_name("de Vries"), ("de", "Vries"))
        self.assertEqual(split_last_name("van 't Riet"), ("van 't", "Riet"))
        self.assertEqual(split_last_name("Jansen"), ("", "Jansen"))
        self.assertEqual(split_last_name("Goyaerts van Waderle"), ("", "Goyaerts van Waderle"))

    def test_plan_is_deterministic(self) -> None:
        from faker import Faker

        def names() -> list[str]:
            planner = SchoolPlanner(regenboog_spec(Board(name="Bestuur")), fake=Faker("nl_NL"))
            add_regenboog_families(planner)
            return [pupil.full_name for pupil in planner.finish().pupils]

        self.assertEqual(names(), names())

    def test_small_schools_get_mixed_groups(self) -> None:
        layout = bench_layout({level: 4 for level in range(1, 9)})
        self.assertEqual([group.levels for group in layout], [(1, 2), (3, 4), (5, 6), (7, 8)])
        layout = bench_layout({level: 31 for level in range(1, 9)})
        self.assertEqual(len(layout), 8)
        self.assertEqual(layout[0].name, "Groep 1/2a")


class DemoSchoolTests(TestCase):
    output: str
    school: School
    current: SchoolYear
    previous: SchoolYear

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = run_demo()
        cls.school = School.objects.get(external_key="demo-regenboog")
        cls.current = cls.school.years.get(is_current=True)
        cls.previous = cls.school.years.get(name="2025-2026")

    def guardian_of(self, email: str) -> Guardian:
        return Guardian.objects.get(account__email=email, account__kind=Account.Kind.GUARDIAN)

    def current_group(self, pupil: Pupil) -> Group:
        return Placement.objects.get(pupil=pupil, year=self.current).group

    def test_output_names_the_schools_and_accounts(self) -> None:
        self.assertIn("OBS De Regenboog", self.output)
        self.assertIn("ouder@regenboog.demo", self.output)

    def test_board_schools_and_years(self) -> None:
        wegwijzer = School.objects.get(external_key="demo-wegwijzer")
        self.assertEqual(wegwijzer.board, self.school.board)
        self.assertIn("Deventer", self.school.board.name)
        self.assertEqual((self.school.name, self.school.city), ("OBS De Regenboog", "Deventer"))
        self.assertTrue(self.school.email and self.school.website and self.school.phone)
        self.assertEqual(self.school.branches.count(), 1)
        self.assertEqual(
            (self.current.name, self.current.start_date, self.current.end_date),
            ("2026-2027", dt.date(2026, 9, 1), dt.date(2027, 7, 16)),
        )
        self.assertFalse(self.previous.is_current)
        self.assertTrue(20 <= Pupil.objects.filter(school=wegwijzer, status=Pupil.Status.ENROLLED).count() <= 60)

    def test_groups_with_levels_timetables_and_teachers(self) -> None:
        for year in (self.current, self.previous):
            groups = Group.objects.filter(year=year).annotate(levels=Count("year_levels", distinct=True))
            self.assertGreaterEqual(groups.count(), 8)
            self.assertTrue(any(group.levels >= 2 for group in groups))
            for group in groups:
                self.assertTrue(group.classroom)
                weekdays = set(group.timetable.values_list("weekday", flat=True))
                self.assertEqual(weekdays, {1, 2, 3, 4, 5})
                self.assertTrue(group.staff_links.filter(is_teacher=True).exists(), group)

    def test_pupils_are_placed_in_both_years(self) -> None:
        enrolled = Pupil.objects.filter(school=self.school, status=Pupil.Status.ENROLLED)
        self.assertTrue(180 <= enrolled.count() <= 230)
        placed = Placement.objects.filter(year=self.current, pupil__in=enrolled)
        self.assertEqual(placed.count(), enrolled.count())
        self.assertFalse(Placement.objects.exclude(year=F("group__year")).exists())
        self.assertFalse(Placement.objects.exclude(group__school=F("pupil__school")).exists())
        # School career: the current group 4 came from last year's group 3.
        group_4 = Group.objects.get(year=self.current, name="Groep 4")
        came_from = Placement.objects.filter(year=self.previous, pupil__placements__group=group_4)
        self.assertGreater(came_from.count(), 15)
        self.assertEqual(set(came_from.values_list("group__name", flat=True)), {"Groep 3"})

    def test_birth_dates_fit_the_year_level(self) -> None:
        start = self.current.start_date
        for placement in Placement.objects.filter(year=self.current).select_related("pupil", "group"):
            levels = list(placement.group.year_levels.values_list("level", flat=True))
            age = age_on(placement.pupil.birth_date, start)
            self.assertTrue(min(levels) + 3 <= age <= max(levels) + 3, (placement.pupil, levels, age))

    def test_names_addresses_and_phones_are_valid(self) -> None:
        pupils = list(Pupil.objects.filter(school=self.school))
        guardians = list(Guardian.objects.filter(school=self.school))
        people: list[Pupil | Guardian | StaffMember] = [
            *pupils,
            *guardians,
            *StaffMember.objects.filter(school=self.school),
        ]
        for person in people:
            self.assertFalse(LOWERCASE_PREFIX.match(person.last_name), person.last_name)
            self.assertTrue(person.last_name[0].isupper(), person.last_name)
        self.assertTrue(any(person.prefix for person in pupils))
        addressed: list[Pupil | Guardian | School | Branch] = [*pupils, *guardians, self.school]
        for addressed_record in [*addressed, *self.school.branches.all()]:
            postcode_validator(addressed_record.postcode)
            self.assertEqual(addressed_record.city, "Deventer")
        for guardian in guardians:
            for phone in (guardian.phone_mobile, guardian.phone_home, guardian.phone_work, guardian.gp_phone):
                if phone:
                    phone_validator(phone)
            if guardian.account_id is None and guardian.email:
                self.assertTrue(guardian.email.endswith("@ouders.example"), guardian.email)
        for contact in EmergencyContact.objects.filter(pupil__school=self.school):
            phone_validator(contact.phone)
        # The model's own validation, without the per-row uniqueness queries.
        staff = StaffMember.objects.filter(school=self.school)
        contacts = EmergencyContact.objects.filter(pupil__school=self.school)
        for record in (*pupils, *guardians, *staff, *contacts, self.school, *self.school.branches.all()):
            try:
                record.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:  # pragma: no cover - shows which record failed
                self.fail(f"{record}: {error}")

    def test_variety(self) -> None:
        pupils = Pupil.objects.filter(school=self.school)
        self.assertTrue(pupils.filter(address_secret=True).exists())
        self.assertTrue(pupils.exclude(remark="").exists())
        self.assertGreater(MedicalInfo.objects.filter(pupil__school=self.school).count(), 10)
        with_contacts = pupils.filter(status=Pupil.Status.ENROLLED, emergency_contacts__isnull=False).distinct()
        self.assertGreater(with_contacts.count(), 0.7 * pupils.filter(status=Pupil.Status.ENROLLED).count())
        guardians = Guardian.objects.filter(school=self.school)
        self.assertTrue(guardians.exclude(birth_country="Nederland").exclude(birth_country="").exists())
        self.assertTrue(guardians.exclude(education_level="").exists())
        self.assertTrue(StaffMember.objects.filter(school=self.school, email__endswith="@regenboog.demo").exists())

    def test_siblings_share_guardians_and_address(self) -> None:
        families = Guardian.objects.filter(school=self.school).annotate(
            children=Count("guardianships__pupil", distinct=True)
        )
        parent = families.filter(children__gte=2).exclude(account__isnull=False).first()
        assert parent is not None
        children = [g.pupil for g in parent.guardianships.select_related("pupil")]
        self.assertEqual(len({(child.street, child.house_number, child.postcode) for child in children}), 1)
        self.assertEqual(len({child.birth_date for child in children}), len(children))
        groups = Group.objects.filter(placements__pupil__in=children, year=self.current)
        self.assertGreaterEqual(groups.distinct().count(), 1)

    def test_guardian_account_with_two_children_in_different_groups(self) -> None:
        mother = self.guardian_of("ouder@regenboog.demo")
        links = mother.guardianships.filter(portal_access=True, pupil__status=Pupil.Status.ENROLLED)
        self.assertEqual(links.count(), 2)
        groups = {self.current_group(link.pupil) for link in links}
        self.assertEqual(len(groups), 2)
        assert mother.account is not None
        self.assertEqual(mother.account.get_full_name(), "Sanne de Vries")

        teacher = StaffMember.objects.get(account__email="leerkracht@regenboog.demo")
        self.assertEqual((teacher.position, teacher.group_authorisation), (StaffMember.Position.TEACHER, True))
        taught = set(Group.objects.filter(staff_links__staff_member=teacher, staff_links__is_teacher=True))
        self.assertTrue(groups & taught)

    def test_grandparent_without_access(self) -> None:
        link = Guardianship.objects.get(pupil__school=self.school, relation="grandparent", pupil__first_name="Lieke")
        self.assertFalse(link.portal_access)
        self.assertFalse(link.has_custody)
        self.assertTrue(link.portal_access_reason)
        self.assertIsNone(link.guardian.account)

    def test_divorced_family_in_two_households(self) -> None:
        parent_a = self.guardian_of("ouder.a@regenboog.demo")
        parent_b = self.guardian_of("ouder.b@regenboog.demo")
        shared = set(parent_a.guardianships.values_list("pupil", flat=True)) & set(
            parent_b.guardianships.values_list("pupil", flat=True)
        )
        self.assertTrue(shared)
        self.assertNotEqual(parent_a.address_line + parent_a.postcode, parent_b.address_line + parent_b.postcode)
        self.assertNotEqual(parent_a.phone_mobile, parent_b.phone_mobile)
        self.assertNotEqual(parent_a.email, parent_b.email)
        self.assertFalse(Guardianship.objects.filter(guardian__in=[parent_a, parent_b], portal_access=False).exists())

    def test_about_pages_show_the_grandmother_and_hide_only_the_other_parents_number(self) -> None:
        mother = self.guardian_of("ouder@regenboog.demo")
        lieke = mother.guardianships.get(pupil__first_name="Lieke").pupil
        client = Client()
        assert mother.account is not None
        client.force_login(mother.account)
        page = client.get(reverse("portal:child-about", args=[lieke.pk]))
        grandmother = lieke.emergency_contacts.get(relation="grootmoeder")
        self.assertContains(page, f"Oma Ria de Vries (grootmoeder): {grandmother.phone}")
        self.assertNotContains(page, "No emergency numbers known")

        parent_a = self.guardian_of("ouder.a@regenboog.demo")
        parent_b = self.guardian_of("ouder.b@regenboog.demo")
        for viewer, other in ((parent_a, parent_b), (parent_b, parent_a)):
            assert viewer.account is not None
            client.force_login(viewer.account)
            for link in viewer.guardianships.select_related("pupil"):
                page = client.get(reverse("portal:child-about", args=[link.pupil.pk]))
                self.assertContains(page, f"{viewer.full_name} ({'vader' if viewer == parent_a else 'moeder'}): ")
                self.assertNotContains(page, other.full_name)
                self.assertNotContains(page, other.phone_mobile)
                self.assertNotRegex(page.content.decode(), r"\((vader|moeder)\) \((vader|moeder)\)")

    def test_left_and_not_yet_pupils(self) -> None:
        left = Pupil.objects.filter(school=self.school, status=Pupil.Status.LEFT, left_on__isnull=False)
        moved = left.get(remark__startswith="Verhuisd")
        self.assertFalse(moved.placements.filter(year=self.current).exists())
        self.assertTrue(moved.placements.filter(year=self.previous).exists())
        not_yet = Pupil.objects.filter(school=self.school, status=Pupil.Status.NOT_YET)
        self.assertTrue(1 <= not_yet.count() <= 3)
        self.assertFalse(Placement.objects.filter(pupil__in=not_yet).exists())

    def test_staff_roles(self) -> None:
        admin = StaffMember.objects.get(account__email="beheer@regenboog.demo")
        self.assertTrue(admin.is_application_admin and admin.is_communication_admin)
        self.assertFalse(admin.group_authorisation)
        self.assertEqual(admin.position, StaffMember.Position.ADMINISTRATION)

        principal = StaffMember.objects.get(account__email="directeur@regenboog.demo")
        self.assertEqual((principal.position, principal.group_authorisation), ("principal", False))
        followed = set(principal.group_links.filter(is_teacher=False).values_list("group", flat=True))
        self.assertEqual(followed, set(Group.objects.filter(year=self.current).values_list("pk", flat=True)))

        other = StaffMember.objects.get(account__email="beheer@wegwijzer.demo")
        self.assertEqual(other.school.external_key, "demo-wegwijzer")
        self.assertTrue(other.is_application_admin)

    def test_every_demo_account_logs_in_with_the_demo_password(self) -> None:
        accounts = Account.objects.filter(email__in=DEMO_ACCOUNTS)
        self.assertEqual({(a.email, a.kind) for a in accounts}, set(DEMO_ACCOUNTS.items()))
        for account in accounts:
            self.assertTrue(account.check_password(DEMO_PASSWORD), account.email)
            self.assertTrue(account.first_name and account.last_name, account.email)
        # The only logins are the demo accounts; the guardian accounts that give the demo its app
        # reach (guardian_accounts.demo) have no usable password.
        self.assertEqual(sum(1 for a in Account.objects.all() if a.has_usable_password()), len(DEMO_ACCOUNTS))
        self.assertTrue(check_password(DEMO_PASSWORD, accounts[0].password))
        # One hash for all: the builder hashes the password once per run.
        self.assertEqual(len(set(accounts.values_list("password", flat=True))), 1)


class IdempotencyTests(TestCase):
    def test_second_run_changes_nothing(self) -> None:
        run_demo()
        before = row_counts()
        passwords = dict(Account.objects.values_list("email", "password"))
        last_change = Pupil.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()

        with (
            mock.patch("schoolbrug.sis.demo.builder.make_password", side_effect=AssertionError("re-hashed")),
            CaptureQueriesContext(connection) as queries,
        ):
            output = run_demo()

        self.assertIn("already loaded", output)
        self.assertEqual(row_counts(), before)
        self.assertEqual(dict(Account.objects.values_list("email", "password")), passwords)
        self.assertEqual(
            Pupil.objects.order_by("-updated_at").values_list("updated_at", flat=True).first(), last_change
        )
        self.assertLessEqual(len(queries), 2)

    def test_existing_accounts_are_reused(self) -> None:
        Account.objects.create_account(
            kind=Account.Kind.GUARDIAN, email="ouder@regenboog.demo", password="Eigen-1234-x"
        )
        run_demo()
        account = Account.objects.get(email="ouder@regenboog.demo")
        self.assertTrue(account.check_password("Eigen-1234-x"))
        self.assertEqual(account.guardian_records.count(), 1)


class SizeOptionTests(TestCase):
    def test_extra_schools_are_built_once(self) -> None:
        output = run_demo(schools=2, pupils_per_school=30)
        self.assertIn("bench-2", output)
        bench = School.objects.filter(external_key__startswith="bench-")
        self.assertEqual(set(bench.values_list("external_key", flat=True)), {"bench-1", "bench-2"})
        for school in bench:
            enrolled = school.pupils.filter(status=Pupil.Status.ENROLLED)
            self.assertEqual(enrolled.count(), 30)
            current = school.years.get(is_current=True)
            self.assertEqual(Placement.objects.filter(year=current).count(), 30)
            self.assertTrue(Placement.objects.filter(year__school=school, year__is_current=False).exists())
            self.assertTrue(school.guardians.exists())
            self.assertTrue(school.groups.filter(year=current).exists())
            self.assertFalse(Guardian.objects.filter(school=school, account__isnull=False).exists())
        self.assertFalse(Placement.objects.exclude(year=F("group__year")).exists())
        accounts = Account.objects.count()

        before = row_counts()
        self.assertIn("already loaded", run_demo(schools=2, pupils_per_school=30))
        self.assertEqual(row_counts(), before)

        run_demo(schools=3, pupils_per_school=30)
        self.assertEqual(School.objects.filter(external_key__startswith="bench-").count(), 3)
        self.assertEqual(Pupil.objects.filter(school__external_key="bench-1").count(), 30)
        self.assertEqual(Account.objects.count(), accounts)

    def test_invalid_sizes_are_refused(self) -> None:
        with self.assertRaises(CommandError):
            run_demo(schools=-1)
        with self.assertRaises(CommandError):
            run_demo(schools=1, pupils_per_school=0)
