"""Periodic jobs of messaging (see `schoolbrug.core.scheduler`)."""

from __future__ import annotations

from datetime import timedelta

from schoolbrug.core.scheduler import register_job

from .services import publish_due_posts


@register_job("messaging.publish_due_posts", every=timedelta(minutes=1))
def publish_scheduled_posts() -> None:
    # The fan-out happens here, at the chosen moment, not when the post was written.
    publish_due_posts()
