"""Who may read and write news: all staff read it, application and communication
administrators write it."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from schoolbrug.sis.models import StaffMember
from schoolbrug.sis.policies import is_application_admin, require_staff_member, staff_member_of

from ..models import NewsItem


def news_manager_of(user: Any) -> StaffMember | None:
    staff = staff_member_of(user)
    if staff is None or not (is_application_admin(user) or staff.is_communication_admin):
        return None
    return staff


def can_manage_news(user: Any) -> bool:
    return news_manager_of(user) is not None


def require_news_manager(user: Any) -> StaffMember:
    staff = news_manager_of(user)
    if staff is None:
        raise Http404
    return staff


def get_news_for_staff_or_404(user: Any, news_id: int) -> NewsItem:
    staff = require_staff_member(user)
    return get_object_or_404(NewsItem.objects.prefetch_related("groups"), pk=news_id, school_id=staff.school_id)


def get_news_for_manager_or_404(user: Any, news_id: int) -> NewsItem:
    staff = require_news_manager(user)
    return get_object_or_404(NewsItem, pk=news_id, school_id=staff.school_id)
