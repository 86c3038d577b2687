"""A conference round on the persona school, and a family with children in two groups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from schoolbrug.agenda.models import ConferenceRound
from schoolbrug.agenda.services import add_availability
from schoolbrug.agenda.slots import Window
from schoolbrug.sis.models import Group, GroupStaff, Pupil
from schoolbrug.sis.testing import Persona, link, make_guardian_account, make_pupil, make_staff_account


@dataclass
class Family:
    mother: Persona
    father: Persona
    younger: Pupil  # in group 3
    older: Pupil  # in group 5/6


def conference_day(days: int = 7) -> dt.date:
    return (timezone.localtime() + dt.timedelta(days=days)).date()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_family(school: Any, group3: Group, group5: Group, n: int = 1) -> Family:
    mother = make_guardian_account(
        school, f"fenna{n}@test.nl", "Fenna", f"Jansen{n}", postcode="7411 AA", house_number=str(n)
    )
    father = make_guardian_account(
        school, f"frank{n}@test.nl", "Frank", f"Jansen{n}", postcode="7411 AA", house_number=str(n)
    )
    younger = make_pupil(school, f"Finn{n}", f"Jansen{n}", group3)
    older = make_pupil(school, f"Femke{n}", f"Jansen{n}", group5)
    for pupil in (younger, older):
        link(mother.record, pupil, "mother")
        link(father.record, pupil, "father")
    return Family(mother, father, younger, older)


def make_teacher_for(school: Any, group: Group, email: str = "tom@test.nl") -> Persona:
    teacher = make_staff_account(school, email, "Tom", "Meester", position="teacher")
    GroupStaff.objects.create(group=group, staff_member=teacher.record)
    return teacher


def make_round(
    school: Any,
    groups: list[Group],
    teachers: list[Persona],
    *,
    day: dt.date | None = None,
    opens_in: dt.timedelta = -dt.timedelta(hours=1),
    deadline_in: dt.timedelta = dt.timedelta(days=5),
    hours: tuple[int, int] = (18, 19),
    **fields: Any,
) -> ConferenceRound:
    now = timezone.now()
    conference = ConferenceRound.objects.create(
        school=school,
        title="Rapportgesprekken",
        opens_at=now + opens_in,
        deadline=now + deadline_in,
        slot_minutes=fields.pop("slot_minutes", 10),
        buffer_minutes=fields.pop("buffer_minutes", 5),
        **fields,
    )
    conference.groups.set(groups)
    day = day or conference_day()
    for teacher in teachers:
        add_availability(
            conference=conference,
            staff_member=teacher.record,
            window=Window(at(day, hours[0]), at(day, hours[1])),
            location=f"Lokaal {teacher.record.first_name}",
        )
    return conference
