"""Reads: whose devices are these (the one rule for every push view and the account pages)."""

from __future__ import annotations

from django.db.models import QuerySet

from schoolbrug.accounts.models import Account

from .models import PushSubscription


def subscriptions_of(account: Account) -> QuerySet[PushSubscription]:
    """The devices an account may see and remove: its own, nobody else's."""
    return PushSubscription.objects.filter(account=account)
