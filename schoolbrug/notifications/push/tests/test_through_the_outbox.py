"""notify() → outbox → worker → the push transport → the test push service, end to end."""

from __future__ import annotations

import pytest

from schoolbrug.accounts.models import Account
from schoolbrug.notifications import worker
from schoolbrug.notifications.models import Channel, Delivery, NotificationKind
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.push.models import PushSubscription
from schoolbrug.notifications.push.testing import PushService
from schoolbrug.notifications.services import notify

pytestmark = pytest.mark.django_db

ABSENCE = Event(kind=NotificationKind.ABSENCE, title="Absentie gemeld", text="Sam is vandaag afwezig.", link="/portal/")


def _device(service: PushService, account: Account, name: str) -> PushSubscription:
    endpoint, keys = service.new_subscription(name)
    return PushSubscription.objects.create(account=account, endpoint=endpoint, p256dh=keys.p256dh, auth=keys.auth)


def test_a_notification_reaches_each_device_once_through_the_worker(
    push_service: PushService, guardian: Account
) -> None:
    phone = _device(push_service, guardian, "phone")
    laptop = _device(push_service, guardian, "laptop")

    notify([guardian], ABSENCE)
    deliveries = Delivery.objects.filter(channel=Channel.PUSH)
    assert set(deliveries.values_list("device_id", flat=True)) == {phone.pk, laptop.pk}
    worker.run_until_idle(owner="w1")

    assert sorted(r.path for r in push_service.received) == ["/push/laptop", "/push/phone"]
    assert {r.message["body"] for r in push_service.received} == {"Sam is vandaag afwezig."}
    assert set(deliveries.values_list("state", flat=True)) == {Delivery.State.SENT}


def test_a_gone_device_is_removed_and_a_busy_service_retried(push_service: PushService, guardian: Account) -> None:
    phone = _device(push_service, guardian, "phone")
    old_tablet = _device(push_service, guardian, "tablet")
    push_service.scripted["/push/tablet"] = [410]
    push_service.scripted["/push/phone"] = [503]

    notify([guardian], ABSENCE)
    worker.run_once(owner="w1")

    assert not PushSubscription.objects.filter(pk=old_tablet.pk).exists()
    tablet_delivery = Delivery.objects.get(device_id=old_tablet.pk)
    assert (tablet_delivery.state, tablet_delivery.attempts) == (Delivery.State.FAILED, 1)
    phone_delivery = Delivery.objects.get(device_id=phone.pk)
    assert (phone_delivery.state, phone_delivery.attempts) == (Delivery.State.PENDING, 1)
    assert "503" in phone_delivery.last_error
    assert push_service.received == []

    # The retry is due after the backoff: it goes out once.
    Delivery.objects.filter(pk=phone_delivery.pk).update(next_attempt_at=phone_delivery.created_at)
    worker.run_until_idle(owner="w2")
    phone_delivery.refresh_from_db()
    assert phone_delivery.state == Delivery.State.SENT
    assert [r.path for r in push_service.received] == ["/push/phone"]
