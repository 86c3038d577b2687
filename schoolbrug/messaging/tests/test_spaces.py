"""Spaces follow the records, and membership is the records' rule at the moment it is asked."""

from __future__ import annotations

from django.http import Http404

from schoolbrug.messaging.models import Space
from schoolbrug.messaging.selectors import get_space_for_user_or_404, member_accounts_of, spaces_visible_to
from schoolbrug.sis.models import Group, Guardianship, Placement, Pupil
from schoolbrug.sis.signals import groups_created
from schoolbrug.sis.testing import SchoolTestCase, make_group


class SpacesFollowTheRecordsTests(SchoolTestCase):
    def test_every_school_has_a_school_wide_and_a_colleagues_space_and_every_group_its_own(self) -> None:
        kinds = sorted(Space.objects.filter(school=self.school).values_list("kind", flat=True))
        self.assertEqual(kinds, ["colleagues", "group", "group", "group", "school"])
        self.assertEqual(self.group3.space.kind, Space.Kind.GROUP)
        self.assertEqual(self.group3.space.display_name, "Groep 3")

    def test_a_new_group_gets_its_space_also_when_created_in_bulk(self) -> None:
        single = make_group(self.school, self.year, "Groep 8", 8)
        self.assertTrue(Space.objects.filter(group=single).exists())
        (bulk,) = Group.objects.bulk_create([Group(school=self.school, year=self.year, name="Groep 7")])
        self.assertFalse(Space.objects.filter(group=bulk).exists())
        groups_created.send(sender=Group, school=self.school)
        self.assertTrue(Space.objects.filter(group=bulk, school=self.school).exists())


class MembershipTests(SchoolTestCase):
    def visible(self, persona) -> set[int]:  # type: ignore[no-untyped-def]
        return set(spaces_visible_to(persona.user).values_list("pk", flat=True))

    def test_a_guardian_sees_his_childrens_group_spaces_of_every_year_and_the_school_space(self) -> None:
        school_space = Space.objects.get(school=self.school, kind=Space.Kind.SCHOOL)
        self.assertEqual(self.visible(self.paula), {self.group3.space.pk, self.old_group2.space.pk, school_space.pk})
        self.assertNotIn(self.group5.space.pk, self.visible(self.paula))

    def test_no_access_right_or_no_app_flag_means_no_membership(self) -> None:
        self.assertEqual(self.visible(self.gerda), set())  # grandmother without the access right
        Guardianship.objects.filter(guardian=self.dirk.record).update(app_invitation=False)
        self.assertEqual(self.visible(self.dirk), set())
        self.assertNotIn(self.dirk.user, member_accounts_of([self.group3.space]))
        self.assertIn(self.paula.user, member_accounts_of([self.group3.space]))

    def test_membership_follows_a_move_to_another_group_at_once(self) -> None:
        Placement.objects.filter(pupil=self.olivia, year=self.year).update(group=self.group3)
        self.assertIn(self.group3.space.pk, self.visible(self.otto))
        self.assertNotIn(self.group5.space.pk, self.visible(self.otto))
        self.assertIn(self.otto.user, member_accounts_of([self.group3.space]))

    def test_a_child_who_left_takes_the_guardian_out(self) -> None:
        self.assertEqual(self.visible(self.lars), set())
        Pupil.objects.filter(pk=self.olivia.pk).update(status=Pupil.Status.LEFT)
        self.assertEqual(self.visible(self.otto), set())

    def test_staff_see_every_space_of_their_own_school_only(self) -> None:
        own = set(Space.objects.filter(school=self.school).values_list("pk", flat=True))
        self.assertEqual(self.visible(self.tess), own)
        with self.assertRaises(Http404):
            get_space_for_user_or_404(self.wim.user, self.group3.space.pk)

    def test_a_switched_off_space_is_reached_by_no_one(self) -> None:
        school_space = Space.objects.get(school=self.school, kind=Space.Kind.SCHOOL)
        school_space.is_enabled = False
        school_space.save()
        self.assertNotIn(school_space.pk, self.visible(self.paula))
        self.assertNotIn(school_space.pk, self.visible(self.tess))
        self.assertFalse(member_accounts_of([school_space]).exists())

    def test_who_a_post_reaches(self) -> None:
        school_space = Space.objects.get(school=self.school, kind=Space.Kind.SCHOOL)
        colleagues = Space.objects.get(school=self.school, kind=Space.Kind.COLLEAGUES)
        group = set(member_accounts_of([self.group3.space]))
        self.assertEqual(group, {self.paula.user, self.dirk.user, self.tess.user})
        everyone = set(member_accounts_of([school_space]))
        self.assertEqual(
            everyone, {self.paula.user, self.dirk.user, self.otto.user, self.tess.user, self.pim.user, self.ada.user}
        )
        self.assertEqual(set(member_accounts_of([colleagues])), {self.tess.user, self.pim.user, self.ada.user})
        # One trip, two groups: each account once.
        both = list(member_accounts_of([self.group3.space, self.group5.space]))
        self.assertEqual(len(both), len(set(both)))
