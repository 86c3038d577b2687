"""Periodic job of the rollover (registered through `schoolbrug.sis.jobs`)."""

from __future__ import annotations

from datetime import timedelta

from schoolbrug.core.scheduler import register_job

from .services import carry_out_due_changes


@register_job("sis.rollover_due_changes", every=timedelta(hours=1))
def rollover_due_changes() -> None:
    # Hourly, so a school anywhere sees its leavers and new year within an hour of its midnight.
    carry_out_due_changes()
