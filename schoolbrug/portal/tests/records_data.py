"""Pupil-file rows for portal tests, made directly: the portal only reads them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from schoolbrug.records.models import (
    Absence,
    AbsenceReason,
    Activity,
    CurriculumResult,
    CurriculumTest,
    NewsItem,
    Note,
    NoteCategory,
    Report,
    ReportPeriod,
    ReportSection,
    StandardisedResult,
    StandardisedTest,
    SupportPlan,
)
from schoolbrug.sis.models import Pupil, School, SchoolYear

# The real zone, not a fixed +01:00: in summer time a fixed offset puts midnight at 01:00.
AMS = ZoneInfo("Europe/Amsterdam")


def reason(school: School, name: str = "Tandarts", authorised: bool = True) -> AbsenceReason:
    return AbsenceReason.objects.get_or_create(school=school, name=name, defaults={"is_authorised": authorised})[0]


def absence(pupil: Pupil, year: SchoolYear, day: dt.date, why: AbsenceReason, days: int = 1, **fields: Any) -> Absence:
    """Whole days from midnight to midnight in Amsterdam (the persona schools' zone)."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=AMS)
    end_day = day + dt.timedelta(days=days)
    end = dt.datetime(end_day.year, end_day.month, end_day.day, tzinfo=AMS)
    return Absence.objects.create(pupil=pupil, year=year, starts_at=start, ends_at=end, reason=why, **fields)


def category(school: School, published: bool = True) -> NoteCategory:
    name = "Oudercontact" if published else "Intern"
    return NoteCategory.objects.get_or_create(school=school, name=name, defaults={"publish_on_portal": published})[0]


def note(pupil: Pupil, year: SchoolYear, subject: str, day: dt.date, cat: NoteCategory, **fields: Any) -> Note:
    return Note.objects.create(
        pupil=pupil,
        year=year,
        category=cat,
        subject=subject,
        date=day,
        text=f"Tekst {subject}",
        author_name="Tess",
        **fields,
    )


def plan(pupil: Pupil, title: str, start: dt.date) -> SupportPlan:
    return SupportPlan.objects.create(pupil=pupil, title=title, goals="Doel: lezen", start_date=start)


def report(pupil: Pupil, year: SchoolYear, name: str, locked: bool, order: int = 1) -> Report:
    period = ReportPeriod.objects.get_or_create(school=pupil.school, year=year, name=name, defaults={"order": order})[0]
    made = Report.objects.create(pupil=pupil, period=period, locked_at=timezone.now() if locked else None)
    ReportSection.objects.create(report=made, title="Lezen", body=f"Goed gelezen in {name}")
    return made


def curriculum(pupil: Pupil, year: SchoolYear, name: str, value: str) -> CurriculumResult:
    test = CurriculumTest.objects.create(
        school=pupil.school, year=year, subject="Rekenen", name=name, date=year.start_date + dt.timedelta(days=40)
    )
    return CurriculumResult.objects.create(test=test, pupil=pupil, value=Decimal(value))


def standardised(pupil: Pupil, year: SchoolYear, name: str, **values: Any) -> StandardisedResult:
    test = StandardisedTest.objects.create(
        school=pupil.school, year=year, name=name, date=year.start_date + dt.timedelta(days=60)
    )
    return StandardisedResult.objects.create(test=test, pupil=pupil, **values)


def news(school: School, subject: str, start: dt.date, until: dt.date | None = None, **fields: Any) -> NewsItem:
    return NewsItem.objects.create(
        school=school,
        subject=subject,
        date=start,
        text=f"<p>{subject}</p>",
        publish_from=start,
        publish_until=until,
        **fields,
    )


def activity(school: School, title: str, published: bool, days_ahead: int = 5) -> Activity:
    start = timezone.now() + dt.timedelta(days=days_ahead)
    return Activity.objects.create(
        school=school, title=title, starts_at=start, ends_at=start + dt.timedelta(hours=2), publish_on_portal=published
    )
