"""Builders shared by the tests of absences, notes, plans, year plan and news."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.test import Client

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.models import Group, Pupil, School
from schoolbrug.sis.testing import Persona, make_pupil

from ..models import Absence, AbsenceReason, NoteCategory

AMS = ZoneInfo("Europe/Amsterdam")


def at(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMS)


def make_reasons(school: School) -> dict[str, AbsenceReason]:
    return {
        "sick": AbsenceReason.objects.create(school=school, name="Ziek", is_authorised=True),
        "dentist": AbsenceReason.objects.create(
            school=school, name="Tandarts", is_authorised=True, guardians_may_report=True
        ),
        "truant": AbsenceReason.objects.create(school=school, name="Spijbelen", is_authorised=False),
    }


def make_categories(school: School) -> dict[str, NoteCategory]:
    return {
        "general": NoteCategory.objects.create(school=school, name="Algemeen", publish_on_portal=True),
        "care": NoteCategory.objects.create(school=school, name="Zorg", publish_on_portal=False),
    }


def fill_group_with_absences(
    school: School, group: Group, reason: AbsenceReason, count: int, monday: dt.date
) -> list[Pupil]:
    """`count` extra pupils in the group, each absent on two days of the week of `monday`."""
    pupils = [make_pupil(school, f"Kind{i}", f"Vulling{i:03d}", group) for i in range(count)]
    year = group.year
    Absence.objects.bulk_create(
        Absence(
            pupil=p,
            year=year,
            starts_at=at(monday + dt.timedelta(days=offset)),
            ends_at=at(monday + dt.timedelta(days=offset + 1)),
            reason=reason,
            client_key=uuid.uuid4(),
        )
        for p in pupils
        for offset in (0, 2)
    )
    return pupils


def login(client: Client, persona: Persona) -> None:
    """Staff sessions pass the second factor (administrators must have one); guardians just log in."""
    if persona.user.is_staff_member:
        verified_login(client, persona.user)
    else:
        client.force_login(persona.user)
