"""The reach rules, one persona at a time."""

from __future__ import annotations

from django.http import Http404

from schoolbrug.sis import policies, selectors
from schoolbrug.sis.models import Guardianship, Pupil
from schoolbrug.sis.testing import SchoolTestCase, link, make_group, make_pupil


class GuardianReachTests(SchoolTestCase):
    def test_guardian_reaches_exactly_his_enrolled_children_with_access_right(self) -> None:
        self.assertEqual(list(policies.pupils_visible_to(self.paula.user)), [self.sam])
        self.assertEqual(list(policies.pupils_visible_to(self.otto.user)), [self.olivia])

    def test_divorced_second_guardian_reaches_the_child_too(self) -> None:
        self.assertEqual(list(policies.pupils_visible_to(self.dirk.user)), [self.sam])

    def test_guardian_without_access_right_does_not_see_the_pupil(self) -> None:
        self.assertFalse(policies.pupils_visible_to(self.gerda.user).exists())
        with self.assertRaises(Http404):
            policies.get_pupil_for_user_or_404(self.gerda.user, self.sam.pk)

    def test_pupil_who_left_is_not_visible_to_guardians(self) -> None:
        self.assertFalse(policies.pupils_visible_to(self.lars.user).exists())
        with self.assertRaises(Http404):
            policies.get_pupil_for_user_or_404(self.lars.user, self.lotte.pk)

    def test_revoking_the_access_right_takes_effect_at_once(self) -> None:
        Guardianship.objects.filter(guardian=self.dirk.record).update(portal_access=False)
        self.assertFalse(policies.pupils_visible_to(self.dirk.user).exists())

    def test_not_yet_enrolled_pupil_is_not_visible(self) -> None:
        Pupil.objects.filter(pk=self.olivia.pk).update(status=Pupil.Status.NOT_YET)
        self.assertFalse(policies.pupils_visible_to(self.otto.user).exists())

    def test_a_guardian_never_sees_the_other_guardians_records(self) -> None:
        self.assertEqual(list(policies.guardians_visible_to(self.dirk.user)), [self.dirk.record])
        self.assertEqual(list(policies.guardians_visible_to(self.paula.user)), [self.paula.record])

    def test_inactive_guardian_account_reaches_nothing(self) -> None:
        self.otto.user.is_active = False
        self.assertFalse(policies.pupils_visible_to(self.otto.user).exists())

    def test_guardian_reaches_no_groups_and_no_staff_pages(self) -> None:
        self.assertFalse(policies.groups_visible_to(self.paula.user).exists())
        self.assertIsNone(policies.staff_member_of(self.paula.user))


class StaffReachTests(SchoolTestCase):
    def test_teacher_with_group_authorisation_reaches_only_his_groups_pupils(self) -> None:
        self.assertEqual(list(policies.pupils_visible_to(self.tess.user)), [self.sam])
        with self.assertRaises(Http404):
            policies.get_pupil_for_user_or_404(self.tess.user, self.olivia.pk)

    def test_teacher_sees_only_linked_groups(self) -> None:
        self.assertEqual(list(policies.groups_visible_to(self.tess.user)), [self.group3])

    def test_teacher_without_group_authorisation_reaches_the_whole_school(self) -> None:
        staff = self.tess.record
        staff.group_authorisation = False
        staff.save()
        pupils = set(policies.pupils_visible_to(self.tess.user))
        self.assertEqual(pupils, {self.sam, self.olivia, self.lotte})

    def test_teacher_reach_follows_the_current_year_only(self) -> None:
        # Lotte was in a group tess did not teach; linking tess to last year's group does not
        # reopen a pupil who is no longer in her current groups.
        self.assertNotIn(self.lotte, policies.pupils_visible_to(self.tess.user))

    def test_principal_and_administrator_reach_the_whole_school(self) -> None:
        everyone = {self.sam, self.olivia, self.lotte}
        self.assertEqual(set(policies.pupils_visible_to(self.pim.user)), everyone)
        self.assertEqual(set(policies.pupils_visible_to(self.ada.user)), everyone)

    def test_nobody_reaches_another_school(self) -> None:
        for persona in (self.tess, self.pim, self.ada):
            self.assertNotIn(self.other_pupil, policies.pupils_visible_to(persona.user))
            self.assertFalse(policies.groups_visible_to(persona.user).filter(school=self.other_school).exists())
        self.assertEqual(list(policies.pupils_visible_to(self.wim.user)), [self.other_pupil])
        for pupil in (self.sam, self.olivia, self.lotte):
            with self.assertRaises(Http404):
                policies.get_pupil_for_user_or_404(self.wim.user, pupil.pk)

    def test_only_application_administrators_of_the_school_edit_families(self) -> None:
        self.assertTrue(policies.can_edit_family(self.ada.user, self.sam))
        self.assertFalse(policies.can_edit_family(self.tess.user, self.sam))
        self.assertFalse(policies.can_edit_family(self.pim.user, self.sam))
        self.assertFalse(policies.can_edit_family(self.wim.user, self.sam))
        self.assertFalse(policies.can_edit_family(self.paula.user, self.sam))

    def test_staff_member_who_left_reaches_nothing(self) -> None:
        staff = self.pim.record
        staff.is_active = False
        staff.save()
        self.assertIsNone(policies.staff_member_of(self.pim.user))
        self.assertFalse(policies.pupils_visible_to(self.pim.user).exists())


class FamilyTests(SchoolTestCase):
    def test_siblings_are_pupils_sharing_a_guardian(self) -> None:
        brother = make_pupil(self.school, "Tim", "Bakker", self.group5)
        link(self.dirk.record, brother, "father")
        self.assertEqual(list(selectors.siblings_of(self.sam)), [brother])
        self.assertEqual(list(selectors.siblings_of(brother)), [self.sam])

    def test_families_join_through_shared_guardians(self) -> None:
        # A half-brother through Dirk's new household joins Sam's family.
        half_brother = make_pupil(self.school, "Jip", "Bakker", self.group5)
        link(self.dirk.record, half_brother, "father")
        families = selectors.families_of_school(self.school)
        self.assertIn({self.sam.pk, half_brother.pk}, families)
        self.assertIn({self.olivia.pk}, families)
        self.assertIn({self.lotte.pk}, families)
        self.assertEqual(len(families), 3)

    def test_a_mixed_group_has_several_year_levels(self) -> None:
        group = make_group(self.school, self.year, "Groep 3/4/5", 3, 4, 5)
        self.assertEqual(group.year_level_label, "3/4/5")
