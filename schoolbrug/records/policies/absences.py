"""Who may see absences and change the school's absence reasons."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from schoolbrug.sis.models import Pupil, StaffMember
from schoolbrug.sis.policies import (
    application_admin_of,
    pupils_visible_to,
    require_application_admin,
    staff_member_of,
    staff_pupils_visible_to,
)

from ..models import Absence, AbsenceReason, LeaveRequest


def absences_visible_to(user: Any) -> QuerySet[Absence]:
    return Absence.objects.filter(pupil__in=staff_pupils_visible_to(user))


def get_absence_for_user_or_404(user: Any, absence_id: int) -> Absence:
    return get_object_or_404(absences_visible_to(user).select_related("pupil", "reason"), pk=absence_id)


def get_reason_for_admin_or_404(user: Any, reason_id: int) -> AbsenceReason:
    staff = require_application_admin(user)
    return get_object_or_404(AbsenceReason, pk=reason_id, school_id=staff.school_id)


def leave_decider_of(user: Any) -> StaffMember | None:
    """Who decides leave requests and sees the school's absence signals: the principal or an
    application administrator."""
    staff = staff_member_of(user)
    if staff is None:
        return None
    if staff.position == StaffMember.Position.PRINCIPAL or application_admin_of(user) is not None:
        return staff
    return None


def require_leave_decider(user: Any) -> StaffMember:
    staff = leave_decider_of(user)
    if staff is None:
        raise Http404
    return staff


def get_leave_request_for_decider_or_404(user: Any, leave_id: int) -> LeaveRequest:
    staff = require_leave_decider(user)
    return get_object_or_404(
        LeaveRequest.objects.select_related("pupil", "pupil__school"), pk=leave_id, school_id=staff.school_id
    )


def leave_requests_of_guardian(user: Any, pupil: Pupil) -> QuerySet[LeaveRequest]:
    """A child's leave requests as a guardian sees them: only those he asked himself (the other
    guardian's reasons and attachments are that guardian's own), within his reach. The approved
    leave itself, an absence, is seen by both."""
    return LeaveRequest.objects.filter(pupil=pupil, requested_by=user, pupil__in=pupils_visible_to(user))
