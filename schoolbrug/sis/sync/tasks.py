"""Background work of the sync pages: applying a confirmed upload."""

from __future__ import annotations

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task
def apply_sync_upload(upload_id: int) -> None:
    from .upload_models import SyncUpload
    from .upload_services import sync_upload_run  # the service module enqueues this task

    try:
        sync_upload_run(upload_id=upload_id)
    except SyncUpload.DoesNotExist:
        # The school was removed meanwhile: nothing left to apply.
        logger.warning("Sync upload %s no longer exists.", upload_id)
