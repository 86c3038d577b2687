"""Periodic jobs of the school records (see `schoolbrug.core.scheduler`)."""

from __future__ import annotations

from datetime import timedelta

from schoolbrug.core.scheduler import register_job

from .rollover import jobs as rollover_jobs  # noqa: F401  (registers the rollover's own job)
from .sync.upload_services import sync_uploads_expire


@register_job("sis.expire_sync_uploads", every=timedelta(hours=1))
def expire_sync_uploads() -> None:
    # Uploaded exports carry every pupil's data: they are kept a day at most.
    sync_uploads_expire()
