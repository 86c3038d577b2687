"""Who may write, lock and unlock reports and manage report periods. Locking is open to whoever
may edit; unlocking and the periods belong to the school's application administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis.models import Pupil

from ..models import Report, ReportPeriod


def can_edit_report(user: Any, pupil: Pupil) -> bool:
    staff = sis_policies.staff_member_of(user)
    if staff is None or staff.school_id != pupil.school_id:
        return False
    return sis_policies.pupils_visible_to(user).filter(pk=pupil.pk).exists()


def can_unlock_report(user: Any, report: Report) -> bool:
    return sis_policies.is_application_admin(user, report.pupil.school_id)


def can_manage_report_periods(user: Any) -> bool:
    return sis_policies.is_application_admin(user)


def reports_visible_to(user: Any) -> QuerySet[Report]:
    return Report.objects.filter(pupil__in=sis_policies.pupils_visible_to(user))


def get_report_for_user_or_404(user: Any, report_id: int) -> Report:
    if sis_policies.staff_member_of(user) is None:
        raise Http404
    return get_object_or_404(
        reports_visible_to(user).select_related("pupil", "pupil__school", "period", "period__year"), pk=report_id
    )


def get_period_for_pupil_or_404(pupil: Pupil, period_id: int) -> ReportPeriod:
    return get_object_or_404(ReportPeriod.objects.select_related("year"), school_id=pupil.school_id, pk=period_id)
