"""Reads of a child's pupil file for the portal pages (POR-7, POR-8). The caller has resolved
the child through the guardian's reach and checked the module; these decide joins and years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from schoolbrug.records.models import (
    Absence,
    CurriculumResult,
    Note,
    StandardisedResult,
    SupportPlan,
)
from schoolbrug.records.selectors.notes import visible_on_portal_to
from schoolbrug.sis.models import Pupil, SchoolYear


def career_years(child: Pupil) -> list[SchoolYear]:
    """The school years in which the child was placed, newest first (one query)."""
    return list(SchoolYear.objects.filter(placements__pupil=child).distinct().order_by("-start_date"))


@dataclass
class YearChoice:
    year: SchoolYear | None
    years_with_data: list[SchoolYear]


def choose_year(years: list[SchoolYear], year_param: str | None, data_year_ids: Iterable[int]) -> YearChoice:
    """POR-8: the current year unless an earlier one with data is asked for; any other id is 404."""
    with_data = set(data_year_ids)
    current = next((y for y in years if y.is_current), years[0] if years else None)
    offered = [y for y in years if y.pk in with_data or y == current]
    if year_param:
        chosen = next((y for y in offered if str(y.pk) == year_param), None)
        if chosen is None:
            return YearChoice(year=None, years_with_data=offered)
        return YearChoice(year=chosen, years_with_data=offered)
    return YearChoice(year=current, years_with_data=offered)


def absence_year_ids(child: Pupil) -> list[int]:
    return list(Absence.objects.filter(pupil=child).values_list("year_id", flat=True).distinct())


def absences(child: Pupil, year: SchoolYear) -> QuerySet[Absence]:
    # The pupil's school comes along: each period is labelled in the school's own zone.
    return (
        Absence.objects.filter(pupil=child, year=year)
        .select_related("reason", "pupil__school")
        .order_by("-starts_at", "pk")
    )


def _published_notes(child: Pupil, account: Any, start: dt.date | None) -> QuerySet[Note]:
    notes = Note.objects.filter(visible_on_portal_to(account), pupil=child, category__publish_on_portal=True)
    if start:
        notes = notes.filter(date__gte=start)
    return notes


def note_year_ids(child: Pupil, account: Any, start: dt.date | None) -> list[int]:
    return list(_published_notes(child, account, start).values_list("year_id", flat=True).distinct())


def notes(child: Pupil, account: Any, year: SchoolYear, start: dt.date | None) -> QuerySet[Note]:
    return _published_notes(child, account, start).filter(year=year).order_by("-date", "-created_at", "-pk")


def published_note(child: Pupil, account: Any, note_id: int, start: dt.date | None) -> Note | None:
    return _published_notes(child, account, start).filter(pk=note_id).first()


def staff_note_exists(child: Pupil, note_id: int) -> bool:
    """A school's note of the child, published or not (for a reply that arrives after the school
    took the note off the portal)."""
    return Note.objects.filter(pupil=child, pk=note_id, source=Note.Source.STAFF).exists()


def _plans(child: Pupil, start: dt.date | None) -> QuerySet[SupportPlan]:
    plans = SupportPlan.objects.filter(pupil=child)
    if start:
        plans = plans.filter(start_date__gte=start)
    return plans


def plan_year_ids(child: Pupil, years: list[SchoolYear], start: dt.date | None) -> list[int]:
    dates = list(_plans(child, start).values_list("start_date", flat=True))
    return [y.pk for y in years if any(y.start_date <= d <= y.end_date for d in dates)]


def plans(child: Pupil, year: SchoolYear, start: dt.date | None) -> QuerySet[SupportPlan]:
    return _plans(child, start).filter(start_date__gte=year.start_date, start_date__lte=year.end_date)


def test_year_ids(child: Pupil, *, curriculum: bool, standardised: bool) -> list[int]:
    ids: set[int] = set()
    if curriculum:
        ids |= set(CurriculumResult.objects.filter(pupil=child).values_list("test__year_id", flat=True))
    if standardised:
        ids |= set(StandardisedResult.objects.filter(pupil=child).values_list("test__year_id", flat=True))
    return sorted(ids)


def curriculum_results(child: Pupil, year: SchoolYear) -> list[CurriculumResult]:
    return list(
        CurriculumResult.objects.filter(pupil=child, test__year=year)
        .select_related("test")
        .order_by("-test__date", "test__subject", "pk")
    )


def standardised_results(child: Pupil, year: SchoolYear) -> list[StandardisedResult]:
    return list(
        StandardisedResult.objects.filter(pupil=child, test__year=year)
        .select_related("test")
        .order_by("-test__date", "pk")
    )
