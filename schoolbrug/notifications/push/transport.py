"""The "push" transport: one delivery is one notification to one device (PushSubscription).

Sent with pywebpush (RFC 8291 aes128gcm encryption, RFC 8292 VAPID). What the push service
answers decides what the worker does:

- 201/202: handed over; a receipt is kept so a retry of the same delivery skips this device.
- 404/410: the subscription is gone (app removed, permission withdrawn): the row is deleted and
  the delivery fails permanently.
- 429, 5xx, a timeout or no connection: TransientDeliveryError, the worker retries later.
- any other answer (400 malformed, 403 wrong key, 413 too large): permanent, the device is
  disabled rather than asked again and again.

A retry after a crash must not show the person a second copy: the Topic header (RFC 8030 §5.4)
carries a hash of the delivery's idempotency key, so the push service replaces a message it still
holds, and the service worker shows the notification with the same hash as its tag, so a copy
that did arrive twice replaces the first on the screen.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils import translation
from pywebpush import WebPushException, webpush

from ..transports import PermanentDeliveryError, TransientDeliveryError
from . import services
from .models import PushReceipt, PushSubscription
from .vapid import VapidKeyMissing, contact_claim, vapid_signer

if TYPE_CHECKING:
    from ..models import Delivery

# The push services' limit is 4 KB encrypted; the issue asks for under 3 KB of payload.
MAX_PAYLOAD_BYTES = 3 * 1024
TITLE_LIMIT = 80
TEXT_LIMIT = 160


def topic_for(idempotency_key: str) -> str:
    """RFC 8030 Topic: at most 32 characters of the URL-safe base64 alphabet."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:32]


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _safe_link(link: str) -> str:
    """Only a path inside Schoolbrug: the service worker opens it on this site, never elsewhere."""
    parts = urlsplit(link or "/")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return link[:500]


def build_payload(*, title: str, text: str, link: str, tag: str, urgent: bool) -> bytes:
    """The JSON the service worker shows: what a lock screen may show and nothing more.

    Notification titles and texts are written for the lock screen (no child's full name or
    health details in them); here they are shortened, and the body is dropped rather than the
    message going over the limit.
    """
    data: dict[str, Any] = {
        "title": _shorten(title, TITLE_LIMIT),
        "body": _shorten(text, TEXT_LIMIT),
        "url": _safe_link(link),
        "tag": tag,
        "urgent": urgent,
    }
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(encoded) > MAX_PAYLOAD_BYTES:
        data["body"] = ""
        data["url"] = "/"
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return encoded


def push_to(subscription: PushSubscription, *, payload: bytes, idempotency_key: str, urgent: bool) -> None:
    """One encrypted, VAPID-signed POST to the subscription's push service; raises a DeliveryError."""
    try:
        signer = vapid_signer()
    except (VapidKeyMissing, ValueError) as error:
        # Configuration, not the device: retried until an operator sets the key (and visible in
        # the delivery's last error meanwhile), rather than disabling every device.
        raise TransientDeliveryError("No VAPID key is configured (manage.py vapid_keys).") from error
    headers = {"Topic": topic_for(idempotency_key), "Urgency": "high" if urgent else "normal"}
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=payload.decode("utf-8"),
            vapid_private_key=signer,
            vapid_claims={"sub": contact_claim()},  # a fresh dict: pywebpush adds aud and exp to it
            ttl=settings.SCHOOLBRUG_PUSH_TTL_SECONDS,
            headers=headers,
            # pywebpush waits without limit when no timeout is given.
            timeout=settings.SCHOOLBRUG_PUSH_TIMEOUT_SECONDS,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in {404, 410}:
            services.drop_gone(subscription)
            raise PermanentDeliveryError(f"push subscription gone ({status})") from error
        if status is None or status == 429 or status >= 500:
            raise TransientDeliveryError(f"push service answered {status}") from error
        raise PermanentDeliveryError(f"push service refused the message ({status})") from error
    except (requests.Timeout, requests.ConnectionError) as error:
        raise TransientDeliveryError(f"push service unreachable: {type(error).__name__}") from error
    services.record_success(subscription, idempotency_key)


class PushTransport:
    def devices(self, account_ids: Collection[int]) -> Mapping[int, Sequence[int]]:
        result: dict[int, list[int]] = {}
        rows = (
            PushSubscription.objects.filter(account_id__in=list(account_ids), disabled_at__isnull=True)
            .order_by("pk")
            .values_list("account_id", "pk")
        )
        for account_id, subscription_id in rows:
            result.setdefault(account_id, []).append(subscription_id)
        return result

    def send(self, delivery: Delivery) -> None:
        notification = delivery.notification
        if delivery.device_id is None:
            raise PermanentDeliveryError("a push delivery without a device")
        subscription = PushSubscription.objects.filter(
            pk=delivery.device_id, account_id=notification.recipient_id, disabled_at__isnull=True
        ).first()
        if subscription is None:
            raise PermanentDeliveryError("the device is no longer subscribed")
        if PushReceipt.objects.filter(subscription=subscription, idempotency_key=delivery.idempotency_key).exists():
            return  # handed over before a crash: the device has it already
        title = notification.title
        if notification.urgent:
            with translation.override(notification.recipient.language or "nl"):
                title = translation.gettext("Urgent: %(title)s") % {"title": title}
        payload = build_payload(
            title=title,
            text=notification.text,
            link=notification.link,
            tag=topic_for(delivery.idempotency_key),
            urgent=notification.urgent,
        )
        push_to(subscription, payload=payload, idempotency_key=delivery.idempotency_key, urgent=notification.urgent)

    def disable_device(self, delivery: Delivery) -> None:
        if delivery.device_id is None:
            return
        subscription = PushSubscription.objects.filter(pk=delivery.device_id).first()
        if subscription is not None:
            services.disable(subscription)
