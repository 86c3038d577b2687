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
