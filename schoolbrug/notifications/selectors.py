"""Reads of the notifications app: recipients' settings in a fixed number of queries, the bell."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import Guardian, StaffMember

from .models import SCHOOL_DEFAULT_HOURS, Channel, Notification, Preference, QuietHours, SchoolContactHours, SpaceMute
from .planning import DayWindow, RecipientSettings, available_from
from .transports import device_transport


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def recipient_settings(account_ids: Collection[int]) -> dict[int, RecipientSettings]:
    """Everything `plan_deliveries` needs for these accounts, in a fixed number of queries
    (six, seven with a device channel such as push), however many accounts."""
    ids = set(account_ids)
    if not ids:
        return {}
    accounts = Account.objects.filter(id__in=ids).values_list("id", "is_active", "email")
    modes: dict[int, dict[str, str]] = defaultdict(dict)
    for account_id, kind, mode in Preference.objects.filter(account_id__in=ids).values_list(
        "account_id", "kind", "mode"
    ):
        modes[account_id][kind] = mode
    muted: dict[int, set[str]] = defaultdict(set)
    for account_id, space in SpaceMute.objects.filter(account_id__in=ids).values_list("account_id", "space_key"):
        muted[account_id].add(space)
    hours: dict[int, list[DayWindow]] = defaultdict(list)
    for row in QuietHours.objects.filter(account_id__in=ids).values_list(
        "account_id", "weekday", "available", "start", "end"
    ):
        hours[row[0]].append(DayWindow(*row[1:]))
    # A person's time zone is his school's.
    zones: dict[int, str] = dict(
        Guardian.objects.filter(account_id__in=ids).values_list("account_id", "school__time_zone")
    )
    zones.update(StaffMember.objects.filter(account_id__in=ids).values_list("account_id", "school__time_zone"))
    push = device_transport(Channel.PUSH)
    devices = push.devices(ids) if push is not None else {}
    return {
        account_id: RecipientSettings(
            account_id=account_id,
            active=active,
            modes=modes.get(account_id, {}),
            muted_spaces=frozenset(muted.get(account_id, ())),
            quiet_hours=tuple(hours[account_id]) if account_id in hours else None,
            time_zone=_zone(zones.get(account_id)),
            push_devices=tuple(devices.get(account_id, ())),
            has_email=bool(email),
        )
        for account_id, active, email in accounts
    }


def time_zone_of(account: Account) -> ZoneInfo:
    zone = (
        Guardian.objects.filter(account=account).values_list("school__time_zone", flat=True).first()
        or StaffMember.objects.filter(account=account).values_list("school__time_zone", flat=True).first()
    )
    return _zone(zone)


def notifications_of(account: Account) -> QuerySet[Notification]:
    """The person's own notifications, newest first: the only way views look one up."""
    return Notification.objects.filter(recipient=account)


def unread_count(account: Account) -> int:
    return Notification.objects.filter(recipient=account, read_at__isnull=True).count()


def not_available_until(account: Account, now: datetime | None = None) -> datetime | None:
    """When `account` can next be reached, in his time zone, if he is in his quiet hours now;
    None when he is reachable (or has no contact window at all). For "not available until
    Monday 08:00" beside a conversation: `{{ moment|weekday_time }}` (templatetags
    `notifications`)."""
    windows = [
        DayWindow(*row)
        for row in QuietHours.objects.filter(account=account).values_list("weekday", "available", "start", "end")
    ]
    if not windows:
        return None
    tz = time_zone_of(account)
    opens = available_from(windows, tz, now or timezone.now())
    return opens.astimezone(tz) if opens else None


def school_default_hours(school_id: int) -> list[tuple[int, bool, time, time]]:
    """The school's default contact hours, one per weekday: its own rows, and for a day it never
    set (a school that never changed them) `SCHOOL_DEFAULT_HOURS`. The rows are written when an
    administrator first saves the school's page. One query."""
    own = {
        row.weekday: (row.weekday, row.available, row.start, row.end)
        for row in SchoolContactHours.objects.filter(school_id=school_id)
    }
    return [own.get(default[0], default) for default in SCHOOL_DEFAULT_HOURS]
