"""Who may change the year plan (all staff read it)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from schoolbrug.sis.policies import require_application_admin

from ..models import Activity


def get_activity_for_admin_or_404(user: Any, activity_id: int) -> Activity:
    staff = require_application_admin(user)
    return get_object_or_404(Activity, pk=activity_id, school_id=staff.school_id)
