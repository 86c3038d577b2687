"""Set-up pages of the application administrator: school data, branches, school years, groups,
timetables and staff members. Access, writes, bad input, and query counts at two sizes."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.models import Branch, Group, GroupStaff, School, SchoolYear, StaffMember, TimetableEntry
from schoolbrug.sis.setup.years import next_year_proposal
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase, make_group, make_pupil, make_staff_account
from schoolbrug.sis.tests.test_invitations import NEW_PASSWORD, link_in


class SetupTestCase(SchoolTestCase):
    branch: Branch
    lesson: TimetableEntry
    other_branch: Branch
    other_lesson: TimetableEntry

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.branch = Branch.objects.create(school=cls.school, name="Dependance Oost")
        cls.lesson = TimetableEntry.objects.create(
            group=cls.group3, weekday=1, start_time=dt.time(8, 30), end_time=dt.time(10), subject="Rekenen"
        )
        cls.other_branch = Branch.objects.create(school=cls.other_school, name="Elders Noord")
        cls.other_lesson = TimetableEntry.objects.create(
            group=cls.other_group, weekday=2, start_time=dt.time(9), end_time=dt.time(10), subject="Taal"
        )

    def login_ada(self) -> None:
        verified_login(self.client, self.ada.user)

    def own_pages(self) -> list[str]:
        return [
            reverse("staff:setup-school"),
            reverse("staff:setup-branch-new"),
            reverse("staff:setup-years"),
            reverse("staff:setup-year-next"),
            reverse("staff:setup-groups"),
            reverse("staff:setup-group-new"),
            reverse("staff:setup-staff"),
            reverse("staff:setup-staff-new"),
            *self.object_pages(),
        ]

    def object_pages(self) -> list[str]:
        """Pages of objects of the persona school: another school's administrator gets 404 too."""
        return [
            reverse("staff:setup-branch", args=[self.branch.pk]),
            reverse("staff:setup-year", args=[self.year.pk]),
            f"{reverse('staff:setup-groups')}?year={self.previous_year.pk}",
            f"{reverse('staff:setup-group-new')}?year={self.previous_year.pk}",
            reverse("staff:setup-group", args=[self.group3.pk]),
            reverse("staff:setup-timetable", args=[self.group3.pk]),
            reverse("staff:setup-timetable-entry", args=[self.group3.pk, self.lesson.pk]),
            reverse("staff:setup-timetable-entry-remove", args=[self.group3.pk, self.lesson.pk]),
            reverse("staff:setup-staff-member", args=[self.tess.record.pk]),
            reverse("staff:setup-staff-deactivate", args=[self.tess.record.pk]),
        ]


class AccessTests(SetupTestCase):
    def test_the_administrator_opens_every_page_from_the_admin_menu(self) -> None:
        self.login_ada()
        response = self.client.get(reverse("staff:overview"))
        self.assertContains(response, reverse("staff:setup-school"))
        for url in self.own_pages():
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_another_schools_admin_sees_only_his_own_school_in_the_lists(self) -> None:
        verified_login(self.client, self.wim.user)
        self.assertContains(self.client.get(reverse("staff:setup-school")), "CBS Elders")
        staff = self.client.get(reverse("staff:setup-staff")).context["members"]
        self.assertEqual(staff, [self.wim.record])
        groups = self.client.get(reverse("staff:setup-groups")).context["groups"]
        self.assertEqual(groups, [self.other_group])

    def test_teacher_principal_guardian_and_another_schools_admin_get_404(self) -> None:
        for persona in (self.tess, self.pim, self.paula, self.wim):
            client = Client()
            if persona is self.wim:
                verified_login(client, persona.user)
            else:
                client.force_login(persona.user)
            pages = self.object_pages() if persona is self.wim else self.own_pages()
            for url in pages:
                self.assertEqual(client.get(url).status_code, 404, f"{persona.account.email} {url}")
            posts = [
                reverse("staff:setup-staff-invite", args=[self.tess.record.pk]),
                reverse("staff:setup-staff-reactivate", args=[self.tess.record.pk]),
                reverse("staff:setup-staff-deactivate", args=[self.tess.record.pk]),
                reverse("staff:setup-timetable-entry-remove", args=[self.group3.pk, self.lesson.pk]),
            ]
            if persona is not self.wim:
                posts.append(reverse("staff:setup-year-next"))
            for url in posts:
                self.assertEqual(
                    client.post(url, {"confirm": "yes"}).status_code, 404, f"{persona.account.email} {url}"
                )
        self.assertTrue(StaffMember.objects.get(pk=self.tess.record.pk).is_active)
        self.assertTrue(TimetableEntry.objects.filter(pk=self.lesson.pk).exists())
        self.assertEqual(SchoolYear.objects.filter(school=self.school).count(), 2)
        self.assertEqual(mail.outbox, [])

    def test_the_other_schools_objects_do_not_exist_for_the_administrator(self) -> None:
        self.login_ada()
        wim_staff = self.wim.record
        for url in (
            reverse("staff:setup-branch", args=[self.other_branch.pk]),
            reverse("staff:setup-year", args=[self.other_year.pk]),
            f"{reverse('staff:setup-groups')}?year={self.other_year.pk}",
            f"{reverse('staff:setup-group-new')}?year={self.other_year.pk}",
            reverse("staff:setup-group", args=[self.other_group.pk]),
            reverse("staff:setup-timetable", args=[self.other_group.pk]),
            reverse("staff:setup-timetable-entry", args=[self.other_group.pk, self.other_lesson.pk]),
            reverse("staff:setup-timetable-entry", args=[self.group3.pk, self.other_lesson.pk]),
            reverse("staff:setup-staff-member", args=[wim_staff.pk]),
            reverse("staff:setup-staff-deactivate", args=[wim_staff.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.post(reverse("staff:setup-staff-invite", args=[wim_staff.pk])).status_code, 404)
        response = self.client.post(reverse("staff:setup-staff-deactivate", args=[wim_staff.pk]), {"confirm": "yes"})
        self.assertEqual(response.status_code, 404)
        self.assertTrue(StaffMember.objects.get(pk=wim_staff.pk).is_active)

    def test_an_administrator_without_second_factor_is_sent_to_set_it_up(self) -> None:
        self.client.force_login(self.ada.user)
        response = self.client.get(reverse("staff:setup-staff"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:two-factor-setup")))


class SchoolDataTests(SetupTestCase):
    def test_saves_address_contact_brin_branch_code_and_time_zone(self) -> None:
        self.login_ada()
        data = {
            "name": "OBS Testschool",
            "street": "Brink",
            "house_number": "12",
            "postcode": "7411bs",
            "city": "Deventer",
            "phone": "0570 123456",
            "email": "info@testschool.nl",
            "website": "https://testschool.nl",
            "brin": "12ab",
            "branch_code": "01",
            "time_zone": "Europe/Brussels",
        }
        response = self.client.post(reverse("staff:setup-school"), data)
        self.assertRedirects(response, reverse("staff:setup-school"))
        school = School.objects.get(pk=self.school.pk)
        self.assertEqual(
            (school.postcode, school.brin, school.branch_code, school.time_zone, school.website),
            ("7411 BS", "12AB", "01", "Europe/Brussels", "https://testschool.nl"),
        )
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.SETTING_CHANGED)
        self.assertEqual(event.data["setup"], "school")
        self.assertIn("brin", event.data["setup_fields"])

    def test_bad_input_gets_translated_errors_and_saves_nothing(self) -> None:
        self.login_ada()
        data = {"name": "", "brin": "ABCD", "branch_code": "A", "time_zone": "Europe/Atlantis", "email": "x"}
        response = self.client.post(reverse("staff:setup-school"), data, headers={"accept-language": "nl"})
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"name", "brin", "branch_code", "time_zone", "email"})
        self.assertContains(response, "Een BRIN-code bestaat uit twee cijfers")
        self.assertEqual(School.objects.get(pk=self.school.pk).name, "OBS Testschool")

    def test_the_list_offers_canonical_zones_and_keeps_the_schools_own(self) -> None:
        School.objects.filter(pk=self.school.pk).update(time_zone="UTC")
        self.login_ada()
        form = self.client.get(reverse("staff:setup-school")).context["form"]
        values = [value for value, _label in form.fields["time_zone"].choices]
        self.assertEqual(values[0], "UTC")
        self.assertIn("Europe/Amsterdam", values)
        self.assertNotIn("US/Eastern", values)
        data = {"name": "OBS Testschool", "time_zone": "UTC"}
        self.assertRedirects(self.client.post(reverse("staff:setup-school"), data), reverse("staff:setup-school"))

    def test_branches_are_added_and_edited(self) -> None:
        self.login_ada()
        response = self.client.post(
            reverse("staff:setup-branch-new"), {"name": "Dependance West", "postcode": "7411ab"}
        )
        self.assertRedirects(response, reverse("staff:setup-school"))
        branch = Branch.objects.get(name="Dependance West")
        self.assertEqual((branch.school, branch.postcode), (self.school, "7411 AB"))
        self.client.post(reverse("staff:setup-branch", args=[branch.pk]), {"name": "Dependance Zuid"})
        branch.refresh_from_db()
        self.assertEqual(branch.name, "Dependance Zuid")
        self.assertContains(self.client.get(reverse("staff:setup-school")), "Dependance Zuid")

    def test_school_page_query_count_does_not_grow_with_branches(self) -> None:
        self.login_ada()
        url = reverse("staff:setup-school")
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        Branch.objects.bulk_create(Branch(school=self.school, name=f"Vestiging {i}") for i in range(15))
        with count_queries() as large:
            response = self.client.get(url)
        self.assertEqual(len(response.context["branches"]), 16)
        assert_same_query_count(small, large, "school page")


class SchoolYearTests(SetupTestCase):
    def test_next_year_keeps_the_weekdays_and_continues_the_name(self) -> None:
        name, start, end = next_year_proposal(self.year)  # 2026-09-01 (Tue) to 2027-07-16 (Fri)
        self.assertEqual(name, "2027-2028")
        self.assertEqual((start, end), (dt.date(2027, 8, 31), dt.date(2028, 7, 14)))
        self.assertEqual((start.weekday(), end.weekday()), (self.year.start_date.weekday(), 4))

    def test_create_next_year_asks_first_then_creates_it_once(self) -> None:
        self.login_ada()
        url = reverse("staff:setup-year-next")
        response = self.client.post(url, {})
        self.assertContains(response, "2027-2028")
        self.assertFalse(SchoolYear.objects.filter(name="2027-2028").exists())
        self.client.post(url, {"confirm": "yes"})
        year = SchoolYear.objects.get(school=self.school, name="2027-2028")
        self.assertFalse(year.is_current)
        response = self.client.post(url, {"confirm": "yes"}, follow=True)
        # The newest year now is 2027-2028, so the next proposal is 2028-2029.
        self.assertTrue(SchoolYear.objects.filter(school=self.school, name="2028-2029").exists())
        self.assertEqual(response.status_code, 200)

    def test_making_a_year_current_lets_go_of_the_old_one(self) -> None:
        self.login_ada()
        data = {"name": "2025-2026", "start_date": "2025-09-01", "end_date": "2026-07-17", "is_current": "on"}
        response = self.client.post(reverse("staff:setup-year", args=[self.previous_year.pk]), data)
        self.assertRedirects(response, reverse("staff:setup-years"))
        current = SchoolYear.objects.filter(school=self.school, is_current=True)
        self.assertEqual(list(current), [self.previous_year])
        # The other school's current year is untouched.
        self.assertTrue(SchoolYear.objects.get(pk=self.other_year.pk).is_current)

    def test_the_current_year_cannot_simply_be_switched_off(self) -> None:
        self.login_ada()
        data = {"name": "2026-2027", "start_date": "2026-09-01", "end_date": "2027-07-16"}
        response = self.client.post(reverse("staff:setup-year", args=[self.year.pk]), data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].non_field_errors())
        self.assertTrue(SchoolYear.objects.get(pk=self.year.pk).is_current)

    def test_last_day_before_first_day_is_refused(self) -> None:
        self.login_ada()
        data = {"name": "2026-2027", "start_date": "2026-09-01", "end_date": "2026-08-01", "is_current": "on"}
        response = self.client.post(reverse("staff:setup-year", args=[self.year.pk]), data)
        self.assertIn("end_date", response.context["form"].errors)

    def test_year_list_query_count_does_not_grow(self) -> None:
        self.login_ada()
        url = reverse("staff:setup-years")
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        for i in range(10):
            SchoolYear.objects.create(
                school=self.school, name=f"{2000 + i}-{2001 + i}", start_date=dt.date(2000 + i, 9, 1),
                end_date=dt.date(2001 + i, 7, 1),
            )  # fmt: skip
        with count_queries() as large:
            response = self.client.get(url)
        self.assertEqual(len(response.context["years"]), 12)
        assert_same_query_count(small, large, "school years")


class GroupTests(SetupTestCase):
    def test_a_mixed_group_gets_its_year_levels_and_classroom(self) -> None:
        self.login_ada()
        url = f"{reverse('staff:setup-group-new')}?year={self.year.pk}"
        response = self.client.post(url, {"name": "Groep 3/4", "classroom": "Lokaal 7", "levels": ["3", "4"]})
        self.assertRedirects(response, f"{reverse('staff:setup-groups')}?year={self.year.pk}")
        group = Group.objects.get(year=self.year, name="Groep 3/4")
        self.assertEqual((group.school, group.classroom, group.year_level_label), (self.school, "Lokaal 7", "3/4"))
        edit = reverse("staff:setup-group", args=[group.pk])
        self.client.post(edit, {"name": "Groep 3/4", "classroom": "Lokaal 7", "levels": ["4"]})
        self.assertEqual(Group.objects.get(pk=group.pk).year_level_label, "4")

    def test_same_name_in_the_same_year_and_no_level_are_refused(self) -> None:
        self.login_ada()
        url = f"{reverse('staff:setup-group-new')}?year={self.year.pk}"
        response = self.client.post(url, {"name": "groep 3", "levels": []})
        self.assertEqual(set(response.context["form"].errors), {"name", "levels"})
        # The same name in another year is fine.
        url = f"{reverse('staff:setup-group-new')}?year={self.previous_year.pk}"
        self.client.post(url, {"name": "Groep 3", "levels": ["3"]})
        self.assertTrue(Group.objects.filter(year=self.previous_year, name="Groep 3").exists())

    def test_group_list_query_count_does_not_grow(self) -> None:
        self.login_ada()
        url = reverse("staff:setup-groups")
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        for i in range(15):
            group = make_group(self.school, self.year, f"Groep X{i}", 1, 2)
            GroupStaff.objects.create(group=group, staff_member=self.pim.record)
            make_pupil(self.school, f"Kind{i}", "Test", group)
        with count_queries() as large:
            response = self.client.get(url)
        self.assertEqual(len(response.context["groups"]), 17)
        assert_same_query_count(small, large, "set-up groups")


class TimetableTests(SetupTestCase):
    def test_lessons_are_added_edited_and_removed_after_confirmation(self) -> None:
        self.login_ada()
        url = reverse("staff:setup-timetable", args=[self.group3.pk])
        response = self.client.post(url, {"weekday": "3", "start_time": "10:15", "end_time": "11:00", "subject": "Gym"})
        self.assertRedirects(response, url)
        lesson = TimetableEntry.objects.get(group=self.group3, subject="Gym")
        self.assertEqual((lesson.weekday, lesson.start_time), (3, dt.time(10, 15)))
        edit = reverse("staff:setup-timetable-entry", args=[self.group3.pk, lesson.pk])
        self.client.post(edit, {"weekday": "4", "start_time": "10:15", "end_time": "11:00", "subject": "Gym"})
        self.assertEqual(TimetableEntry.objects.get(pk=lesson.pk).weekday, 4)
        remove = reverse("staff:setup-timetable-entry-remove", args=[self.group3.pk, lesson.pk])
        self.client.post(remove, {})
        self.assertTrue(TimetableEntry.objects.filter(pk=lesson.pk).exists())
        self.client.post(remove, {"confirm": "yes"})
        self.assertFalse(TimetableEntry.objects.filter(pk=lesson.pk).exists())

    def test_a_lesson_ending_before_it_starts_is_refused(self) -> None:
        self.login_ada()
        url = reverse("staff:setup-timetable", args=[self.group3.pk])
        data = {"weekday": "3", "start_time": "11:00", "end_time": "10:00", "subject": "Gym"}
        response = self.client.post(url, data)
        self.assertIn("end_time", response.context["form"].errors)
        self.assertFalse(TimetableEntry.objects.filter(subject="Gym").exists())

    def test_timetable_query_count_does_not_grow(self) -> None:
        self.login_ada()
        url = reverse("staff:setup-timetable", args=[self.group3.pk])
        with count_queries() as small:
            self.client.get(url)
        TimetableEntry.objects.bulk_create(
            TimetableEntry(
                group=self.group3,
                weekday=1 + i % 5,
                start_time=dt.time(8 + i // 5),
                end_time=dt.time(9 + i // 5),
                subject=f"Vak {i}",
            )
            for i in range(20)
        )
        with count_queries() as large:
            response = self.client.get(url)
        self.assertEqual(len(response.context["entries"]), 21)
        assert_same_query_count(small, large, "timetable")


class StaffMemberTests(SetupTestCase):
    def staff_data(self, **fields: object) -> dict[str, object]:
        data: dict[str, object] = {
            "first_name": "Bram",
            "prefix": "van",
            "last_name": "Dijk",
            "email": "Bram@Test.nl",
            "position": "teacher",
            "group_authorisation": "on",
            "groups_this_year": [self.group5.pk],
            "send_invitation": "on",
        }
        data.update(fields)
        return data

    def test_a_new_staff_member_is_invited_activates_and_sees_his_group(self) -> None:
        self.login_ada()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("staff:setup-staff-new"), self.staff_data())
        self.assertRedirects(response, reverse("staff:setup-staff"))
        bram = StaffMember.objects.get(school=self.school, last_name="Dijk")
        self.assertEqual(list(bram.groups.all()), [self.group5])
        assert bram.account is not None
        self.assertEqual((bram.account.kind, bram.account.email), (Account.Kind.STAFF, "bram@test.nl"))
        [message] = mail.outbox
        self.assertEqual(message.to, ["bram@test.nl"])
        self.assertNotIn("tweestapsverificatie", message.body)  # not an administrator
        url, _token = link_in(message)
        path = "/" + url.split("://", 1)[1].split("/", 1)[1]
        teacher = Client()
        teacher.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        teacher.post(reverse("accounts:login"), {"username": "bram@test.nl", "password": NEW_PASSWORD})
        self.assertEqual(teacher.session[SESSION_KEY], str(bram.account_id))
        self.assertEqual(teacher.get(reverse("staff:group", args=[self.group5.pk])).status_code, 200)
        self.assertEqual(teacher.get(reverse("staff:group", args=[self.group3.pk])).status_code, 404)

    def test_edit_changes_roles_and_groups_of_this_year_only(self) -> None:
        self.login_ada()
        old = GroupStaff.objects.create(group=self.old_group2, staff_member=self.tess.record)
        url = reverse("staff:setup-staff-member", args=[self.tess.record.pk])
        data = self.staff_data(
            first_name="Tess", prefix="", last_name="Leraar", email="tess@test.nl", groups_this_year=[self.group5.pk],
            is_communication_admin="on",
        )  # fmt: skip
        del data["send_invitation"]
        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("staff:setup-staff"))
        tess = StaffMember.objects.get(pk=self.tess.record.pk)
        self.assertTrue(tess.is_communication_admin)
        self.assertEqual(set(tess.group_links.values_list("group_id", flat=True)), {self.group5.pk, old.group_id})
        self.assertEqual(mail.outbox, [])

    def test_an_address_of_another_staff_member_is_refused(self) -> None:
        self.login_ada()
        response = self.client.post(reverse("staff:setup-staff-new"), self.staff_data(email="TESS@test.nl"))
        self.assertIn("email", response.context["form"].errors)
        self.assertFalse(StaffMember.objects.filter(last_name="Dijk").exists())

    def test_the_last_administrator_keeps_his_right_and_cannot_deactivate_himself(self) -> None:
        self.login_ada()
        ada = self.ada.record
        url = reverse("staff:setup-staff-member", args=[ada.pk])
        data = self.staff_data(
            first_name="Ada", prefix="", last_name="Beheer", email="ada@test.nl", groups_this_year=[]
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].non_field_errors())
        self.assertTrue(StaffMember.objects.get(pk=ada.pk).is_application_admin)
        self.assertNotContains(self.client.get(url), reverse("staff:setup-staff-deactivate", args=[ada.pk]))
        response = self.client.post(reverse("staff:setup-staff-deactivate", args=[ada.pk]), {"confirm": "yes"})
        self.assertRedirects(response, url)
        self.assertTrue(StaffMember.objects.get(pk=ada.pk).is_active)

    def test_another_administrator_cannot_be_demoted_when_he_is_the_last_active_one(self) -> None:
        # Ada demotes Pim's admin right only while another administrator remains.
        StaffMember.objects.filter(pk=self.pim.record.pk).update(is_application_admin=True)
        self.login_ada()
        url = reverse("staff:setup-staff-member", args=[self.pim.record.pk])
        data = self.staff_data(
            first_name="Pim", prefix="", last_name="Directeur", email="pim@test.nl", groups_this_year=[]
        )
        self.assertRedirects(self.client.post(url, data), reverse("staff:setup-staff"))
        self.assertFalse(StaffMember.objects.get(pk=self.pim.record.pk).is_application_admin)

    def test_deactivation_ends_sessions_and_login(self) -> None:
        teacher = Client()
        teacher.post(reverse("accounts:login"), {"username": "tess@test.nl", "password": PASSWORD})
        self.assertEqual(teacher.get(reverse("staff:groups")).status_code, 200)
        self.login_ada()
        url = reverse("staff:setup-staff-deactivate", args=[self.tess.record.pk])
        self.assertContains(self.client.get(url), "Tess Leraar")
        response = self.client.post(url, {"confirm": "yes"})
        self.assertRedirects(response, reverse("staff:setup-staff"))
        tess = StaffMember.objects.select_related("account").get(pk=self.tess.record.pk)
        self.assertFalse(tess.is_active)
        assert tess.account is not None
        self.assertFalse(tess.account.is_active)
        response = teacher.get(reverse("staff:groups"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        fresh = Client()
        fresh.post(reverse("accounts:login"), {"username": "tess@test.nl", "password": PASSWORD})
        self.assertNotIn(SESSION_KEY, fresh.session)
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_DEACTIVATED)
        self.assertEqual((event.actor_id, event.data["sessions_ended"]), (self.ada.user.pk, 1))

    def test_a_deactivated_staff_member_is_employed_again_and_logs_in_with_his_password(self) -> None:
        self.login_ada()
        self.client.post(reverse("staff:setup-staff-deactivate", args=[self.tess.record.pk]), {"confirm": "yes"})
        page = reverse("staff:setup-staff-member", args=[self.tess.record.pk])
        self.assertContains(self.client.get(page), 'data-testid="reactivate-staff"')
        response = self.client.post(reverse("staff:setup-staff-reactivate", args=[self.tess.record.pk]))
        self.assertRedirects(response, page)
        teacher = Client()
        teacher.post(reverse("accounts:login"), {"username": "tess@test.nl", "password": PASSWORD})
        self.assertEqual(teacher.get(reverse("staff:group", args=[self.group3.pk])).status_code, 200)

    def test_invite_again_sends_a_new_link_and_an_admin_is_told_about_two_factor(self) -> None:
        self.login_ada()
        data = self.staff_data(is_application_admin="on", groups_this_year=[], email="nieuw@test.nl")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("staff:setup-staff-new"), data)
        member = StaffMember.objects.get(email="nieuw@test.nl")
        invite = reverse("staff:setup-staff-invite", args=[member.pk])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(invite)
        self.assertRedirects(response, reverse("staff:setup-staff-member", args=[member.pk]))
        first, second = mail.outbox
        self.assertIn("tweestapsverificatie", second.body)
        # Only the newest link works.
        old_link, new_link = (link_in(message)[0].split("/", 3)[3] for message in (first, second))
        self.assertEqual(self.client_class().get(f"/{old_link}").status_code, 410)
        response = self.client_class().post(
            f"/{new_link}", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        self.assertRedirects(response, reverse("accounts:login"))

    def test_an_activated_login_gets_no_new_link(self) -> None:
        self.login_ada()
        response = self.client.post(reverse("staff:setup-staff-invite", args=[self.pim.record.pk]), follow=True)
        self.assertContains(response, "al geactiveerd")
        self.assertEqual(mail.outbox, [])

    def test_an_existing_staff_login_without_record_is_linked_only_when_it_confirms(self) -> None:
        loose = Account.objects.create_account(kind=Account.Kind.STAFF, email="los@test.nl", password=PASSWORD)
        member = StaffMember.objects.create(school=self.school, first_name="Los", last_name="Vast", email="los@test.nl")
        self.login_ada()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("staff:setup-staff-invite", args=[member.pk]))
        member.refresh_from_db()
        self.assertIsNone(member.account)
        [message] = mail.outbox
        self.assertIn("bevestig met uw huidige wachtwoord", message.body)
        path = "/" + link_in(message)[0].split("/", 3)[3]
        self.client_class().post(path, {"password": PASSWORD})
        member.refresh_from_db()
        self.assertEqual(member.account, loose)

    def test_staff_list_query_count_does_not_grow(self) -> None:
        self.login_ada()
        url = reverse("staff:setup-staff")
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        for i in range(12):
            member = make_staff_account(self.school, f"leraar{i}@test.nl", f"Leraar{i}", "Test")
            GroupStaff.objects.create(group=self.group3, staff_member=member.record)
            GroupStaff.objects.create(group=self.old_group2, staff_member=member.record)
        with count_queries() as large:
            response = self.client.get(url)
        self.assertEqual(len(response.context["members"]), 15)
        assert_same_query_count(small, large, "staff list")
