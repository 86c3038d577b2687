"""Periodic jobs of the notifications app (see `schoolbrug.core.scheduler`)."""

from __future__ import annotations

from datetime import timedelta

from schoolbrug.core.scheduler import register_job

from .digest import send_due_digests


@register_job("notifications.send_due_digests", every=timedelta(minutes=5))
def send_digests() -> None:
    send_due_digests()
