"""Who may see and change tests, reports and correction requests. Plain functions.

Reach follows the school records (sis.policies): a staff member works on the pupils and groups
he reaches; locking is open to whoever may edit, unlocking and correction requests belong to the
school's application administrators. Missing and "not yours" both answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis.models import Group, Pupil

from .models import CorrectionRequest, CurriculumTest, Report, ReportPeriod, StandardisedTest


def is_application_admin(user: Any) -> bool:
    staff = sis_policies.staff_member_of(user)
    return staff is not None and staff.is_application_admin


def can_enter_results(user: Any, pupil: Pupil) -> bool:
    return sis_policies.pupils_visible_to(user).filter(pk=pupil.pk).exists()


def can_edit_report(user: Any, pupil: Pupil) -> bool:
    staff = sis_policies.staff_member_of(user)
    if staff is None or staff.school_id != pupil.school_id:
        return False
    return sis_policies.pupils_visible_to(user).filter(pk=pupil.pk).exists()


def can_unlock_report(user: Any, report: Report) -> bool:
    staff = sis_policies.staff_member_of(user)
    return staff is not None and staff.is_application_admin and staff.school_id == report.pupil.school_id


def can_manage_report_periods(user: Any) -> bool:
    return is_application_admin(user)


def can_decide_corrections(user: Any, correction: CorrectionRequest) -> bool:
    staff = sis_policies.staff_member_of(user)
    return staff is not None and staff.is_application_admin and staff.school_id == correction.school_id


def pupils_of_group_visible_to(user: Any, group: Group) -> QuerySet[Pupil]:
    """The pupils of a group the user may enter results for (group authorisation applies)."""
    return sis_policies.pupils_visible_to(user).filter(placements__group=group)


def get_curriculum_test_for_group_or_404(user: Any, group: Group, test_id: int) -> CurriculumTest:
    if sis_policies.staff_member_of(user) is None:
        raise Http404
    return get_object_or_404(CurriculumTest.objects.filter(school_id=group.school_id, group=group), pk=test_id)


def get_standardised_test_or_404(user: Any, group: Group, test_id: int) -> StandardisedTest:
    # Standardised tests are school-wide per year; the group only chooses whose results to enter.
    if sis_policies.staff_member_of(user) is None:
        raise Http404
    return get_object_or_404(
        StandardisedTest.objects.filter(school_id=group.school_id, year_id=group.year_id), pk=test_id
    )


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


def corrections_visible_to(user: Any) -> QuerySet[CorrectionRequest]:
    staff = sis_policies.staff_member_of(user)
    if staff is None or not staff.is_application_admin:
        return CorrectionRequest.objects.none()
    return CorrectionRequest.objects.filter(school_id=staff.school_id)


def get_correction_for_user_or_404(user: Any, correction_id: int) -> CorrectionRequest:
    return get_object_or_404(corrections_visible_to(user), pk=correction_id)
