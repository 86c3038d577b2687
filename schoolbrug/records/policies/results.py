"""Who may enter test results. Reach follows the school records (sis.policies): a staff member
works on the pupils and groups he reaches. Missing and "not yours" both answer 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis.models import Group, Pupil

from ..models import CurriculumTest, StandardisedTest


def pupils_of_group_visible_to(user: Any, group: Group) -> QuerySet[Pupil]:
    """The pupils of a group the user may enter results for (group authorisation applies)."""
    return sis_policies.pupils_visible_to(user).filter(placements__group=group)


def get_curriculum_test_for_group_or_404(user: Any, group: Group, test_id: int) -> CurriculumTest:
    if sis_policies.staff_member_of(user) is None:
        raise Http404
    return get_object_or_404(CurriculumTest.objects.filter(school_id=group.school_id, group=group), pk=test_id)


def get_standardised_test_or_404(user: Any, group: Group, test_id: int) -> StandardisedTest:
    # Standardised tests are school-wide per year; the group only chooses whose results to enter.
    if sis_policies.staff_member_of(user) is None:
        raise Http404
    return get_object_or_404(
        StandardisedTest.objects.filter(school_id=group.school_id, year_id=group.year_id), pk=test_id
    )


def get_standardised_test_of_creator_or_404(user: Any, group: Group, test_id: int) -> StandardisedTest:
    """A standardised test reached through the group, and only for the staff member who created it."""
    test = get_standardised_test_or_404(user, group, test_id)
    if test.created_by_id is None or test.created_by_id != user.pk:
        raise Http404
    return test


def standardised_tests_deletable_by(user: Any) -> QuerySet[StandardisedTest]:
    """Standardised tests the user may remove: the ones he created, while nobody has entered a
    result for them (a result is a pupil's record; removing the test would remove it too)."""
    if sis_policies.staff_member_of(user) is None:
        return StandardisedTest.objects.none()
    return StandardisedTest.objects.filter(created_by=user).exclude(results__isnull=False)


def can_delete_standardised_test(user: Any, test: StandardisedTest) -> bool:
    return standardised_tests_deletable_by(user).filter(pk=test.pk).exists()
