"""Web Push through a real peer: VAPID-signed, encrypted, decrypted by the test push service."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from schoolbrug.accounts.models import Account
from schoolbrug.notifications.models import Channel, Delivery, Notification, NotificationKind
from schoolbrug.notifications.push.models import PushReceipt, PushSubscription
from schoolbrug.notifications.push.testing import PushService
from schoolbrug.notifications.push.transport import MAX_PAYLOAD_BYTES, PushTransport, build_payload, topic_for
from schoolbrug.notifications.push.vapid import public_key_for
from schoolbrug.notifications.transports import PermanentDeliveryError, TransientDeliveryError, get_transport

pytestmark = pytest.mark.django_db


def _subscribe(service: PushService, account: Account, name: str = "phone") -> PushSubscription:
    endpoint, keys = service.new_subscription(name)
    return PushSubscription.objects.create(
        account=account, endpoint=endpoint, p256dh=keys.p256dh, auth=keys.auth, user_agent_label="Firefox op Android"
    )


def _delivery(subscription: PushSubscription, *, urgent: bool = False, key: str = "n1-push-1") -> Delivery:
    notification = Notification.objects.create(
        recipient=subscription.account,
        kind=NotificationKind.ABSENCE,
        title="Nieuwe absentie",
        text="Er is een absentie voor uw kind geregistreerd.",
        link="/portal/",
        urgent=urgent,
    )
    return Delivery.objects.create(
        notification=notification, channel=Channel.PUSH, device_id=subscription.pk, idempotency_key=key
    )


def test_push_is_the_registered_transport() -> None:
    assert isinstance(get_transport("push"), PushTransport)


def test_the_push_service_decrypts_the_message_and_verifies_the_vapid_signature(
    push_service: PushService, guardian: Account, vapid_key: str
) -> None:
    subscription = _subscribe(push_service, guardian)
    delivery = _delivery(subscription)

    PushTransport().send(delivery)

    assert push_service.refused == []
    [received] = push_service.received
    assert received.message == {
        "title": "Nieuwe absentie",
        "body": "Er is een absentie voor uw kind geregistreerd.",
        "url": "/portal/",
        "tag": topic_for("n1-push-1"),
        "urgent": False,
    }
    # Signed with this server's key; the contact is the configured address.
    assert received.vapid_public_key == public_key_for(vapid_key)
    assert received.claims["sub"] == "mailto:beheer@debrug.example.nl"
    assert received.headers["topic"] == topic_for("n1-push-1")
    assert len(received.headers["topic"]) <= 32
    assert received.headers["urgency"] == "normal"
    assert int(received.headers["ttl"]) > 0
    subscription.refresh_from_db()
    assert subscription.last_success is not None


def test_urgent_messages_say_so_and_ask_for_high_urgency(push_service: PushService, guardian: Account) -> None:
    subscription = _subscribe(push_service, guardian)
    PushTransport().send(_delivery(subscription, urgent=True))
    [received] = push_service.received
    assert received.headers["urgency"] == "high"
    assert received.message["title"] == "Dringend: Nieuwe absentie"
    assert received.message["urgent"] is True


def test_a_retry_of_a_delivered_message_is_not_sent_again(push_service: PushService, guardian: Account) -> None:
    subscription = _subscribe(push_service, guardian)
    delivery = _delivery(subscription)
    PushTransport().send(delivery)
    PushTransport().send(delivery)  # the worker crashed before marking it sent
    assert len(push_service.received) == 1
    assert PushReceipt.objects.filter(subscription=subscription, idempotency_key=delivery.idempotency_key).count() == 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_removed(push_service: PushService, guardian: Account, status: int) -> None:
    subscription = _subscribe(push_service, guardian)
    push_service.scripted["/push/phone"] = [status]
    with pytest.raises(PermanentDeliveryError):
        PushTransport().send(_delivery(subscription))
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_busy_push_service_is_retried_and_then_delivers_once(
    push_service: PushService, guardian: Account, status: int
) -> None:
    subscription = _subscribe(push_service, guardian)
    delivery = _delivery(subscription)
    push_service.scripted["/push/phone"] = [status]
    with pytest.raises(TransientDeliveryError):
        PushTransport().send(delivery)
    assert PushSubscription.objects.get(pk=subscription.pk).disabled_at is None
    PushTransport().send(delivery)
    assert [r.message["title"] for r in push_service.received] == ["Nieuwe absentie"]


def test_an_unreachable_push_service_is_a_transient_error(guardian: Account, vapid_key: str, settings: object) -> None:
    from schoolbrug.core.testing import free_port

    origin = f"http://127.0.0.1:{free_port()}"
    subscription = PushSubscription.objects.create(
        account=guardian, endpoint=f"{origin}/push/gone", p256dh=_keys().p256dh, auth=_keys().auth
    )
    with pytest.raises(TransientDeliveryError):
        PushTransport().send(_delivery(subscription))


def test_a_slow_push_service_times_out_as_a_transient_error(push_service: PushService, guardian: Account) -> None:
    subscription = _subscribe(push_service, guardian)
    push_service.delay_seconds = 4  # longer than the 2 s timeout of the fixture
    with pytest.raises(TransientDeliveryError):
        PushTransport().send(_delivery(subscription))


def test_a_refusal_for_good_disables_the_device(push_service: PushService, guardian: Account) -> None:
    subscription = _subscribe(push_service, guardian)
    delivery = _delivery(subscription)
    push_service.scripted["/push/phone"] = [403]
    with pytest.raises(PermanentDeliveryError):
        PushTransport().send(delivery)
    PushTransport().disable_device(delivery)
    subscription.refresh_from_db()
    assert subscription.disabled_at is not None
    assert PushTransport().devices([guardian.pk]) == {}
    with pytest.raises(PermanentDeliveryError):
        PushTransport().send(delivery)


def test_devices_lists_active_subscriptions_per_account(
    push_service: PushService, guardian: Account, other_guardian: Account
) -> None:
    first = _subscribe(push_service, guardian, "a")
    second = _subscribe(push_service, guardian, "b")
    third = _subscribe(push_service, other_guardian, "c")
    PushSubscription.objects.filter(pk=second.pk).update(disabled_at=timezone.now())
    assert PushTransport().devices([guardian.pk, other_guardian.pk]) == {
        guardian.pk: [first.pk],
        other_guardian.pk: [third.pk],
    }


def test_a_delivery_for_another_accounts_device_is_not_sent(
    push_service: PushService, guardian: Account, other_guardian: Account
) -> None:
    subscription = _subscribe(push_service, other_guardian)
    delivery = _delivery(subscription)
    delivery.notification.recipient = guardian
    delivery.notification.save()
    with pytest.raises(PermanentDeliveryError):
        PushTransport().send(Delivery.objects.select_related("notification").get(pk=delivery.pk))
    assert push_service.received == []


def test_the_payload_stays_under_three_kilobytes_and_links_stay_on_the_site() -> None:
    payload = build_payload(title="T" * 500, text="é" * 5000, link="/portal/" + "x" * 3000, tag="t", urgent=False)
    assert len(payload) < MAX_PAYLOAD_BYTES
    data = json.loads(payload)
    assert len(data["title"]) <= 80 and len(data["body"]) <= 160
    assert (
        json.loads(build_payload(title="t", text="", link="https://evil.example/", tag="t", urgent=False))["url"] == "/"
    )
    assert json.loads(build_payload(title="t", text="", link="//evil.example/", tag="t", urgent=False))["url"] == "/"


def _keys():  # type: ignore[no-untyped-def]
    from schoolbrug.notifications.push.testing import BrowserKeys

    return BrowserKeys()
