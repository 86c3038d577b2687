"""Periodic jobs of the core app (see `schoolbrug.core.scheduler`)."""

from __future__ import annotations

from datetime import timedelta

from .mail import KEEP_DAYS, prune_outgoing_mail
from .scheduler import register_job


@register_job("core.prune_outgoing_mail", every=timedelta(hours=6))
def prune_old_outgoing_mail() -> None:
    # The outbox is a window on recent mail for administrators, not an archive of messages that
    # carry guardians' names and (expired) links.
    prune_outgoing_mail(keep_days=KEEP_DAYS)
