"""Deciding how a notification reaches a person: a pure function of his settings and the time.

`plan_deliveries` does no I/O: `notify` calls it when the event happens, and the worker calls it
again just before sending (the person may have read the item, changed a preference or entered
his quiet hours since). A delivery the second plan no longer contains is not sent.

Rules (docs/decisions/0019-notifications-outbox.md):

- an item already read, or a deactivated recipient: nothing beyond the bell;
- urgent (communication administrator only): a push message to every device at once, quiet hours
  and the kind's preference notwithstanding, plus an e-mail when he chose e-mail for the kind or
  has no device; urgent ignores a muted space too;
- muted space or mode "off": only the bell;
- mode "push": one push per device; without a device, an e-mail (a guardian who never installed
  the app must still hear of it); in quiet hours, no push: the item goes into the digest due when
  the hours end;
- mode "e-mail": an e-mail, held back until the quiet hours end;
- mode "digest": into the digest.

Contact hours are wall-clock windows in the person's time zone, one per weekday, starting on that
weekday and possibly crossing midnight. They are turned into real instants day by day, so a
daylight-saving change shortens or lengthens the window as the clock on the wall does; a start
that falls in the spring-forward gap begins at the first instant after the gap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .models import DEFAULT_MODES, Channel, Mode

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class DayWindow:
    weekday: int  # 0 = Monday
    available: bool
    start: time
    end: time


@dataclass(frozen=True)
class RecipientSettings:
    account_id: int
    active: bool = True
    modes: Mapping[str, str] = field(default_factory=dict)  # kind -> Mode; missing kinds: DEFAULT_MODES
    muted_spaces: frozenset[str] = frozenset()
    # None: no quiet hours at all (the default for guardians).
    quiet_hours: Sequence[DayWindow] | None = None
    time_zone: ZoneInfo = AMSTERDAM
    push_devices: tuple[int, ...] = ()
    has_email: bool = True

    def mode(self, kind: str) -> str:
        return self.modes.get(kind) or DEFAULT_MODES.get(kind, Mode.DIGEST)


@dataclass(frozen=True)
class Event:
    kind: str
    title: str
    text: str = ""
    link: str = ""
    urgent: bool = False
    space_key: str = ""
    dedupe_key: str = ""
    # Shown, not planned with: the child the item is about and the space's readable name.
    pupil_id: int | None = None
    space: str = ""


@dataclass(frozen=True)
class PlannedDelivery:
    channel: str
    not_before: datetime
    device_id: int | None = None


def _instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    # Through UTC and back: a wall time in the spring-forward gap (02:30) becomes the real instant
    # the clock would show after the jump (03:30); an ambiguous one takes its first occurrence.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _intervals(
    quiet_hours: Sequence[DayWindow], tz: ZoneInfo, first: date, days: int
) -> list[tuple[datetime, datetime]]:
    by_day = {window.weekday: window for window in quiet_hours}
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        window = by_day.get(day.weekday())
        if window is None or not window.available or window.start == window.end:
            continue
        end_day = day if window.end > window.start else day + timedelta(days=1)
        start, end = _instant(day, window.start, tz), _instant(end_day, window.end, tz)
        if end > start:
            result.append((start, end))
    return result


def is_available(quiet_hours: Sequence[DayWindow] | None, tz: ZoneInfo, now: datetime) -> bool:
    """Whether `now` lies inside the person's contact hours (always, without quiet hours)."""
    if quiet_hours is None:
        return True
    today = now.astimezone(tz).date()
    # Yesterday's window may still be open after midnight.
    return any(start <= now < end for start, end in _intervals(quiet_hours, tz, today - timedelta(days=1), 2))


def available_from(quiet_hours: Sequence[DayWindow] | None, tz: ZoneInfo, now: datetime) -> datetime | None:
    """When the person's contact hours next begin, if he is not reachable now ("not available
    until Monday 08:00"); None when he is reachable now, or never (no day has a window)."""
    if is_available(quiet_hours, tz, now):
        return None
    assert quiet_hours is not None
    today = now.astimezone(tz).date()
    # Eight days ahead always contains the next start of a weekly schedule.
    starts = [start for start, _end in _intervals(quiet_hours, tz, today, 9) if start > now]
    return min(starts, default=None)


def plan_deliveries(
    recipient: RecipientSettings, event: Event, now: datetime, *, read: bool = False
) -> list[PlannedDelivery]:
    """The deliveries outside the app for one recipient of `event` at `now` (see the rules above)."""
    if read or not recipient.active:
        return []
    mode = recipient.mode(event.kind)
    devices = recipient.push_devices
    email = [PlannedDelivery(Channel.EMAIL, now)] if recipient.has_email else []

    if event.urgent:
        push = [PlannedDelivery(Channel.PUSH, now, device) for device in devices]
        return push + (email if mode == Mode.EMAIL or not devices else [])

    if mode == Mode.OFF or (event.space_key and event.space_key in recipient.muted_spaces):
        return []

    quiet = not is_available(recipient.quiet_hours, recipient.time_zone, now)
    opens = available_from(recipient.quiet_hours, recipient.time_zone, now) if quiet else None
    # Never reachable (every day switched off): what is missed waits for the digest, which is sent
    # at the person's digest time, not at a window that never opens.
    digest = [PlannedDelivery(Channel.DIGEST, opens or now)]

    if mode == Mode.DIGEST:
        return digest
    if mode == Mode.PUSH and devices:
        if quiet:
            return digest
        return [PlannedDelivery(Channel.PUSH, now, device) for device in devices]
    # E-mail, or push without a device to push to.
    if not recipient.has_email or (quiet and opens is None):
        return digest
    return [PlannedDelivery(Channel.EMAIL, opens)] if opens else email


def next_digest_at(
    *, frequency: str, weekday: int, at: time, tz: ZoneInfo, now: datetime, jitter: timedelta = timedelta(0)
) -> datetime:
    """The next digest after `now`: the next day (or the chosen weekday) at the local time `at`,
    plus `jitter` (spreads many people's digests over a few minutes instead of one second)."""
    today = now.astimezone(tz).date()
    for offset in range(15):
        day = today + timedelta(days=offset)
        if frequency == "weekly" and day.weekday() != weekday:
            continue
        moment = _instant(day, at, tz) + jitter
        if moment > now:
            return moment
    raise AssertionError("a weekly schedule always has a next day within two weeks")
