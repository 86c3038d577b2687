"""Reads: whose devices are these (the one rule for every push view and the sender)."""

from __future__ import annotations

from django.db.models import QuerySet

from schoolbrug.accounts.models import Account

from .models import PushSubscription


def subscriptions_of(account: Account) -> QuerySet[PushSubscription]:
    """The devices an account may see and remove: its own, nobody else's."""
    return PushSubscription.objects.filter(account=account)


def sendable_subscriptions(account_id: int, idempotency_key: str) -> list[PushSubscription]:
    """Active devices of the recipient that have not yet received this notification."""
    return list(
        PushSubscription.objects.filter(account_id=account_id, disabled_at__isnull=True)
        .exclude(receipts__idempotency_key=idempotency_key)
        .order_by("pk")
    )
