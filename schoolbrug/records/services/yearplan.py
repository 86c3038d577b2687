"""Writes for the year plan (REC-6): administrators add, change and remove activities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schoolbrug.records.events import announce_activity
from schoolbrug.sis.models import Group

from ..models import Activity
from .common import check_groups_of_school, require_application_admin

ACTIVITY_FIELDS = ("title", "description", "starts_at", "ends_at", "all_day", "location", "publish_on_portal")


@transaction.atomic
def activity_save(
    *, actor: Any, activity: Activity | None = None, data: dict[str, Any], groups: Sequence[Group] = ()
) -> Activity:
    staff = require_application_admin(actor)
    if activity is None:
        activity = Activity(school=staff.school, created_by=actor)
    elif activity.school_id != staff.school_id:
        raise PermissionDenied
    check_groups_of_school(groups, staff.school_id)
    for field in ACTIVITY_FIELDS:
        if field in data:
            setattr(activity, field, data[field])
    if activity.ends_at < activity.starts_at:
        raise ValidationError({"ends_at": _("The activity ends before it starts.")})
    activity.full_clean()
    activity.save()
    activity.groups.set(groups)
    if activity.publish_on_portal:
        # Inside the transaction: the notifications commit or roll back with the activity.
        announce_activity(activity=activity, group_ids=[group.pk for group in groups], actor=actor)
    return activity


@transaction.atomic
def activity_delete(*, actor: Any, activity: Activity) -> None:
    staff = require_application_admin(actor)
    if activity.school_id != staff.school_id:
        raise PermissionDenied
    activity.delete()
