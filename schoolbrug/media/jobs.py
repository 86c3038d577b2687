"""Periodic jobs of the media app (see `schoolbrug.core.scheduler`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from schoolbrug.core.scheduler import register_job

from .services import delete_orphans

logger = logging.getLogger(__name__)


@register_job("media.delete_orphans", every=timedelta(hours=1))
def delete_orphan_files() -> None:
    # Uploads whose post was never saved, and files a killed process left behind without a row.
    rows, files = delete_orphans()
    if rows or files:
        logger.info("deleted %s unattached uploads and %s files without a row", rows, files)
