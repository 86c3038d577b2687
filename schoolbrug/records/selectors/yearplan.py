"""Reads of the year plan: a month for staff, published activities for a guardian's child."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from schoolbrug.sis.dates import local_datetime, school_zone
from schoolbrug.sis.models import Placement, Pupil, School
from schoolbrug.sis.policies import pupils_visible_to

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


def activities_for_guardian(*, user: Any, pupil: Pupil, start: dt.datetime, end: dt.datetime) -> QuerySet[Activity]:
    """For the portal: published activities for the whole school or the child's current group."""
    if not pupils_visible_to(user).filter(pk=pupil.pk).exists():
        return Activity.objects.none()
    current_groups = Placement.objects.filter(pupil=pupil, year__is_current=True).values("group_id")
    return (
        Activity.objects.filter(
            school_id=pupil.school_id, publish_on_portal=True, starts_at__lt=end, ends_at__gte=start
        )
        .filter(Q(groups__isnull=True) | Q(groups__in=current_groups))
        .distinct()
        .order_by("starts_at", "pk")
    )
