"""Who may see and decide guardians' correction requests: the school's application
administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from schoolbrug.sis import policies as sis_policies

from ..models import CorrectionRequest


def can_decide_corrections(user: Any, correction: CorrectionRequest) -> bool:
    return sis_policies.is_application_admin(user, correction.school_id)


def corrections_visible_to(user: Any) -> QuerySet[CorrectionRequest]:
    staff = sis_policies.application_admin_of(user)
    if staff is None:
        return CorrectionRequest.objects.none()
    return CorrectionRequest.objects.filter(school_id=staff.school_id)


def get_correction_for_user_or_404(user: Any, correction_id: int) -> CorrectionRequest:
    return get_object_or_404(corrections_visible_to(user), pk=correction_id)
