"""Reads of absences: a pupil's list and a group's grid per day or per week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from schoolbrug.sis.dates import day_bounds, school_zone
from schoolbrug.sis.models import Group, Pupil, School
from schoolbrug.sis.policies import pupils_visible_to

from ..models import Absence, AbsenceReason


def reasons_of_school(school: School, *, active_only: bool = False) -> QuerySet[AbsenceReason]:
    reasons = AbsenceReason.objects.filter(school=school)
    return reasons.filter(active=True) if active_only else reasons


def absences_for_pupil(*, pupil: Pupil) -> QuerySet[Absence]:
    return Absence.objects.filter(pupil=pupil).select_related("reason", "pupil", "pupil__school")


def group_pupils_in_reach(*, user: Any, group: Group) -> QuerySet[Pupil]:
    return (
        Pupil.objects.filter(placements__group=group, pk__in=pupils_visible_to(user).values("pk"))
        .select_related("school")
        .order_by("last_name", "first_name")
    )


@dataclass
class GridCell:
    day: dt.date
    absences: list[Absence] = field(default_factory=list)


@dataclass
class GridRow:
    pupil: Pupil
    cells: list[GridCell]

    @property
    def is_absent(self) -> bool:
        return any(cell.absences for cell in self.cells)


def group_absence_grid(*, user: Any, group: Group, days: list[dt.date]) -> list[GridRow]:
    """Pupils by days of the group's reachable pupils: two queries, whatever the size."""
    pupils = list(group_pupils_in_reach(user=user, group=group))
    zone = school_zone(group.school)
    bounds = [day_bounds(day, zone) for day in days]
    absences = Absence.objects.filter(
        pupil__in=[p.pk for p in pupils], starts_at__lt=bounds[-1][1], ends_at__gt=bounds[0][0]
    ).select_related("reason")
    rows = {p.pk: GridRow(pupil=p, cells=[GridCell(day=day) for day in days]) for p in pupils}
    for absence in absences.order_by("starts_at"):
        for index, (start, end) in enumerate(bounds):
            if absence.starts_at < end and absence.ends_at > start:
                rows[absence.pupil_id].cells[index].absences.append(absence)
    return list(rows.values())
