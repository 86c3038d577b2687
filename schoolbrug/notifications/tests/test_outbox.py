"""notify() writes the outbox in the caller's transaction; the worker leases, re-checks and
sends, retries transient failures and gives up permanent ones."""

from __future__ import annotations

from collections.abc import Collection
from datetime import time, timedelta

from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from schoolbrug.accounts.models import Account
from schoolbrug.core.testing import SmtpInbox, assert_same_query_count, count_queries, free_port, smtp_mailers
from schoolbrug.notifications import worker
from schoolbrug.notifications.models import (
    Channel,
    Delivery,
    Mode,
    Notification,
    NotificationKind,
    Preference,
    QuietHours,
    RecordedDelivery,
)
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import mark_read, notify
from schoolbrug.notifications.transports import (
    EmailTransport,
    PermanentDeliveryError,
    RecordingTransport,
    TransientDeliveryError,
    get_transport,
    message_id,
    register_transport,
    unregister_transport,
)
from schoolbrug.sis.testing import make_school, make_staff_account


def guardians(count: int, prefix: str = "ouder") -> list[Account]:
    return [
        Account.objects.create_account(kind="guardian", email=f"{prefix}{i}@example.org", first_name=f"Ouder {i}")
        for i in range(count)
    ]


EVENT = Event(kind=NotificationKind.BOOKING, title="Gesprek bevestigd", text="Dinsdag 15:00", link="/portaal/")


class FailingTransport:
    """A transport that fails as told; records what the worker handed it."""

    def __init__(self, error: Exception | None) -> None:
        self.error = error
        self.sent: list[str] = []
        self.disabled: list[str] = []

    def send(self, delivery: Delivery) -> None:
        self.sent.append(delivery.idempotency_key)
        if self.error is not None:
            raise self.error

    def disable_device(self, delivery: Delivery) -> None:
        self.disabled.append(delivery.idempotency_key)


class DeviceTransport(FailingTransport):
    """A push-like transport: every account has device 9."""

    def devices(self, account_ids: Collection[int]) -> dict[int, list[int]]:
        return {account_id: [9] for account_id in account_ids}


class NotifyTests(TestCase):
    def test_fixed_number_of_queries_for_any_number_of_recipients(self) -> None:
        few, many = guardians(3, "a"), guardians(40, "b")
        for account in many[:10]:
            Preference.objects.create(account=account, kind=NotificationKind.BOOKING, mode=Mode.DIGEST)
        with count_queries() as small:
            notify(few, EVENT)
        with count_queries() as large:
            notify(many, EVENT)
        assert_same_query_count(small, large, "notify")
        self.assertEqual(Notification.objects.count(), 43)
        self.assertEqual(Delivery.objects.filter(channel=Channel.EMAIL).count(), 33)
        self.assertEqual(Delivery.objects.filter(channel=Channel.DIGEST).count(), 10)

    def test_written_in_the_callers_transaction(self) -> None:
        people = guardians(2)
        with self.assertRaises(RuntimeError), transaction.atomic():
            notify(people, EVENT)
            raise RuntimeError("the event itself failed")
        self.assertFalse(Notification.objects.exists())
        self.assertFalse(Delivery.objects.exists())

    def test_the_same_event_notifies_a_person_once(self) -> None:
        people = guardians(2)
        event = Event(kind=NotificationKind.ABSENCE, title="Ziek gemeld", dedupe_key="absence:5")
        notify(people[:1], event)
        notify(people, event)
        self.assertEqual(Notification.objects.filter(recipient=people[0]).count(), 1)
        self.assertEqual(Notification.objects.count(), 2)

    def test_new_staff_get_the_school_default_contact_hours(self) -> None:
        school, _previous, _current = make_school("De Linde")
        staff = make_staff_account(school, "juf@example.org", "Anna", "Jansen").account
        hours = {row.weekday: row for row in QuietHours.objects.filter(account=staff)}
        self.assertEqual(sorted(hours), list(range(7)))
        self.assertTrue(all(hours[day].available for day in range(5)))
        self.assertFalse(hours[5].available or hours[6].available)
        self.assertEqual((hours[0].start, hours[0].end), (time(8), time(17)))
        self.assertFalse(QuietHours.objects.filter(account__kind="guardian").exists())


class WorkerTests(TestCase):
    def setUp(self) -> None:
        self.recording = RecordingTransport()
        register_transport(Channel.EMAIL, self.recording)
        self.addCleanup(register_transport, Channel.EMAIL, EmailTransport())

    def test_sends_each_delivery_once_and_marks_it_sent(self) -> None:
        notify(guardians(3), EVENT)
        self.assertEqual(worker.run_until_idle(owner="w1"), 3)
        self.assertEqual(RecordedDelivery.objects.count(), 3)
        self.assertEqual(set(Delivery.objects.values_list("state", flat=True)), {Delivery.State.SENT})
        self.assertEqual(worker.run_until_idle(owner="w2"), 0)
        self.assertEqual(sum(RecordedDelivery.objects.values_list("received", flat=True)), 3)

    def test_a_lease_keeps_other_workers_off_until_it_expires(self) -> None:
        notify(guardians(3), EVENT)
        now = timezone.now()
        taken = worker.claim(owner="dead", now=now, lease=timedelta(seconds=30))
        self.assertEqual(len(taken), 3)
        self.assertEqual(worker.claim(owner="other", now=now + timedelta(seconds=29)), [])
        # The first worker died without sending: its lease runs out and another takes the rows.
        later = now + timedelta(seconds=31)
        self.assertEqual(sorted(worker.claim(owner="other", now=later)), sorted(taken))
        result = worker.process(taken, owner="other", now=later)
        self.assertEqual(result.sent, 3)
        # The dead worker's late attempt to finish finds nothing leased to it.
        self.assertEqual(worker.process(taken, owner="dead", now=later).sent, 0)
        self.assertEqual(RecordedDelivery.objects.count(), 3)

    def test_read_before_sending_is_not_sent(self) -> None:
        (person,) = guardians(1)
        notify([person], EVENT)
        mark_read(person)
        self.assertEqual(worker.run_until_idle(owner="w"), 0)
        self.assertEqual(Delivery.objects.get().state, Delivery.State.CANCELLED)
        self.assertFalse(RecordedDelivery.objects.exists())

    def test_deactivated_before_sending_is_not_sent(self) -> None:
        (person,) = guardians(1)
        notify([person], EVENT)
        Account.objects.filter(pk=person.pk).update(is_active=False)
        worker.run_until_idle(owner="w")
        self.assertEqual(Delivery.objects.get().state, Delivery.State.CANCELLED)
        self.assertFalse(RecordedDelivery.objects.exists())

    def test_preference_changed_before_sending_goes_to_the_digest_instead(self) -> None:
        (person,) = guardians(1)
        notify([person], EVENT)
        Preference.objects.create(account=person, kind=NotificationKind.BOOKING, mode=Mode.DIGEST)
        worker.run_until_idle(owner="w")
        states = dict(Delivery.objects.values_list("channel", "state"))
        self.assertEqual(states, {Channel.EMAIL: Delivery.State.CANCELLED, Channel.DIGEST: Delivery.State.PENDING})
        self.assertFalse(RecordedDelivery.objects.exists())

    def test_quiet_hours_postpone_an_email_until_they_end(self) -> None:
        school, _previous, _current = make_school("De Linde")
        staff = make_staff_account(school, "juf@example.org", "Anna", "Jansen").account
        QuietHours.objects.filter(account=staff).update(available=False)
        QuietHours.objects.filter(account=staff, weekday=(timezone.localdate().weekday() + 1) % 7).update(
            available=True, start=time(8), end=time(17)
        )
        notify([staff], EVENT)
        delivery = Delivery.objects.get()
        self.assertGreater(delivery.next_attempt_at, timezone.now())
        self.assertEqual(worker.run_until_idle(owner="w"), 0)  # not due yet
        # The window opened: it goes out then.
        result = worker.process(
            worker.claim(owner="w", now=delivery.next_attempt_at), owner="w", now=delivery.next_attempt_at
        )
        self.assertEqual(result.sent, 1)

    def test_transient_failure_is_retried_with_backoff_and_recorded(self) -> None:
        failing = FailingTransport(TransientDeliveryError("server busy"))
        register_transport(Channel.EMAIL, failing)
        notify(guardians(1), EVENT)
        now = timezone.now()
        for attempt in range(1, worker.MAX_ATTEMPTS + 1):
            ids = worker.claim(owner="w", now=now)
            self.assertEqual(len(ids), 1, attempt)
            worker.process(ids, owner="w", now=now)
            delivery = Delivery.objects.get()
            self.assertEqual((delivery.attempts, delivery.last_error), (attempt, "server busy"))
            if attempt < worker.MAX_ATTEMPTS:
                self.assertEqual(delivery.state, Delivery.State.PENDING)
                self.assertEqual(delivery.next_attempt_at, now + worker.RETRY_DELAYS[attempt - 1])
                self.assertEqual(worker.claim(owner="w", now=delivery.next_attempt_at - timedelta(seconds=1)), [])
                now = delivery.next_attempt_at
        self.assertEqual(delivery.state, Delivery.State.FAILED)
        # Every attempt carried the same idempotency key.
        self.assertEqual(set(failing.sent), {delivery.idempotency_key})
        self.assertEqual(failing.disabled, [])

    def test_permanent_failure_gives_up_and_disables_the_device(self) -> None:
        failing = DeviceTransport(PermanentDeliveryError("410 Gone"))
        # The real push transport is registered when the app is ready: put it back afterwards.
        real = get_transport(Channel.PUSH)
        register_transport(Channel.PUSH, failing)
        self.addCleanup(lambda: register_transport(Channel.PUSH, real) if real else unregister_transport(Channel.PUSH))
        (person,) = guardians(1)
        Preference.objects.create(account=person, kind=NotificationKind.BOOKING, mode=Mode.PUSH)
        notify([person], EVENT)
        delivery = Delivery.objects.get()
        self.assertEqual((delivery.channel, delivery.device_id), (Channel.PUSH, 9))
        worker.run_until_idle(owner="w")
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts, delivery.last_error), ("failed", 1, "410 Gone"))
        self.assertEqual(failing.disabled, [delivery.idempotency_key])


class EmailThroughSmtpTests(TestCase):
    """The e-mail transport against a real SMTP server (aiosmtpd)."""

    def test_delivered_with_the_idempotency_key_as_message_id(self) -> None:
        inbox = SmtpInbox(free_port())
        inbox.start()
        self.addCleanup(inbox.stop)
        with override_settings(MAILERS=smtp_mailers(inbox.port)):
            notify(guardians(1), EVENT)
            self.assertEqual(worker.run_until_idle(owner="w"), 1)
        (message,) = inbox.messages
        delivery = Delivery.objects.get()
        self.assertEqual(message["Message-ID"], message_id(delivery.idempotency_key))
        self.assertEqual(message["Subject"], "Gesprek bevestigd")
        self.assertIn("Dinsdag 15:00", SmtpInbox.text_of(message))
        self.assertIn("/portaal/", SmtpInbox.text_of(message))

    def test_unreachable_server_is_retried_not_lost(self) -> None:
        port = free_port()  # nothing listens here yet
        with override_settings(MAILERS=smtp_mailers(port)):
            notify(guardians(1), EVENT)
            self.assertEqual(worker.run_until_idle(owner="w"), 0)
            delivery = Delivery.objects.get()
            self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.PENDING, 1))
            self.assertTrue(delivery.last_error)
            inbox = SmtpInbox(port)
            inbox.start()
            self.addCleanup(inbox.stop)
            retry_at = delivery.next_attempt_at
            result = worker.process(worker.claim(owner="w", now=retry_at), owner="w", now=retry_at)
        self.assertEqual(result.sent, 1)
        self.assertEqual(len(inbox.messages), 1)
