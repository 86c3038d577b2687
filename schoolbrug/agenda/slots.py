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


def validate_window(window: Window, slot_minutes: int, others: list[Window]) -> None:
    """Refuse a window that cannot be cut into whole slots or overlaps the teacher's others."""
    if window.ends_at <= window.starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")}, code="order")
    if (window.break_starts_at is None) != (window.break_ends_at is None):
        raise ValidationError({"break_ends_at": _("Give both the start and the end of the break.")}, code="break")
    if (
        window.break_starts_at is not None
        and window.break_ends_at is not None
        and not window.starts_at < window.break_starts_at < window.break_ends_at < window.ends_at
    ):
        raise ValidationError(
            {"break_starts_at": _("The break must lie inside the window, with its end after its start.")},
            code="break",
        )
    length = timedelta(minutes=slot_minutes)
    for start, end in _parts(window):
        if (end - start) % length:
            minutes = int((end - start).total_seconds() // 60)
            raise ValidationError(
                {
                    "ends_at": _(
                        "%(minutes)s minutes cannot be divided into conferences of %(length)s minutes; "
                        "change the times or the break."
                    )
                    % {"minutes": minutes, "length": slot_minutes}
                },
                code="not_divisible",
            )
    for other in others:
        if window.starts_at < other.ends_at and other.starts_at < window.ends_at:
            raise ValidationError({"starts_at": _("This overlaps another window of the same teacher.")}, code="overlap")


def cut(window: Window, slot_minutes: int) -> list[tuple[datetime, datetime]]:
    length = timedelta(minutes=slot_minutes)
    slots: list[tuple[datetime, datetime]] = []
    for start, end in _parts(window):
        moment = start
        while moment + length <= end:
            slots.append((moment, moment + length))
            moment += length
    return slots
