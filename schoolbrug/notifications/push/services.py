"""Writes for push subscriptions."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolbrug.accounts.models import Account

from .models import PushReceipt, PushSubscription
from .selectors import subscriptions_of
from .validation import SubscriptionData


@transaction.atomic
def subscribe(*, account: Account, data: SubscriptionData, label: str) -> PushSubscription:
    """Stores (or renews) this device's subscription for the account.

    The endpoint identifies the browser: the same browser subscribing again (new keys after the
    push service rotated them, or another account logging in on a shared device) updates the
    one row, so nobody gets another person's notifications on that device.
    """
    subscription, _created = PushSubscription.objects.select_for_update().update_or_create(
        endpoint=data.endpoint,
        defaults={
            "account": account,
            "p256dh": data.p256dh,
            "auth": data.auth,
            "user_agent_label": label[:100],
            "disabled_at": None,
        },
    )
    return subscription


def unsubscribe(*, account: Account, endpoint: str) -> bool:
    """Removes the account's subscription with this endpoint; False when it has none."""
    deleted, _ = subscriptions_of(account).filter(endpoint=endpoint).delete()
    return deleted > 0


def remove(*, account: Account, subscription_id: int) -> bool:
    deleted, _ = subscriptions_of(account).filter(pk=subscription_id).delete()
    return deleted > 0


def record_success(subscription: PushSubscription, idempotency_key: str) -> None:
    now = timezone.now()
    try:
        with transaction.atomic():
            PushReceipt.objects.create(subscription=subscription, idempotency_key=idempotency_key)
    except IntegrityError:
        pass  # a concurrent retry got there first: the device has it once either way
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success=now)


def drop_gone(subscription: PushSubscription) -> None:
    """The push service says the subscription no longer exists (404/410): forget it."""
    PushSubscription.objects.filter(pk=subscription.pk).delete()


def disable(subscription: PushSubscription) -> None:
    """The push service refuses this subscription for good (not gone): stop sending to it."""
    PushSubscription.objects.filter(pk=subscription.pk, disabled_at__isnull=True).update(disabled_at=timezone.now())
