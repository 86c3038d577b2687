"""Reads of news: the staff overview with filters (the portal feed reads what guardians see)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from schoolbrug.sis.models import Group, School

from ..models import NewsItem


def news_overview(*, school: School, subject: str = "", group: Group | None = None) -> QuerySet[NewsItem]:
    items = NewsItem.objects.filter(school=school)
    if subject:
        items = items.filter(subject__icontains=subject)
    if group is not None:
        # News for all groups reaches this group too.
        items = items.filter(Q(groups__isnull=True) | Q(groups=group)).distinct()
    return items.prefetch_related("groups").order_by("-date", "-pk")
