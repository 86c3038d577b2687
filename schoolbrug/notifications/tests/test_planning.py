"""The pure planning of deliveries: modes, quiet hours across midnight and daylight saving,
urgency, read state; the clock is frozen with time-machine."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from schoolbrug.notifications.models import DEFAULT_MODES, Channel, Mode, NotificationKind, QuietHours
from schoolbrug.notifications.planning import (
    DayWindow,
    Event,
    PlannedDelivery,
    RecipientSettings,
    available_from,
    is_available,
    plan_deliveries,
)

AMS = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=AMS)


def school_days(start: time = time(8), end: time = time(17)) -> list[DayWindow]:
    return [DayWindow(day, day < 5, start, end) for day in range(7)]


def every_day(start: time, end: time) -> list[DayWindow]:
    return [DayWindow(day, True, start, end) for day in range(7)]


def frozen(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


# --- available_from / is_available ---------------------------------------------------------------


def test_friday_evening_waits_for_monday_morning() -> None:
    with frozen(local(2026, 6, 5, 18, 0)):  # Friday
        assert available_from(school_days(), AMS, timezone.now()) == local(2026, 6, 8, 8, 0)


def test_inside_the_window_is_available_now() -> None:
    with frozen(local(2026, 6, 3, 16, 59)):
        now = timezone.now()
        assert is_available(school_days(), AMS, now)
        assert available_from(school_days(), AMS, now) is None
    with frozen(local(2026, 6, 3, 17, 0)):  # the end is exclusive
        assert available_from(school_days(), AMS, timezone.now()) == local(2026, 6, 4, 8, 0)


def test_before_the_window_opens_today() -> None:
    with frozen(local(2026, 6, 3, 7, 59, 59)):
        assert available_from(school_days(), AMS, timezone.now()) == local(2026, 6, 3, 8, 0)


def test_without_quiet_hours_always_available() -> None:
    with frozen(local(2026, 6, 7, 3, 0)):
        assert is_available(None, AMS, timezone.now())
        assert available_from(None, AMS, timezone.now()) is None


def test_weekend_across_spring_forward_keeps_wall_clock_time() -> None:
    # Summer time starts Sunday 29 March 2026: Monday 08:00 is 06:00 UTC, not 07:00.
    with frozen(local(2026, 3, 27, 18, 0)):
        opens = available_from(school_days(), AMS, timezone.now())
    assert opens == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert opens is not None and opens.astimezone(AMS).hour == 8


def test_weekend_across_fall_back_keeps_wall_clock_time() -> None:
    # Winter time starts Sunday 25 October 2026: Monday 08:00 is 07:00 UTC.
    with frozen(local(2026, 10, 23, 18, 0)):
        assert available_from(school_days(), AMS, timezone.now()) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)


def test_window_starting_in_the_spring_forward_gap_opens_after_the_jump() -> None:
    windows = every_day(time(2, 30), time(5, 0))
    with frozen(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)):  # 01:30 CET
        opens = available_from(windows, AMS, timezone.now())
    # 02:30 does not exist that night; the window opens at 03:30 CEST (the same instant as 02:30 CET).
    assert opens == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with frozen(datetime(2026, 3, 29, 2, 59, tzinfo=UTC)):  # 04:59 CEST
        assert is_available(windows, AMS, timezone.now())
    with frozen(datetime(2026, 3, 29, 3, 0, tzinfo=UTC)):  # 05:00 CEST
        assert not is_available(windows, AMS, timezone.now())


def test_window_over_the_repeated_hour_lasts_an_hour_longer() -> None:
    windows = every_day(time(1, 0), time(4, 0))  # 25 October 2026: 4 real hours
    inside = [
        datetime(2026, 10, 24, 23, 0, tzinfo=UTC),  # 01:00 CEST
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 CEST, first time
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 CET, second time
        datetime(2026, 10, 25, 2, 59, tzinfo=UTC),  # 03:59 CET
    ]
    for moment in inside:
        with frozen(moment):
            assert is_available(windows, AMS, timezone.now()), moment
    with frozen(datetime(2026, 10, 25, 3, 0, tzinfo=UTC)):  # 04:00 CET
        assert not is_available(windows, AMS, timezone.now())


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 6, 1, 21, 59), False),  # Monday before the window
        (local(2026, 6, 1, 22, 0), True),
        (local(2026, 6, 2, 1, 59), True),  # Tuesday night: still Monday's window
        (local(2026, 6, 2, 2, 0), False),
        (local(2026, 6, 8, 0, 30), True),  # Monday 00:30: Sunday's window, crossing into Monday
    ],
)
def test_window_across_midnight(moment: datetime, expected: bool) -> None:
    windows = every_day(time(22, 0), time(2, 0))
    with frozen(moment):
        assert is_available(windows, AMS, timezone.now()) is expected


def test_window_across_midnight_next_start() -> None:
    windows = [DayWindow(0, True, time(22), time(2))] + [DayWindow(d, False, time(8), time(17)) for d in range(1, 7)]
    with frozen(local(2026, 6, 2, 2, 0)):  # Tuesday 02:00: Monday's window just closed
        assert available_from(windows, AMS, timezone.now()) == local(2026, 6, 8, 22, 0)


def test_days_off_are_skipped_and_a_week_without_windows_never_opens() -> None:
    wednesday_only = [DayWindow(day, day == 2, time(10), time(17, 59)) for day in range(7)]
    with frozen(local(2026, 6, 4, 12, 0)):  # Thursday
        assert available_from(wednesday_only, AMS, timezone.now()) == local(2026, 6, 10, 10, 0)
    with frozen(local(2026, 6, 10, 17, 58)):
        assert is_available(wednesday_only, AMS, timezone.now())
    all_off = [DayWindow(day, False, time(8), time(17)) for day in range(7)]
    with frozen(local(2026, 6, 4, 12, 0)):
        assert not is_available(all_off, AMS, timezone.now())
        assert available_from(all_off, AMS, timezone.now()) is None
    # Missing weekdays are quiet too.
    with frozen(local(2026, 6, 4, 12, 0)):
        assert available_from([DayWindow(4, True, time(9), time(12))], AMS, timezone.now()) == local(2026, 6, 5, 9, 0)


def test_other_time_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    with frozen(datetime(2026, 6, 5, 9, 0, tzinfo=UTC)):  # Friday 18:00 in Tokyo
        assert available_from(school_days(), tokyo, timezone.now()) == datetime(2026, 6, 8, 8, 0, tzinfo=tokyo)


# --- plan_deliveries --------------------------------------------------------------------------------


def person(**kwargs: object) -> RecipientSettings:
    return RecipientSettings(account_id=1, **kwargs)  # type: ignore[arg-type]


def event(kind: str = NotificationKind.ANNOUNCEMENT, **kwargs: object) -> Event:
    return Event(kind=kind, title="Gym class moved", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", NotificationKind.values)
def test_every_kind_follows_its_default_mode(kind: str) -> None:
    with frozen(local(2026, 6, 3, 10, 0)):
        now = timezone.now()
        plan = plan_deliveries(person(push_devices=(7,)), event(kind), now)
    by_mode: dict[str, list[PlannedDelivery]] = {
        Mode.PUSH: [PlannedDelivery(Channel.PUSH, now, 7)],
        Mode.EMAIL: [PlannedDelivery(Channel.EMAIL, now)],
        Mode.DIGEST: [PlannedDelivery(Channel.DIGEST, now)],
    }
    assert plan == by_mode[DEFAULT_MODES[kind]]


@pytest.mark.parametrize("kind", NotificationKind.values)
@pytest.mark.parametrize("mode", Mode.values)
def test_every_kind_and_mode_in_and_outside_quiet_hours(kind: str, mode: str) -> None:
    me = person(modes={kind: mode}, quiet_hours=school_days(), push_devices=(7, 8))
    with frozen(local(2026, 6, 3, 10, 0)):
        now = timezone.now()
        during = plan_deliveries(me, event(kind), now)
    with frozen(local(2026, 6, 3, 22, 0)):
        late = timezone.now()
        after = plan_deliveries(me, event(kind), late)
    tomorrow = local(2026, 6, 4, 8, 0)
    if mode == Mode.PUSH:
        assert during == [PlannedDelivery(Channel.PUSH, now, 7), PlannedDelivery(Channel.PUSH, now, 8)]
        assert after == [PlannedDelivery(Channel.DIGEST, tomorrow)]
    elif mode == Mode.EMAIL:
        assert during == [PlannedDelivery(Channel.EMAIL, now)]
        assert after == [PlannedDelivery(Channel.EMAIL, tomorrow)]
    elif mode == Mode.DIGEST:
        assert during == [PlannedDelivery(Channel.DIGEST, now)]
        assert after == [PlannedDelivery(Channel.DIGEST, tomorrow)]
    else:
        assert during == after == []


def test_push_without_a_device_falls_back_to_email_and_without_email_to_the_digest() -> None:
    with frozen(local(2026, 6, 3, 10, 0)):
        now = timezone.now()
        assert plan_deliveries(person(), event(), now) == [PlannedDelivery(Channel.EMAIL, now)]
        assert plan_deliveries(person(has_email=False), event(), now) == [PlannedDelivery(Channel.DIGEST, now)]


def test_never_reachable_gets_everything_in_the_digest() -> None:
    all_off = [DayWindow(day, False, time(8), time(17)) for day in range(7)]
    with frozen(local(2026, 6, 3, 10, 0)):
        now = timezone.now()
        for mode in (Mode.PUSH, Mode.EMAIL):
            me = person(modes={NotificationKind.ANNOUNCEMENT: mode}, quiet_hours=all_off, push_devices=(7,))
            assert plan_deliveries(me, event(), now) == [PlannedDelivery(Channel.DIGEST, now)]


def test_read_items_and_deactivated_people_get_nothing() -> None:
    with frozen(local(2026, 6, 3, 10, 0)):
        now = timezone.now()
        assert plan_deliveries(person(push_devices=(7,)), event(), now, read=True) == []
        assert plan_deliveries(person(active=False, push_devices=(7,)), event(urgent=True), now) == []


def test_muted_space_stays_in_the_app_unless_urgent() -> None:
    me = person(muted_spaces=frozenset({"space:3"}), push_devices=(7,))
    with frozen(local(2026, 6, 3, 10, 0)):
        now = timezone.now()
        assert plan_deliveries(me, event(space_key="space:3"), now) == []
        assert plan_deliveries(me, event(space_key="space:4"), now) == [PlannedDelivery(Channel.PUSH, now, 7)]
        assert plan_deliveries(me, event(space_key="space:3", urgent=True), now) == [
            PlannedDelivery(Channel.PUSH, now, 7)
        ]


def test_urgent_passes_quiet_hours_and_preferences() -> None:
    with frozen(local(2026, 6, 6, 6, 30)):  # Saturday morning: "school closed today"
        now = timezone.now()
        for mode in (Mode.OFF, Mode.DIGEST, Mode.PUSH):
            me = person(modes={NotificationKind.ANNOUNCEMENT: mode}, quiet_hours=school_days(), push_devices=(7, 8))
            assert plan_deliveries(me, event(urgent=True), now) == [
                PlannedDelivery(Channel.PUSH, now, 7),
                PlannedDelivery(Channel.PUSH, now, 8),
            ]
        email_person = person(
            modes={NotificationKind.ANNOUNCEMENT: Mode.EMAIL}, quiet_hours=school_days(), push_devices=(7,)
        )
        assert plan_deliveries(email_person, event(urgent=True), now) == [
            PlannedDelivery(Channel.PUSH, now, 7),
            PlannedDelivery(Channel.EMAIL, now),
        ]
        # Without a device (or with every device switched off) the urgent item comes by e-mail.
        assert plan_deliveries(person(quiet_hours=school_days()), event(urgent=True), now) == [
            PlannedDelivery(Channel.EMAIL, now)
        ]


def test_window_with_end_equal_to_start_is_refused() -> None:
    window = QuietHours(account_id=1, weekday=0, available=True, start=time(10), end=time(10))
    with pytest.raises(ValidationError) as error:
        window.clean()
    assert "end" in error.value.message_dict


@pytest.mark.django_db
def test_database_refuses_an_empty_window_too() -> None:
    from django.db import IntegrityError

    from schoolbrug.accounts.models import Account

    account = Account.objects.create_account(kind="guardian", email="ouder@example.org")
    with pytest.raises(IntegrityError):
        QuietHours.objects.create(account=account, weekday=0, start=time(10), end=time(10))
