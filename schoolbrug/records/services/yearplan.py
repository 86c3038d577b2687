"""Writes for the year plan (REC-6): administrators add, change and remove activities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schoolbrug.sis.models import Group
from schoolbrug.sis.policies import staff_member_of

from ..models import Activity

ACTIVITY_FIELDS = ("title", "description", "starts_at", "ends_at", "all_day", "location", "publish_on_portal")


def _require_admin(actor: Any) -> Any:
    staff = staff_member_of(actor)
    if staff is None or not staff.is_application_admin:
        raise PermissionDenied
    return staff


@transaction.atomic
def activity_save(
    *, actor: Any, activity: Activity | None = None, data: dict[str, Any], groups: Sequence[Group] = ()
) -> Activity:
    staff = _require_admin(actor)
    if activity is None:
        activity = Activity(school=staff.school, created_by=actor)
    elif activity.school_id != staff.school_id:
        raise PermissionDenied
    if any(group.school_id != staff.school_id for group in groups):
        raise ValidationError({"groups": _("Choose groups of your own school.")})
    for field in ACTIVITY_FIELDS:
        if field in data:
            setattr(activity, field, data[field])
    if activity.ends_at < activity.starts_at:
        raise ValidationError({"ends_at": _("The activity ends before it starts.")})
    activity.full_clean()
    activity.save()
    activity.groups.set(groups)
    return activity


@transaction.atomic
def activity_delete(*, actor: Any, activity: Activity) -> None:
    staff = _require_admin(actor)
    if activity.school_id != staff.school_id:
        raise PermissionDenied
    activity.delete()
