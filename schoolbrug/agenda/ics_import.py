"""Importing the school agenda from an .ics file (AGE-3): parse, preview, then save.

A file that is not iCalendar, or larger than `ICS_MAX_BYTES`, is refused with a message before
anything is stored. Duplicates are recognised by UID: an event whose UID the school already has
is shown as such in the preview and skipped on import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.messaging.models import Space

from .models import ICS_MAX_BYTES, Event, IcsImport


@dataclass(frozen=True)
class ImportedEvent:
    uid: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    location: str
    description: str
    duplicate: bool = False


def read_upload(data: bytes) -> str:
    if len(data) > ICS_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(size)s MB.") % {"size": ICS_MAX_BYTES // 1_000_000}, code="size"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("This is not an iCalendar (.ics) file."), code="not_ics") from None
    parse(text, zone=ZoneInfo("Europe/Amsterdam"))  # refuses what is not iCalendar
    return text


def _moment(value: dt.date | dt.datetime, zone: ZoneInfo) -> tuple[dt.datetime, bool]:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)), False
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=zone), True


def parse(text: str, *, zone: ZoneInfo) -> list[ImportedEvent]:
    if "BEGIN:VCALENDAR" not in text[:2000].upper():
        raise ValidationError(_("This is not an iCalendar (.ics) file."), code="not_ics")
    from icalendar import Calendar  # imported late, like every file format only some pages need

    try:
        calendar = Calendar.from_ical(text)
        events: list[ImportedEvent] = []
        for component in calendar.walk("VEVENT"):
            start_prop = component.get("dtstart")
            if start_prop is None:
                continue
            starts_at, all_day = _moment(start_prop.dt, zone)
            end_prop = component.get("dtend")
            if end_prop is not None:
                ends_at, _all_day = _moment(end_prop.dt, zone)
            else:
                ends_at = starts_at + (dt.timedelta(days=1) if all_day else dt.timedelta(hours=1))
            events.append(
                ImportedEvent(
                    uid=str(component.get("uid", ""))[:255],
                    title=str(component.get("summary", "")).strip()[:200] or _("(no title)"),
                    starts_at=starts_at,
                    ends_at=max(ends_at, starts_at),
                    all_day=all_day,
                    location=str(component.get("location", ""))[:200],
                    description=str(component.get("description", ""))[:5000],
                )
            )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValidationError(_("This is not an iCalendar (.ics) file."), code="not_ics") from None
    if not events:
        raise ValidationError(_("The file contains no events."), code="empty")
    return events


def preview(upload: IcsImport) -> list[ImportedEvent]:
    events = parse(upload.text, zone=ZoneInfo(upload.school.time_zone))
    known = set(
        Event.objects.filter(school=upload.school, uid__in=[e.uid for e in events if e.uid]).values_list(
            "uid", flat=True
        )
    )
    seen: set[str] = set()
    marked = []
    for event in events:
        duplicate = bool(event.uid) and (event.uid in known or event.uid in seen)
        seen.add(event.uid)
        marked.append(ImportedEvent(**{**event.__dict__, "duplicate": duplicate}))
    return marked


def start_import(*, actor: Account, space: Space, data: bytes) -> IcsImport:
    text = read_upload(data)
    return IcsImport.objects.create(school=space.school, space=space, text=text, created_by=actor)


def apply_import(upload: IcsImport) -> int:
    """Save the new events (duplicates skipped) and forget the upload, in one transaction."""
    events = [event for event in preview(upload) if not event.duplicate]
    with transaction.atomic():
        Event.objects.bulk_create(
            [
                Event(
                    school=upload.school,
                    space=upload.space,
                    title=event.title,
                    starts_at=event.starts_at,
                    ends_at=event.ends_at,
                    all_day=event.all_day,
                    location=event.location,
                    description=event.description,
                    uid=event.uid,
                    created_by=upload.created_by,
                )
                for event in events
            ]
        )
        upload.delete()
    return len(events)
