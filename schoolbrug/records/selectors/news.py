"""Reads of news: the staff overview with filters, and what a guardian may see today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from schoolbrug.sis.dates import school_today
from schoolbrug.sis.models import Group, Placement, Pupil, School
from schoolbrug.sis.policies import pupils_visible_to

from ..models import NewsItem


def news_overview(*, school: School, subject: str = "", group: Group | None = None) -> QuerySet[NewsItem]:
    items = NewsItem.objects.filter(school=school)
    if subject:
        items = items.filter(subject__icontains=subject)
    if group is not None:
        # News for all groups reaches this group too.
        items = items.filter(Q(groups__isnull=True) | Q(groups=group)).distinct()
    return items.prefetch_related("groups").order_by("-date", "-pk")


def news_for_guardian(*, user: Any, pupil: Pupil, today: dt.date | None = None) -> QuerySet[NewsItem]:
    """News a guardian sees for one child: inside the publication window (both ends inclusive,
    'today' in the school's time zone) and aimed at all groups or the child's current group."""
    if not pupils_visible_to(user).filter(pk=pupil.pk).exists():
        return NewsItem.objects.none()
    if today is None:
        today = school_today(pupil.school)
    current_groups = Placement.objects.filter(pupil=pupil, year__is_current=True).values("group_id")
    return (
        NewsItem.objects.filter(school_id=pupil.school_id, publish_from__lte=today)
        .filter(Q(publish_until__isnull=True) | Q(publish_until__gte=today))
        .filter(Q(groups__isnull=True) | Q(groups__in=current_groups))
        .distinct()
        .order_by("-date", "-pk")
    )
