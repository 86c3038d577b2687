"""Reads of the year plan: a month for staff (the portal feed reads what guardians see)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from schoolbrug.sis.dates import local_datetime, school_zone
from schoolbrug.sis.models import School

from ..models import Activity


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following


def activities_in_month(*, school: School, year: int, month: int) -> QuerySet[Activity]:
    zone = school_zone(school)
    first, following = month_bounds(year, month)
    return (
        Activity.objects.filter(
            school=school,
            starts_at__lt=local_datetime(following, None, zone),
            ends_at__gte=local_datetime(first, None, zone),
        )
        .prefetch_related("groups")
        .order_by("starts_at", "pk")
    )
