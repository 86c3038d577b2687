"""Writes of the notifications app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import SCHOOL_DEFAULT_HOURS, QuietHours

if TYPE_CHECKING:
    from schoolbrug.accounts.models import Account


def give_default_quiet_hours(account: Account) -> None:
    """Give a (new) staff account the school's default contact hours, unless he has his own."""
    if QuietHours.objects.filter(account=account).exists():
        return
    QuietHours.objects.bulk_create(
        [
            QuietHours(account=account, weekday=day, available=available, start=start, end=end)
            for day, available, start, end in SCHOOL_DEFAULT_HOURS
        ]
    )
