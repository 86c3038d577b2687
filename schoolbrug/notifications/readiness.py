"""The outbox's part of `/readyz`: due, unsent deliveries must not wait too long."""

from __future__ import annotations

from django.utils import timezone

from schoolbrug.core.readiness import describe_backlog, register_check

from .models import Delivery


def check_outbox() -> str:
    # The partial index delivery_pending_due answers this without reading the sent rows.
    oldest = (
        Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return describe_backlog(oldest)


def register() -> None:
    register_check("outbox", check_outbox)
