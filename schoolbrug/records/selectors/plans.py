"""Reads of support plans and the pupil-file settings."""

from __future__ import annotations

from django.db.models import QuerySet

from schoolbrug.sis.models import Pupil, School

from ..models import RecordsSettings, SupportPlan


def records_settings_of(school: School) -> RecordsSettings:
    """The stored settings, or unsaved defaults: reading never writes."""
    return RecordsSettings.objects.filter(school=school).first() or RecordsSettings(school=school)


def plans_for_pupil(*, pupil: Pupil) -> QuerySet[SupportPlan]:
    return SupportPlan.objects.filter(pupil=pupil).order_by("-start_date", "-pk")
