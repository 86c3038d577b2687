"""The outbox worker: claims due deliveries with a lease, re-checks them, sends them.

Claiming. A batch of due deliveries is leased to one worker (`lease_owner`, `lease_expires_at`).
On PostgreSQL the candidates are read `FOR UPDATE SKIP LOCKED`, so concurrent workers take
different rows without waiting; on SQLite (no row locks) the lease is taken by one conditional
UPDATE, which is atomic there. Either way the UPDATE only takes rows whose lease is free or
expired, and the worker then sends only the rows that came back under its name. A worker that
dies leaves its lease to expire; another worker then takes the rows.

Sending. Before each send the delivery is planned again with the same pure function that planned
it (`planning.plan_deliveries`) from the current state: read meanwhile, recipient deactivated,
preference changed, quiet hours begun. A delivery the new plan does not contain is cancelled (and
what the new plan contains instead, e.g. the digest, is added); one it postpones waits.

After a crash between "sent" and "marked sent" the delivery is sent again, with the same
idempotency key, which the transports pass on so the receiver shows it once.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import Channel, Delivery
from .planning import plan_deliveries
from .selectors import recipient_settings
from .services import delivery_rows, event_of
from .transports import DeliveryError, PermanentDeliveryError, get_transport

logger = logging.getLogger("schoolbrug.notifications")

DEFAULT_LEASE = timedelta(seconds=60)
DEFAULT_BATCH = 50
# Attempt n failed transiently: try again after RETRY_DELAYS[n - 1]; after the last, give up.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Digests are collected by the digest job, never sent one by one.
WORKER_CHANNELS = (Channel.EMAIL, Channel.PUSH)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{get_random_string(8)}"


def _due(now: datetime) -> Q:
    return Q(state=Delivery.State.PENDING, next_attempt_at__lte=now) & (
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    )


def claim(*, owner: str, now: datetime, limit: int = DEFAULT_BATCH, lease: timedelta = DEFAULT_LEASE) -> list[int]:
    """Lease up to `limit` due deliveries to `owner`; returns the ids it got."""
    with transaction.atomic():
        candidates = Delivery.objects.filter(_due(now), channel__in=WORKER_CHANNELS).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(_due(now), id__in=ids).update(lease_owner=owner, lease_expires_at=now + lease)
    return list(
        Delivery.objects.filter(id__in=ids, lease_owner=owner, state=Delivery.State.PENDING).values_list(
            "id", flat=True
        )
    )


@dataclass
class BatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    postponed: int = 0
    claimed: list[int] = field(default_factory=list)


def _mine(delivery: Delivery, owner: str) -> Q:
    return Q(id=delivery.pk, lease_owner=owner, state=Delivery.State.PENDING)


def _release(**fields: object) -> dict[str, object]:
    return {"lease_owner": "", "lease_expires_at": None, **fields}


def process(ids: list[int], *, owner: str, now: datetime | None = None) -> BatchResult:
    """Re-check and send the deliveries `ids` leased to `owner`."""
    result = BatchResult(claimed=list(ids))
    deliveries = list(
        Delivery.objects.filter(id__in=ids, lease_owner=owner, state=Delivery.State.PENDING)
        .select_related("notification__recipient")
        .order_by("id")
    )
    settings_by_id = recipient_settings({d.notification.recipient_id for d in deliveries})
    for delivery in deliveries:
        now_ = now or timezone.now()
        notification = delivery.notification
        person = settings_by_id.get(notification.recipient_id)
        plan = (
            plan_deliveries(person, event_of(notification), now_, read=notification.read_at is not None)
            if person is not None
            else []
        )
        match = next((p for p in plan if (p.channel, p.device_id) == (delivery.channel, delivery.device_id)), None)
        if match is None:
            with transaction.atomic():
                Delivery.objects.filter(_mine(delivery, owner)).update(**_release(state=Delivery.State.CANCELLED))
                # What replaces it (the digest instead of a push in quiet hours); the keys make
                # this a no-op when the replacement already exists.
                Delivery.objects.bulk_create(delivery_rows(notification, plan), ignore_conflicts=True)
            result.cancelled += 1
            continue
        if match.not_before > now_:
            Delivery.objects.filter(_mine(delivery, owner)).update(**_release(next_attempt_at=match.not_before))
            result.postponed += 1
            continue
        _send(delivery, owner=owner, now=now_, result=result)
    return result


def _send(delivery: Delivery, *, owner: str, now: datetime, result: BatchResult) -> None:
    transport = get_transport(delivery.channel)
    attempts = delivery.attempts + 1
    mine = Delivery.objects.filter(_mine(delivery, owner))
    try:
        if transport is None:
            raise DeliveryError(f"No transport for channel {delivery.channel!r}.")
        transport.send(delivery)
    except PermanentDeliveryError as error:
        mine.update(**_release(state=Delivery.State.FAILED, attempts=attempts, last_error=str(error)[:2000]))
        if transport is not None:
            transport.disable_device(delivery)
        logger.warning("delivery %s failed permanently: %s", delivery.idempotency_key, error)
        result.failed += 1
    except Exception as error:  # a transient error, or a bug in one transport: retried, recorded
        message = str(error) or type(error).__name__
        if not isinstance(error, DeliveryError):
            logger.exception("delivery %s raised", delivery.idempotency_key)
        if attempts >= MAX_ATTEMPTS:
            mine.update(**_release(state=Delivery.State.FAILED, attempts=attempts, last_error=message[:2000]))
            result.failed += 1
        else:
            mine.update(
                **_release(
                    attempts=attempts, last_error=message[:2000], next_attempt_at=now + RETRY_DELAYS[attempts - 1]
                )
            )
            result.retried += 1
    else:
        mine.update(**_release(state=Delivery.State.SENT, attempts=F("attempts") + 1, sent_at=timezone.now()))
        result.sent += 1


def run_once(*, owner: str, limit: int = DEFAULT_BATCH, lease: timedelta = DEFAULT_LEASE) -> BatchResult:
    """Claim one batch and process it."""
    ids = claim(owner=owner, now=timezone.now(), limit=limit, lease=lease)
    return process(ids, owner=owner) if ids else BatchResult()


def pending_due(now: datetime) -> bool:
    """Whether any delivery the worker handles is due now (leased or not)."""
    return Delivery.objects.filter(
        state=Delivery.State.PENDING, next_attempt_at__lte=now, channel__in=WORKER_CHANNELS
    ).exists()


def run_until_idle(
    *, owner: str, limit: int = DEFAULT_BATCH, lease: timedelta = DEFAULT_LEASE, pause: float = 0.2
) -> int:
    """Process batches until nothing is due (waiting for other workers' expired leases); returns
    how many were sent. For tests and the benchmark."""
    sent = 0
    while True:
        result = run_once(owner=owner, limit=limit, lease=lease)
        sent += result.sent
        if not result.claimed:
            if not pending_due(timezone.now()):
                return sent
            time.sleep(pause)
