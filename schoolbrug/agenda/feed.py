"""The calendar feed (AGE-3): RFC 5545 text made with the `icalendar` library.

Times are written in Europe/Amsterdam with its VTIMEZONE (phones then show the school's clock
across daylight-saving changes); all-day items as DATE values. The library folds lines at 75
octets and ends them with CRLF.
"""

from __future__ import annotations

import datetime as dt
import hmac
from zoneinfo import ZoneInfo

from django.utils import timezone

from schoolbrug.accounts.models import Account

from .models import CalendarFeed
from .selectors import AgendaItem, agenda_items
from .services import token_hash

ZONE = "Europe/Amsterdam"
PRODID = "-//Schoolbrug//Agenda//NL"


def account_for_token(token: str) -> Account | None:
    """The feed's owner, or None for an unknown or revoked token. Looked up by the token's hash
    (the secret itself is never stored) and compared in constant time."""
    if not token or len(token) > 100:
        return None
    wanted = token_hash(token)
    feed = CalendarFeed.objects.select_related("account").filter(token_hash=wanted).first()
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted) or not feed.account.is_active:
        return None
    return feed.account


def calendar_for(items: list[AgendaItem], *, name: str, now: dt.datetime | None = None) -> bytes:
    # Imported here: icalendar takes a noticeable part of a second to load on every process start.
    from icalendar import Calendar, Event, Timezone

    now = now or timezone.now()
    zone = ZoneInfo(ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", ZONE)
    first = min((item.starts_at.date() for item in items), default=now.date()) - dt.timedelta(days=1)
    last = max((item.ends_at.date() for item in items), default=now.date()) + dt.timedelta(days=366)
    calendar.add_component(Timezone.from_tzid(ZONE, first_date=first, last_date=last))
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("summary", item.title)
        if item.all_day:
            start = timezone.localtime(item.starts_at, zone).date()
            # All-day items end at the next midnight (exclusive), as DTEND of a DATE means.
            last = timezone.localtime(item.ends_at - dt.timedelta(microseconds=1), zone).date()
            event.add("dtstart", start)
            event.add("dtend", max(last, start) + dt.timedelta(days=1))
        else:
            event.add("dtstart", timezone.localtime(item.starts_at, zone))
            event.add("dtend", timezone.localtime(item.ends_at, zone))
        description = item.description
        if item.kind == "booking" and item.extra.get("pupil"):
            description = f"{item.extra['pupil']} · {item.where}"
        if description:
            event.add("description", description)
        if item.location:
            event.add("location", item.location)
        calendar.add_component(event)
    return calendar.to_ical()


def feed_for(account: Account, *, name: str) -> bytes:
    return calendar_for(agenda_items(account, since=timezone.now() - dt.timedelta(days=60), limit=500), name=name)
