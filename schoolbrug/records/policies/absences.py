"""Who may see and change absences, notes, plans, the year plan and news.

Pupil records follow pupil reach (`sis.policies.pupils_visible_to`); school-wide configuration
(absence reasons, note categories, the pupil-file settings, year plan, news) is changed by
application administrators and read by all staff. "Missing" and "not yours" both answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from schoolbrug.sis.models import StaffMember
from schoolbrug.sis.policies import pupils_visible_to, require_staff_member, staff_member_of

from .models import Absence, AbsenceReason, Activity, NewsItem, Note, NoteCategory, SupportPlan


def is_records_admin(user: Any) -> bool:
    staff = staff_member_of(user)
    return staff is not None and staff.is_application_admin


def require_records_admin(user: Any) -> StaffMember:
    staff = require_staff_member(user)
    if not staff.is_application_admin:
        raise Http404
    return staff


def can_manage_news(user: Any) -> bool:
    staff = staff_member_of(user)
    return staff is not None and (staff.is_application_admin or staff.is_communication_admin)


def require_news_manager(user: Any) -> StaffMember:
    staff = require_staff_member(user)
    if not can_manage_news(user):
        raise Http404
    return staff


def _staff_pupils(user: Any) -> Any:
    # Guardians reach pupils too, but never through these staff reads.
    if staff_member_of(user) is None:
        raise Http404
    return pupils_visible_to(user)


def absences_visible_to(user: Any) -> QuerySet[Absence]:
    return Absence.objects.filter(pupil__in=_staff_pupils(user))


def notes_visible_to(user: Any) -> QuerySet[Note]:
    return Note.objects.filter(pupil__in=_staff_pupils(user))


def plans_visible_to(user: Any) -> QuerySet[SupportPlan]:
    return SupportPlan.objects.filter(pupil__in=_staff_pupils(user))


def get_absence_for_user_or_404(user: Any, absence_id: int) -> Absence:
    return get_object_or_404(absences_visible_to(user).select_related("pupil", "reason"), pk=absence_id)


def get_note_for_user_or_404(user: Any, note_id: int) -> Note:
    return get_object_or_404(notes_visible_to(user).select_related("pupil", "category", "in_reply_to"), pk=note_id)


def get_plan_for_user_or_404(user: Any, plan_id: int) -> SupportPlan:
    return get_object_or_404(plans_visible_to(user).select_related("pupil", "pupil__school"), pk=plan_id)


def get_reason_for_admin_or_404(user: Any, reason_id: int) -> AbsenceReason:
    staff = require_records_admin(user)
    return get_object_or_404(AbsenceReason, pk=reason_id, school_id=staff.school_id)


def get_category_for_admin_or_404(user: Any, category_id: int) -> NoteCategory:
    staff = require_records_admin(user)
    return get_object_or_404(NoteCategory, pk=category_id, school_id=staff.school_id)


def get_activity_for_admin_or_404(user: Any, activity_id: int) -> Activity:
    staff = require_records_admin(user)
    return get_object_or_404(Activity, pk=activity_id, school_id=staff.school_id)


def get_news_for_staff_or_404(user: Any, news_id: int) -> NewsItem:
    staff = require_staff_member(user)
    return get_object_or_404(NewsItem.objects.prefetch_related("groups"), pk=news_id, school_id=staff.school_id)


def get_news_for_manager_or_404(user: Any, news_id: int) -> NewsItem:
    staff = require_news_manager(user)
    return get_object_or_404(NewsItem, pk=news_id, school_id=staff.school_id)
