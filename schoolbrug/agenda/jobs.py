"""Periodic agenda work, found by `manage.py run_scheduler` (see `schoolbrug.core.scheduler`)."""

from __future__ import annotations

from datetime import timedelta

from schoolbrug.core.scheduler import register_job

from .reminders import send_conference_reminders, send_event_reminders, send_opening_notices


@register_job("agenda.send_reminders", every=timedelta(minutes=5))
def send_reminders() -> None:
    # Every few minutes: an opening at 19:00 is announced within minutes, and each message is
    # sent once however often this runs (dedupe keys).
    send_opening_notices()
    send_event_reminders()
    send_conference_reminders()
