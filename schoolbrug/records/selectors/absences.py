"""Reads of absences: a pupil's list and a group's grid per day or per week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from schoolbrug.sis.dates import day_bounds, school_zone
from schoolbrug.sis.models import Group, Placement, Pupil, School
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


# ABS-4. The statutory threshold counts hours; the pupil file counts whole days and periods. A
# whole school day counts as 5.5 hours (a Dutch primary school's 940 hours a year over about 170
# days at most), a shorter absence by its own length, at most 5.5 hours a day; weekends never
# count. Simple and the same for every school: a timetable need not be kept complete for it.
HOURS_PER_SCHOOL_DAY = 5.5
SIGNAL_THRESHOLD_HOURS = 16
SIGNAL_WINDOW = dt.timedelta(weeks=4)


@dataclass
class AbsenceSignal:
    pupil: Pupil
    hours: float = 0.0
    absences: int = 0
    groups: list[str] = field(default_factory=list)


def unauthorised_hours(absence: Absence, first: dt.date, last: dt.date, zone: Any) -> float:
    """The school hours of `absence` on the weekdays from `first` to `last` inclusive."""
    hours = 0.0
    day = max(first, timezone.localtime(absence.starts_at, zone).date())
    end_day = min(last, timezone.localtime(absence.ends_at - dt.timedelta(microseconds=1), zone).date())
    while day <= end_day:
        if day.weekday() < 5:
            if absence.whole_day:
                hours += HOURS_PER_SCHOOL_DAY
            else:
                start, end = day_bounds(day, zone)
                overlap = min(end, absence.ends_at) - max(start, absence.starts_at)
                hours += min(HOURS_PER_SCHOOL_DAY, max(0.0, overlap.total_seconds() / 3600))
        day += dt.timedelta(days=1)
    return hours


def absence_signals(*, school: School, today: dt.date) -> list[AbsenceSignal]:
    """Pupils of `school` over 16 hours of unauthorised absence in the four weeks up to and
    including `today`, most hours first. Two queries, whatever the size."""
    zone = school_zone(school)
    first = today - SIGNAL_WINDOW + dt.timedelta(days=1)
    window_start, window_end = day_bounds(first, zone)[0], day_bounds(today, zone)[1]
    absences = (
        Absence.objects.filter(
            pupil__school=school,
            reason__is_authorised=False,
            starts_at__lt=window_end,
            ends_at__gt=window_start,
        )
        .select_related("pupil")
        .order_by("pupil_id", "starts_at")
    )
    signals: dict[int, AbsenceSignal] = {}
    for absence in absences:
        signal = signals.setdefault(absence.pupil_id, AbsenceSignal(pupil=absence.pupil))
        signal.hours += unauthorised_hours(absence, first, today, zone)
        signal.absences += 1
    over = {pk: s for pk, s in signals.items() if s.hours > SIGNAL_THRESHOLD_HOURS}
    for pupil_id, name in (
        Placement.objects.filter(pupil_id__in=list(over), year__is_current=True)
        .order_by("group__name")
        .values_list("pupil_id", "group__name")
    ):
        over[pupil_id].groups.append(name)
    return sorted(over.values(), key=lambda s: (-s.hours, s.pupil.last_name, s.pupil.pk))


def guardian_reports_waiting(*, user: Any, group: Group) -> int:
    return Absence.objects.filter(
        pupil__in=group_pupils_in_reach(user=user, group=group), source=Absence.Source.GUARDIAN, processed=False
    ).count()
