"""Who may see absences and change the school's absence reasons."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from schoolbrug.sis.policies import require_application_admin, staff_pupils_visible_to

from ..models import Absence, AbsenceReason


def absences_visible_to(user: Any) -> QuerySet[Absence]:
    return Absence.objects.filter(pupil__in=staff_pupils_visible_to(user))


def get_absence_for_user_or_404(user: Any, absence_id: int) -> Absence:
    return get_object_or_404(absences_visible_to(user).select_related("pupil", "reason"), pk=absence_id)


def get_reason_for_admin_or_404(user: Any, reason_id: int) -> AbsenceReason:
    staff = require_application_admin(user)
    return get_object_or_404(AbsenceReason, pk=reason_id, school_id=staff.school_id)
