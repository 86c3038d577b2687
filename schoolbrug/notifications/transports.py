"""How a delivery leaves Schoolbrug: one transport per channel, in a registry.

The worker (`schoolbrug.notifications.worker`) calls `get_transport(delivery.channel).send(delivery)`.
A transport either returns (the message was handed over) or raises

- `TransientDeliveryError`: may pass (server down, timeout, 5xx of a push service); the worker
  retries with backoff;
- `PermanentDeliveryError`: will not pass (unknown mailbox, push subscription gone: 404/410); the
  worker gives the delivery up and calls `disable_device(delivery)`, so that channel is not used
  for that device again.

Every delivery carries `delivery.idempotency_key`; a transport passes it on (e-mail Message-ID,
push topic/payload id) so that a retry after a crash is recognised by the receiver as the same
message.

The e-mail transport is registered here. Another channel registers its transport from its own
module, imported by its app's `ready()`::

    from schoolbrug.notifications.transports import register_transport
    register_transport("push", PushTransport())

A channel whose deliveries go to devices (push) implements `devices(account_ids)`: the devices
of each account, in one query, so that `notify` plans one delivery per device.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.db.models import F
from django.utils import translation

if TYPE_CHECKING:
    from .models import Delivery

logger = logging.getLogger("schoolbrug.notifications")


class DeliveryError(Exception):
    """A delivery did not go out."""


class TransientDeliveryError(DeliveryError):
    """Trying again later may succeed."""


class PermanentDeliveryError(DeliveryError):
    """Trying again will not help; the channel is disabled for this device."""


@runtime_checkable
class Transport(Protocol):
    def send(self, delivery: Delivery) -> None:
        """Hand the delivery over, passing `delivery.idempotency_key` on; raise a DeliveryError."""

    def disable_device(self, delivery: Delivery) -> None:
        """Called once after a PermanentDeliveryError: stop using this channel for this device."""


class DeviceTransport(Transport, Protocol):
    def devices(self, account_ids: Collection[int]) -> Mapping[int, Sequence[int]]:
        """The active device ids per account (accounts without devices may be left out)."""


_registry: dict[str, Transport] = {}


def register_transport(channel: str, transport: Transport) -> None:
    """Register (or replace) the transport for `channel`."""
    _registry[channel] = transport


def unregister_transport(channel: str) -> None:
    _registry.pop(channel, None)


def get_transport(channel: str) -> Transport | None:
    return _registry.get(channel)


def device_transport(channel: str) -> DeviceTransport | None:
    transport = _registry.get(channel)
    return transport if transport is not None and hasattr(transport, "devices") else None  # type: ignore[return-value]


def message_id(idempotency_key: str) -> str:
    """The Message-ID of the e-mail for a delivery: the same on every retry, so that a mail
    client that received the first attempt shows the second as the same message."""
    return f"<{idempotency_key}@notifications.schoolbrug>"


class EmailTransport:
    """A notification as a short plain-text e-mail with a link, through `core.outgoing`."""

    def send(self, delivery: Delivery) -> None:
        from schoolbrug.core.mail_queue import is_transient
        from schoolbrug.core.outgoing import EmailMessage, email_link

        notification = delivery.notification
        recipient = notification.recipient
        if not recipient.email:
            raise PermanentDeliveryError("The account has no e-mail address.")
        with translation.override(recipient.language or "nl"):
            lines = [notification.text] if notification.text else []
            if notification.link:
                lines += ["", email_link(notification.link)]
            subject = notification.title
            if notification.urgent:
                subject = translation.gettext("Urgent: %(title)s") % {"title": subject}
        message = EmailMessage(
            subject=subject,
            body="\n".join(lines) + "\n",
            to=[recipient.email],
            headers={"Message-ID": message_id(delivery.idempotency_key)},
        )
        try:
            message.send()
        except Exception as error:
            if is_transient(error):
                raise TransientDeliveryError(str(error) or type(error).__name__) from error
            raise PermanentDeliveryError(str(error) or type(error).__name__) from error

    def disable_device(self, delivery: Delivery) -> None:
        # An address the mail server refuses is the school's to correct in the records; the next
        # notification tries it again rather than silently dropping e-mail for good.
        logger.warning("e-mail for notification %s refused permanently", delivery.notification_id)


class RecordingTransport:
    """Records what it receives in `RecordedDelivery`, deduplicating on the idempotency key as a
    receiving service would. For tests, the benchmark and demos."""

    def __init__(self, *, devices: Mapping[int, Sequence[int]] | None = None) -> None:
        self._devices = devices

    def send(self, delivery: Delivery) -> None:
        from .models import RecordedDelivery

        updated = RecordedDelivery.objects.filter(idempotency_key=delivery.idempotency_key).update(
            received=F("received") + 1
        )
        if not updated:
            RecordedDelivery.objects.bulk_create(
                [
                    RecordedDelivery(
                        idempotency_key=delivery.idempotency_key,
                        channel=delivery.channel,
                        notification_id=delivery.notification_id,
                    )
                ],
                ignore_conflicts=True,
            )

    def disable_device(self, delivery: Delivery) -> None:
        return None


register_transport("email", EmailTransport())
