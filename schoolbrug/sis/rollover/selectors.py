"""Reads for the rollover plan. Each function is one or two queries whatever the school's size,
so the plan page keeps a fixed query count."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch

from ..models import Group, GroupStaff, Placement, Pupil, School, SchoolYear

# Pupils who move on with their group; a pupil who has already left stays where he was.
MOVING_STATUSES = (Pupil.Status.ENROLLED, Pupil.Status.NOT_YET)


def years_of(school: School) -> list[SchoolYear]:
    return list(SchoolYear.objects.filter(school=school).order_by("start_date"))


def groups_of_year(year: SchoolYear) -> list[Group]:
    """The year's groups with their levels and the active staff linked to them."""
    return list(
        Group.objects.filter(year=year)
        .prefetch_related(
            "year_levels",
            Prefetch(
                "staff_links",
                queryset=GroupStaff.objects.filter(staff_member__is_active=True)
                .select_related("staff_member")
                .order_by("-is_teacher", "staff_member__last_name", "staff_member__first_name"),
                to_attr="active_staff_links",
            ),
        )
        .order_by("name")
    )


def moving_placements(year: SchoolYear) -> list[Placement]:
    return list(
        Placement.objects.filter(year=year, pupil__status__in=MOVING_STATUSES)
        .select_related("pupil")
        .order_by("pupil__last_name", "pupil__first_name", "pupil_id")
    )


def levels_in_year(pupil_ids: list[int], year: SchoolYear | None) -> dict[int, set[int]]:
    """pupil id -> the year levels of his group in `year` (evidence for his level now)."""
    if year is None or not pupil_ids:
        return {}
    found: dict[int, set[int]] = defaultdict(set)
    rows = Placement.objects.filter(year=year, pupil_id__in=pupil_ids).values_list(
        "pupil_id", "group__year_levels__level"
    )
    for pupil_id, level in rows:
        if level is not None:
            found[pupil_id].add(level)
    return dict(found)


def year_has_groups(year: SchoolYear | None) -> bool:
    return year is not None and Group.objects.filter(year=year).exists()
