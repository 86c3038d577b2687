"""Demo agenda for a showcase school: events through the year, helpers and RSVP on a "bring …"
afternoon, and an open conference round with times for every teacher and a few bookings, so the
guardian and teacher pages show real content."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from schoolbrug.messaging.models import Space
from schoolbrug.messaging.services import ensure_spaces
from schoolbrug.sis.dates import local_datetime, school_today, school_zone
from schoolbrug.sis.models import Group, GroupStaff, Placement, School

from .models import Booking, ConferenceRound, Event, Slot
from .services import add_availability
from .slots import Window

SCHOOL_EVENTS = (
    # (days from today, title, all day, hour, place)
    (14, "Kerstviering in de aula", False, 17, "Aula"),
    (21, "Studiedag: alle kinderen vrij", True, 0, ""),
    (60, "Open dag voor nieuwe ouders", False, 9, "Hoofdgebouw"),
    (120, "Sportdag", True, 0, "Sportpark De Scheg"),
    (180, "Schoolreis", True, 0, ""),
)


def load_demo_agenda(school: School) -> None:
    if ConferenceRound.objects.filter(school=school).exists():
        return
    # The demo builder makes groups in bulk (no signals): their spaces may not exist yet.
    ensure_spaces(school)
    zone = school_zone(school)
    today = school_today(school)
    school_space = Space.objects.filter(school=school, kind=Space.Kind.SCHOOL).first()
    if school_space is not None:
        for days, title, all_day, hour, place in SCHOOL_EVENTS:
            day = today + dt.timedelta(days=days)
            starts = local_datetime(day, None if all_day else dt.time(hour), zone)
            Event.objects.create(
                school=school, space=school_space, title=title, all_day=all_day, location=place,
                starts_at=starts, ends_at=starts + (dt.timedelta(days=1) if all_day else dt.timedelta(hours=2)),
            )  # fmt: skip
    groups = list(Group.objects.filter(school=school, year__is_current=True).order_by("name"))
    for offset, group in enumerate(groups):
        space = Space.objects.filter(group=group).first()
        if space is None:
            continue
        day = today + dt.timedelta(days=4 + offset % 5)
        starts = local_datetime(day, dt.time(13, 15), zone)
        Event.objects.create(
            school=school, space=space, title="Knutselmiddag: neem een lege schoenendoos mee",
            description="Wil iedereen een lege schoenendoos meenemen? Hulpouders zijn welkom.",
            starts_at=starts, ends_at=starts + dt.timedelta(hours=2), location=group.classroom,
            remind_days_before=2, rsvp=True, volunteer_places=3,
        )  # fmt: skip
    now = timezone.now()
    day = today + dt.timedelta(days=10)
    conference = ConferenceRound.objects.create(
        school=school, title="Rapportgesprekken december", kind=ConferenceRound.Kind.REPORT,
        opens_at=now - dt.timedelta(days=1), deadline=local_datetime(day - dt.timedelta(days=1), dt.time(12), zone),
        slot_minutes=10, buffer_minutes=5, opened_notified_at=now, early_notified_at=now,
    )  # fmt: skip
    conference.groups.set(groups)
    teachers = GroupStaff.objects.filter(group__in=groups, is_teacher=True).select_related("staff_member", "group")
    seen: set[int] = set()
    booked: set[int] = set()
    for link in teachers:
        if link.staff_member_id in seen:
            continue
        seen.add(link.staff_member_id)
        add_availability(
            conference=conference, staff_member=link.staff_member, location=link.group.classroom,
            window=Window(
                local_datetime(day, dt.time(15), zone), local_datetime(day, dt.time(16, 30), zone),
                local_datetime(day, dt.time(15, 40), zone), local_datetime(day, dt.time(15, 50), zone),
            ),
        )  # fmt: skip
        # Two pupils of the teacher's group have booked already, so his overview shows names.
        placements = (
            Placement.objects.filter(group=link.group)
            .exclude(pupil__guardianships__guardian__account__isnull=False)
            .exclude(pupil_id__in=booked)
            .order_by("-pupil_id")
        )
        pupils = list(placements.values_list("pupil_id", flat=True).distinct()[:2])
        slots = Slot.objects.filter(round=conference, staff_member=link.staff_member).order_by("-starts_at")[
            : len(pupils)
        ]
        booked.update(pupils)
        Booking.objects.bulk_create(
            Booking(round=conference, slot=slot, pupil_id=pupil) for slot, pupil in zip(slots, pupils, strict=True)
        )
