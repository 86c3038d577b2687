"""Cutting a teacher's availability into conference slots (CONF-1): pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Window:
    starts_at: datetime
    ends_at: datetime
    break_starts_at: datetime | None = None
    break_ends_at: datetime | None = None


def _parts(window: Window) -> list[tuple[datetime, datetime]]:
    if window.break_starts_at is None or window.break_ends_at is None:
        return [(window.starts_at, window.ends_at)]
    return [(window.starts_at, window.break_starts_at), (window.break_ends_at, window.ends_at)]


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def validate_window(window: Window, slot_minutes: int, others: list[Window]) -> None:
    """Refuse a window that cannot be cut into whole slots or overlaps the teacher's others."""
    if window.ends_at <= window.starts_at:
        raise _error("ends_at", _("The end must be after the start."), "order")
    if (window.break_starts_at is None) != (window.break_ends_at is None):
        raise _error("break_ends_at", _("Give both the start and the end of the break."), "break")
    if (
        window.break_starts_at is not None
        and window.break_ends_at is not None
        and not window.starts_at < window.break_starts_at < window.break_ends_at < window.ends_at
    ):
        raise _error(
            "break_starts_at", _("The break must lie inside the window, with its end after its start."), "break"
        )
    length = timedelta(minutes=slot_minutes)
    for start, end in _parts(window):
        if (end - start) % length:
            minutes = int((end - start).total_seconds() // 60)
            message = _(
                "%(minutes)s minutes cannot be divided into conferences of %(length)s minutes; "
                "change the times or the break."
            ) % {"minutes": minutes, "length": slot_minutes}
            raise _error("ends_at", message, "not_divisible")
    for other in others:
        if window.starts_at < other.ends_at and other.starts_at < window.ends_at:
            raise _error("starts_at", _("This overlaps another window of the same teacher."), "overlap")


def cut(window: Window, slot_minutes: int) -> list[tuple[datetime, datetime]]:
    length = timedelta(minutes=slot_minutes)
    slots: list[tuple[datetime, datetime]] = []
    for start, end in _parts(window):
        moment = start
        while moment + length <= end:
            slots.append((moment, moment + length))
            moment += length
    return slots
