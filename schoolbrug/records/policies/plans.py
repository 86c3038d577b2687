"""Who may see support plans."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from schoolbrug.sis.policies import staff_pupils_visible_to

from ..models import SupportPlan


def plans_visible_to(user: Any) -> QuerySet[SupportPlan]:
    return SupportPlan.objects.filter(pupil__in=staff_pupils_visible_to(user))


def get_plan_for_user_or_404(user: Any, plan_id: int) -> SupportPlan:
    return get_object_or_404(plans_visible_to(user).select_related("pupil", "pupil__school"), pk=plan_id)
