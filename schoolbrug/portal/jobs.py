"""Periodic portal work, found by `manage.py run_scheduler`."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schoolbrug.core.scheduler import register_job

from .services import module_schedules_apply


@register_job("portal.apply_module_schedules", every=timedelta(minutes=5))
def apply_module_schedules() -> None:
    # Every few minutes, so a switch planned for a day lands within minutes of its midnight.
    module_schedules_apply(now=timezone.now())
