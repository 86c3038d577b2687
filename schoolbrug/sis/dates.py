"""Dates and times in the school's own time zone.

Schools keep their own zone (`School.time_zone`, validated against the zones Python knows), so
"today" and "midnight" are computed there, never in the server's zone. Every part of Schoolbrug
asks these functions, so all of them agree on the date.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import School, SchoolYear


def school_zone(school: School) -> ZoneInfo:
    return ZoneInfo(school.time_zone)


def school_today(school: School, now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), school_zone(school)).date()


def local_datetime(day: dt.date, time: dt.time | None, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time or dt.time(0, 0), tzinfo=zone)


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Midnight to midnight; on the nights the clocks change a day is 23 or 25 hours long."""
    return local_datetime(day, None, zone), local_datetime(day + dt.timedelta(days=1), None, zone)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def year_containing(school: School, day: dt.date) -> SchoolYear | None:
    return SchoolYear.objects.filter(school=school, start_date__lte=day, end_date__gte=day).first()


def year_for_date(school: School, day: dt.date) -> SchoolYear | None:
    """The school year a date belongs to; a summer-holiday date belongs to the year just ended."""
    return (
        year_containing(school, day)
        or SchoolYear.objects.filter(school=school, start_date__lte=day).order_by("-start_date").first()
    )
