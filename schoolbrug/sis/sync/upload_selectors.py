"""Reads of the sync pages. Application administrators of the school only; 404 for anyone else."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .. import policies
from .upload_models import SyncUpload

RECENT = 10


def get_sync_upload_for_user_or_404(user: Any, upload_id: int) -> SyncUpload:
    staff = policies.require_application_admin(user)
    return get_object_or_404(
        SyncUpload.objects.select_related("created_by", "applied_by"), pk=upload_id, school_id=staff.school_id
    )


def recent_sync_uploads(user: Any) -> QuerySet[SyncUpload]:
    staff = policies.require_application_admin(user)
    return SyncUpload.objects.filter(school_id=staff.school_id).select_related("created_by", "applied_by")[:RECENT]
