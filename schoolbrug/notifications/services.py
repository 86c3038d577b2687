"""Writes of the notifications app."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from schoolbrug.accounts.models import Account

from .models import (
    DEFAULT_MODES,
    SPACE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Delivery,
    DigestSchedule,
    Notification,
    Preference,
    QuietHours,
    SchoolContactHours,
)
from .planning import Event, PlannedDelivery, plan_deliveries
from .selectors import recipient_settings, school_default_hours


def give_default_quiet_hours(account: Account, school_id: int) -> None:
    """Give a (new) staff account his school's default contact hours, unless he has his own."""
    if QuietHours.objects.filter(account=account).exists():
        return
    QuietHours.objects.bulk_create(
        [
            QuietHours(account=account, weekday=day, available=available, start=start, end=end)
            for day, available, start, end in school_default_hours(school_id)
        ]
    )


def _refuse_empty_windows(days: list[tuple[int, bool, time, time]]) -> None:
    # The forms say so in words; this guards every other caller (and the database checks it too).
    for _day, _available, start, end in days:
        if start == end:
            raise ValueError("A contact window needs an end different from its start.")


def set_school_default_hours(school_id: int, days: list[tuple[int, bool, time, time]]) -> None:
    """Replace the school's default contact hours (for staff who join from now on)."""
    _refuse_empty_windows(days)
    with transaction.atomic():
        SchoolContactHours.objects.filter(school_id=school_id).delete()
        SchoolContactHours.objects.bulk_create(
            [
                SchoolContactHours(school_id=school_id, weekday=day, available=available, start=start, end=end)
                for day, available, start, end in days
            ]
        )


def event_of(notification: Notification) -> Event:
    return Event(
        kind=notification.kind,
        title=notification.title,
        text=notification.text,
        link=notification.link,
        urgent=notification.urgent,
        space_key=notification.space_key,
        dedupe_key=notification.dedupe_key,
        pupil_id=notification.pupil_id,
        space=notification.space,
    )


def idempotency_key(notification_id: int, planned: PlannedDelivery) -> str:
    # Deterministic: planning the same delivery again (the worker re-plans before sending) finds
    # the existing row instead of adding a second one.
    return f"n{notification_id}-{planned.channel}-{planned.device_id or 0}"


def delivery_rows(notification: Notification, plan: list[PlannedDelivery]) -> list[Delivery]:
    return [
        Delivery(
            notification=notification,
            channel=planned.channel,
            device_id=planned.device_id,
            next_attempt_at=planned.not_before,
            idempotency_key=idempotency_key(notification.pk, planned),
        )
        for planned in plan
    ]


def notify(recipients: Iterable[Account], event: Event, *, now: datetime | None = None) -> list[Notification]:
    """Notify every recipient of `event`: the in-app notification and its deliveries (outbox rows),
    written in the caller's transaction, so they exist exactly when the event does.

    A fixed number of queries however many recipients. With `event.dedupe_key`, a recipient who
    was already notified of the event is skipped."""
    return notify_each([(account, event) for account in recipients], now=now)


def notify_each(pairs: Iterable[tuple[Account, Event]], *, now: datetime | None = None) -> list[Notification]:
    """`notify` for many events at once, each with its own recipient (one absence per pupil, each
    told to that pupil's guardians): still a fixed number of queries."""
    now = now or timezone.now()
    wanted: dict[tuple[int, str], Event] = {}
    for account, event in pairs:
        if len(event.title) > TITLE_MAX or len(event.text) > TEXT_MAX:
            raise ValueError("A notification's title or text is too long; shorten it where the event is made.")
        # Without a dedupe key every event counts; with one, once per person.
        key = event.dedupe_key or f"#{len(wanted)}"
        wanted.setdefault((account.pk, key), event)
    if not wanted:
        return []
    with transaction.atomic():
        keys = {event.dedupe_key for event in wanted.values() if event.dedupe_key}
        if keys:
            done = set(
                Notification.objects.filter(
                    recipient_id__in={account_id for account_id, _key in wanted}, dedupe_key__in=keys
                ).values_list("recipient_id", "dedupe_key")
            )
            wanted = {pair: event for pair, event in wanted.items() if pair not in done}
        settings_by_id = recipient_settings({account_id for account_id, _key in wanted})
        rows = [
            (
                Notification(
                    recipient_id=account_id,
                    kind=event.kind,
                    title=event.title,
                    text=event.text,
                    link=event.link,
                    urgent=event.urgent,
                    space_key=event.space_key,
                    dedupe_key=event.dedupe_key,
                    pupil_id=event.pupil_id,
                    space=event.space[:SPACE_MAX],
                    created_at=now,
                ),
                event,
            )
            for (account_id, _key), event in wanted.items()
            if account_id in settings_by_id
        ]
        notifications = Notification.objects.bulk_create([notification for notification, _event in rows])
        deliveries: list[Delivery] = []
        for notification, event in zip(notifications, (event for _n, event in rows), strict=True):
            plan = plan_deliveries(settings_by_id[notification.recipient_id], event, now)
            deliveries += delivery_rows(notification, plan)
        Delivery.objects.bulk_create(deliveries)
    return notifications


def mark_read(account: Account, notification_ids: Collection[int] | None = None) -> int:
    """Mark the person's notifications read (all unread ones without ids); returns how many.
    What is read is not sent any more: the worker re-checks before sending."""
    unread = Notification.objects.filter(recipient=account, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(id__in=notification_ids)
    return unread.update(read_at=timezone.now())


def set_preferences(account: Account, modes: dict[str, str]) -> None:
    """Store the person's choice per kind (rows only where it differs from the default, so a
    better default later reaches everyone who never chose)."""
    with transaction.atomic():
        Preference.objects.filter(account=account).delete()
        Preference.objects.bulk_create(
            [
                Preference(account=account, kind=kind, mode=mode)
                for kind, mode in modes.items()
                if DEFAULT_MODES.get(kind) != mode
            ]
        )


def set_quiet_hours(account: Account, days: list[tuple[int, bool, time, time]] | None) -> None:
    """Replace the person's contact hours (None: no quiet hours at all)."""
    _refuse_empty_windows(days or [])
    with transaction.atomic():
        QuietHours.objects.filter(account=account).delete()
        QuietHours.objects.bulk_create(
            [
                QuietHours(account=account, weekday=day, available=available, start=start, end=end)
                for day, available, start, end in days or []
            ]
        )


def set_digest_schedule(account: Account, *, frequency: str, weekday: int, at: time) -> DigestSchedule:
    """Store when the person wants his digest; the next time is computed afresh on the next run."""
    schedule, _created = DigestSchedule.objects.update_or_create(
        account=account, defaults={"frequency": frequency, "weekday": weekday, "at": at, "next_at": None}
    )
    return schedule
