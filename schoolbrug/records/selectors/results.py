"""Reads of tests and results (REC-4), each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from schoolbrug.sis.models import Group, Pupil, SchoolYear

from ..models import CurriculumResult, CurriculumTest, StandardisedResult, StandardisedTest
from ..policies import results as policies


def groups_for_results(*, user: Any) -> QuerySet[Group]:
    """The current year's groups whose results the user may enter."""
    from schoolbrug.sis import policies as sis_policies

    return sis_policies.groups_visible_to(user).filter(year__is_current=True).order_by("name")


def curriculum_tests_of_group(group: Group) -> QuerySet[CurriculumTest]:
    return CurriculumTest.objects.filter(group=group).annotate(result_count=Count("results")).order_by("-date", "pk")


def standardised_tests_of_year(group: Group, *, user: Any) -> QuerySet[StandardisedTest]:
    """The school year's standardised tests, each with the number of results of *this* group's pupils
    and whether the user may remove it.

    A standardised test is school-wide; its count on a group's page is the group's own, so a teacher
    sees how far her group is, not how far the school is.
    """
    group_results = (
        StandardisedResult.objects.filter(test=OuterRef("pk"), pupil__placements__group=group)
        .order_by()
        .values("test")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        StandardisedTest.objects.filter(school_id=group.school_id, year_id=group.year_id)
        .annotate(
            result_count=Coalesce(Subquery(group_results, output_field=IntegerField()), Value(0)),
            deletable=Exists(policies.standardised_tests_deletable_by(user).filter(pk=OuterRef("pk"))),
        )
        .order_by("-date", "pk")
    )


def entry_pupils(*, user: Any, group: Group) -> list[Pupil]:
    """The rows of a group entry page: the group's pupils within the user's reach."""
    return list(policies.pupils_of_group_visible_to(user, group).order_by("last_name", "first_name", "pk"))


def curriculum_results_by_pupil(test: CurriculumTest, pupils: list[Pupil]) -> dict[int, CurriculumResult]:
    return {r.pupil_id: r for r in CurriculumResult.objects.filter(test=test, pupil__in=[p.pk for p in pupils])}


def standardised_results_by_pupil(test: StandardisedTest, pupils: list[Pupil]) -> dict[int, StandardisedResult]:
    return {r.pupil_id: r for r in StandardisedResult.objects.filter(test=test, pupil__in=[p.pk for p in pupils])}


def years_of_pupil(pupil: Pupil) -> list[SchoolYear]:
    """School years in which the pupil was placed, newest first."""
    return list(SchoolYear.objects.filter(placements__pupil=pupil).distinct().order_by("-start_date"))


@dataclass(frozen=True)
class PupilResults:
    curriculum: list[CurriculumResult]
    standardised: list[StandardisedResult]


def pupil_results(*, pupil: Pupil, year: SchoolYear) -> PupilResults:
    curriculum = (
        CurriculumResult.objects.filter(pupil=pupil, test__year=year)
        .select_related("test")
        .order_by("test__subject", "-test__date", "pk")
    )
    standardised = (
        StandardisedResult.objects.filter(pupil=pupil, test__year=year).select_related("test").order_by("-test__date")
    )
    return PupilResults(curriculum=list(curriculum), standardised=list(standardised))
