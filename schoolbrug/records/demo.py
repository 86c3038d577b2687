"""Demo absences, notes, plans, year plan and news for a demo school (called by the demo command).

Idempotent: reasons and categories are added when missing; every other part only when the school
has none of it yet. Everything is written in bulk, and dates follow the school's "today" so the
demo always looks current.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolbrug.sis.dates import local_datetime, school_today, school_zone
from schoolbrug.sis.models import Group, GroupStaff, Placement, Pupil, School, SchoolYear

from .demo_reporting import load_demo_reporting
from .models import Absence, AbsenceReason, Activity, NewsItem, Note, NoteCategory, RecordsSettings, SupportPlan

# (name, authorised, guardians may report): Dutch schools count sickness and medical visits as
# authorised absence (geoorloofd verzuim); a holiday outside the school holidays is not.
REASONS = (
    ("Ziek", True, True),
    ("Tandarts of huisarts", True, True),
    ("Ziekenhuisbezoek", True, True),
    ("Bijzondere familieomstandigheden", True, False),
    ("Te laat", False, False),
    ("Vakantie buiten de schoolvakanties", False, False),
    ("Ongeoorloofd", False, False),
)
CATEGORIES = (("Algemeen", True), ("Gesprek", True), ("Zorg", False))
PUPILS_PER_GROUP = 3
UPPER_GROUPS = ("Groep 5", "Groep 6", "Groep 7", "Groep 8")
# News is written in the small Markdown subset the news form offers.
NEWSLETTER = (
    "Beste ouders,\n\nDeze maand staat in het teken van **lezen**. "
    "Meer informatie op [onze website](https://www.regenboog.demo)."
)


def _school_days_back(today: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = today
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _demo_pupils(school: School, year: SchoolYear) -> list[tuple[Pupil, Group]]:
    """A few pupils of each current group, and every child of a family with a portal account."""
    placements = list(
        Placement.objects.filter(year=year, pupil__school=school, pupil__status=Pupil.Status.ENROLLED)
        .select_related("pupil", "group")
        .order_by("group__name", "pupil__last_name", "pupil__pk")
    )
    with_accounts = set(
        Pupil.objects.filter(school=school, guardianships__guardian__account__isnull=False).values_list("pk", flat=True)
    )
    chosen: list[tuple[Pupil, Group]] = []
    per_group: dict[int, int] = {}
    for placement in placements:
        taken = per_group.get(placement.group_id, 0)
        if placement.pupil_id in with_accounts or taken < PUPILS_PER_GROUP:
            chosen.append((placement.pupil, placement.group))
            per_group[placement.group_id] = taken + 1
    return chosen


def _teacher_names(year: SchoolYear) -> dict[int, tuple[Any, str]]:
    links = GroupStaff.objects.filter(group__year=year, is_teacher=True).select_related("staff_member")
    return {link.group_id: (link.staff_member.account_id, link.staff_member.full_name) for link in links}


@transaction.atomic
def load_demo_records(school: School) -> None:
    AbsenceReason.objects.bulk_create(
        [AbsenceReason(school=school, name=n, is_authorised=a, guardians_may_report=g) for n, a, g in REASONS],
        ignore_conflicts=True,
    )
    NoteCategory.objects.bulk_create(
        [NoteCategory(school=school, name=n, publish_on_portal=p) for n, p in CATEGORIES], ignore_conflicts=True
    )
    RecordsSettings.objects.get_or_create(school=school, defaults={"problem_statement_label": "Hulpvraag"})
    today = school_today(school)
    year = SchoolYear.objects.filter(school=school, is_current=True).first()
    if year is not None:
        pupils = _demo_pupils(school, year)
        teachers = _teacher_names(year)
        _absences(school, year, pupils, today)
        _notes(school, year, pupils, teachers, today)
        _plans(school, pupils, teachers, today)
    _activities(school, today)
    _news(school, today)
    load_demo_reporting(school)


def _absences(school: School, year: SchoolYear, pupils: list[tuple[Pupil, Group]], today: dt.date) -> None:
    if Absence.objects.filter(pupil__school=school).exists() or not pupils:
        return
    reasons = {r.name: r for r in AbsenceReason.objects.filter(school=school)}
    zone = school_zone(school)
    days = [d for d in _school_days_back(today, 15) if d >= year.start_date]
    if not days:
        return
    rows = []
    for index, (pupil, _group) in enumerate(pupils):
        day = days[index % len(days)]
        kind = index % 3
        whole = kind == 0
        reason = reasons[("Ziek", "Tandarts of huisarts", "Te laat")[kind]]
        if whole:
            start, end = local_datetime(day, None, zone), local_datetime(day + dt.timedelta(days=1), None, zone)
        else:
            hours = ((dt.time(10), dt.time(11, 30)), (dt.time(8, 30), dt.time(8, 50)))[kind - 1]
            start, end = local_datetime(day, hours[0], zone), local_datetime(day, hours[1], zone)
        rows.append(
            Absence(
                pupil=pupil,
                year=year,
                starts_at=start,
                ends_at=end,
                whole_day=whole,
                reason=reason,
                processed=day < today - dt.timedelta(days=7),
                client_key=uuid.uuid4(),
            )
        )
    Absence.objects.bulk_create(rows)


def _notes(
    school: School, year: SchoolYear, pupils: list[tuple[Pupil, Group]], teachers: dict[int, Any], today: dt.date
) -> None:
    if Note.objects.filter(pupil__school=school).exists() or not pupils:
        return
    categories = {c.name: c for c in NoteCategory.objects.filter(school=school)}
    now = timezone.now()
    notes = []
    for index, (pupil, group) in enumerate(pupils):
        author_id, author_name = teachers.get(group.pk, (None, "De leerkracht"))
        common = {
            "pupil": pupil,
            "year": year,
            "author_id": author_id,
            "author_name": author_name,
            "read_by_staff_at": now,
        }
        notes.append(
            Note(
                **common,
                category=categories["Algemeen"],
                subject="Fijne start van de week",
                date=today - dt.timedelta(days=3 + index % 5),
                text=f"{pupil.display_first_name} werkte geconcentreerd en hielp een klasgenoot.",
            )
        )
        if index % 2 == 0:
            notes.append(
                Note(
                    **common,
                    category=categories["Zorg"],
                    subject="Observatie rekenen",
                    date=today - dt.timedelta(days=10),
                    text="Moeite met tafels; extra oefenen in de instructiegroep.",
                )
            )
    created = Note.objects.bulk_create(notes)
    # A guardian's unread reply on some published notes, so the staff home page shows the count.
    replies = []
    guardians = _guardian_names(school)
    for note in created:
        if note.category.publish_on_portal and note.pupil_id in guardians:
            account_id, name = guardians[note.pupil_id]
            replies.append(
                Note(
                    pupil_id=note.pupil_id,
                    year=year,
                    category=note.category,
                    subject=f"Re: {note.subject}",
                    date=today,
                    text="Dank u wel voor het bericht!",
                    source=Note.Source.GUARDIAN,
                    author_id=account_id,
                    author_name=name,
                    in_reply_to=note,
                )
            )
    Note.objects.bulk_create(replies)


def _guardian_names(school: School) -> dict[int, tuple[int, str]]:
    from schoolbrug.sis.models import Guardianship

    links = Guardianship.objects.filter(
        pupil__school=school, portal_access=True, guardian__account__isnull=False
    ).select_related("guardian")
    return {link.pupil_id: (link.guardian.account_id, link.guardian.full_name) for link in links}  # type: ignore[misc]


def _plans(school: School, pupils: list[tuple[Pupil, Group]], teachers: dict[int, Any], today: dt.date) -> None:
    if SupportPlan.objects.filter(pupil__school=school).exists() or not pupils:
        return
    plans = []
    for pupil, group in pupils[::4]:
        author_id, author_name = teachers.get(group.pk, (None, "Intern begeleider"))
        plans.append(
            SupportPlan(
                pupil=pupil,
                title="Plan technisch lezen",
                start_date=today - dt.timedelta(days=40),
                problem_statement=f"{pupil.display_first_name} leest langzamer dan verwacht.",
                goals="Over acht weken een AVI-niveau hoger.",
                approach="Dagelijks tien minuten duo-lezen en RALFI-lezen.",
                execution="In de ochtend met de onderwijsassistent.",
                author_id=author_id,
                author_name=author_name,
            )
        )
    SupportPlan.objects.bulk_create(plans)


def _activities(school: School, today: dt.date) -> None:
    if Activity.objects.filter(school=school).exists():
        return
    zone = school_zone(school)
    groups = {g.name: g for g in Group.objects.filter(school=school, year__is_current=True)}
    plan = [
        ("Ouderavond", today + dt.timedelta(days=3), dt.time(19, 30), dt.time(21), "Aula", True, ()),
        ("Studiedag: alle leerlingen vrij", today + dt.timedelta(days=9), None, None, "", True, ()),
        ("Teamvergadering", today + dt.timedelta(days=2), dt.time(15, 15), dt.time(17), "Teamkamer", False, ()),
        (
            "Bezoek aan de bibliotheek",
            today + dt.timedelta(days=5),
            dt.time(9),
            dt.time(11),
            "Bibliotheek",
            True,
            ("Groep 3", "Groep 4"),
        ),
        ("Schoolfotograaf", today + dt.timedelta(days=16), dt.time(8, 30), dt.time(15), "Speellokaal", True, ()),
        ("Sportdag", today + dt.timedelta(days=30), None, None, "Sportpark", True, UPPER_GROUPS),
        ("Voorleesontbijt", today - dt.timedelta(days=6), dt.time(8, 30), dt.time(9, 30), "Eigen lokaal", True, ()),
    ]
    activities = []
    for title, day, start, end, place, publish, _names in plan:
        all_day = start is None
        activities.append(
            Activity(
                school=school,
                title=title,
                location=place,
                publish_on_portal=publish,
                all_day=all_day,
                starts_at=local_datetime(day, start, zone),
                ends_at=local_datetime(day + dt.timedelta(days=1), None, zone)
                if all_day
                else local_datetime(day, end, zone),
            )
        )
    created = Activity.objects.bulk_create(activities)
    through = Activity.groups.through
    through.objects.bulk_create(
        through(activity_id=activity.pk, group_id=groups[name].pk)
        for activity, spec in zip(created, plan, strict=True)
        for name in spec[6]
        if name in groups
    )


def _news(school: School, today: dt.date) -> None:
    if NewsItem.objects.filter(school=school).exists():
        return
    groups = {g.name: g for g in Group.objects.filter(school=school, year__is_current=True)}
    plan = [
        ("Nieuwsbrief", -5, None, NEWSLETTER, ()),
        (
            "Luizencontrole",
            -1,
            6,
            "Na elke vakantie controleren de luizenouders alle kinderen.\n\n"
            "- Graag *geen* gel in het haar\n- Vlechten mag",
            (),
        ),
        ("Excursie bibliotheek", -2, 5, "Wie rijdt er mee naar de bibliotheek?", ("Groep 3", "Groep 4")),
        ("Sinterklaasfeest", 4, 20, "# Sinterklaas komt!\n\nDe kinderen mogen verkleed komen.", ()),
        ("Zomerfeest (vorig jaar)", -150, -120, "Dank aan alle vrijwilligers.", ()),
    ]
    items = NewsItem.objects.bulk_create(
        NewsItem(
            school=school,
            subject=subject,
            date=today + dt.timedelta(days=min(start, 0)),
            text=text,
            publish_from=today + dt.timedelta(days=start),
            publish_until=today + dt.timedelta(days=until) if until is not None else None,
            author_name="Directie",
        )
        for subject, start, until, text, _names in plan
    )
    through = NewsItem.groups.through
    through.objects.bulk_create(
        through(newsitem_id=item.pk, group_id=groups[name].pk)
        for item, spec in zip(items, plan, strict=True)
        for name in spec[4]
        if name in groups
    )
