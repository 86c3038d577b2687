"""Demo absence reporting (ABS-1 … ABS-4): the school's rules, a guardian's report waiting for the
teacher, leave requests waiting for the principal and two pupils over the signal threshold.
Only when the school has no rules yet, so a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from schoolbrug.accounts.models import Account
from schoolbrug.sis.dates import local_datetime, school_today, school_zone
from schoolbrug.sis.models import GroupStaff, Guardianship, Placement, Pupil, School, SchoolYear

from .models import Absence, AbsenceReason, AbsenceRules, LeaveRequest
from .services.leave import school_days_between

RULES_MESSAGE = (
    "Een bezoek aan tandarts of huisarts meldt u hier. Ziek? Meld het in de app vóór 08:30 uur, "
    "daarna graag telefonisch. Voor bijzondere familieomstandigheden belt u de school. "
    "Vrij nodig buiten de vakanties? Vraag verlof aan."
)


def _next_school_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def load_demo_reporting(school: School) -> None:
    if AbsenceRules.objects.filter(school=school).exists():
        return
    AbsenceRules.objects.create(school=school, guardians_may_report=True, message=RULES_MESSAGE)
    reasons = {r.name: r for r in AbsenceReason.objects.filter(school=school)}
    if "Ziek" in reasons:
        AbsenceReason.objects.filter(pk=reasons["Ziek"].pk).update(
            guardian_cutoff=AbsenceReason.Cutoff.BEFORE_TIME, cutoff_time=dt.time(8, 30)
        )
    if "Bijzondere familieomstandigheden" in reasons:
        AbsenceReason.objects.filter(pk=reasons["Bijzondere familieomstandigheden"].pk).update(
            guardians_may_report=True, guardian_cutoff=AbsenceReason.Cutoff.PHONE_ONLY
        )
    year = SchoolYear.objects.filter(school=school, is_current=True).first()
    if year is None:
        return
    today = school_today(school)
    zone = school_zone(school)
    _guardian_report(school, year, reasons.get("Tandarts of huisarts"), _next_school_day(today), zone)
    _leave_requests(school, year, today)
    _signals(school, year, reasons.get("Ongeoorloofd"), today, zone)


def _taught_children_with_accounts(school: School, year: SchoolYear) -> list[tuple[Pupil, Account]]:
    """Children of a guardian with an account, placed in a group that has a teacher with one."""
    taught = GroupStaff.objects.filter(group__year=year, staff_member__account__isnull=False).values("group_id")
    placed = Placement.objects.filter(year=year, group_id__in=taught).values("pupil_id")
    links = (
        Guardianship.objects.filter(
            pupil__school=school,
            pupil_id__in=placed,
            portal_access=True,
            guardian__account__isnull=False,
            pupil__status=Pupil.Status.ENROLLED,
        )
        .select_related("pupil", "guardian__account")
        .order_by("guardian__account__email", "pupil__birth_date")
    )
    return [(link.pupil, link.guardian.account) for link in links if link.guardian.account is not None]


def _guardian_report(
    school: School, year: SchoolYear, reason: AbsenceReason | None, day: dt.date, zone: ZoneInfo
) -> None:
    if reason is None or day > year.end_date:
        return
    rows = []
    seen: set[int] = set()
    for pupil, account in _taught_children_with_accounts(school, year):
        if pupil.pk in seen or len(seen) >= 3:
            continue
        seen.add(pupil.pk)
        rows.append(
            Absence(
                pupil=pupil,
                year=year,
                starts_at=local_datetime(day, dt.time(10, 0), zone),
                ends_at=local_datetime(day, dt.time(11, 30), zone),
                whole_day=False,
                reason=reason,
                remark="Controle bij de tandarts, daarna komt hij/zij weer naar school.",
                source=Absence.Source.GUARDIAN,
                recorded_by=account,
                client_key=uuid.uuid4(),
            )
        )
    Absence.objects.bulk_create(rows)


def _leave_requests(school: School, year: SchoolYear, today: dt.date) -> None:
    families = _taught_children_with_accounts(school, year)[:2]
    periods = ((14, 15, "Bruiloft van een tante in Groningen."), (21, 37, "Begrafenis van opa in Suriname."))
    rows = []
    for (pupil, account), (start, end, reason) in zip(families, periods, strict=False):
        first, last = today + dt.timedelta(days=start), today + dt.timedelta(days=end)
        if last > year.end_date:
            continue
        days = school_days_between(first, last)
        rows.append(
            LeaveRequest(
                school=school,
                pupil=pupil,
                requested_by=account,
                requested_by_name=account.get_full_name() or account.email,
                first_day=first,
                last_day=last,
                reason=reason,
                school_days=days,
                needs_attendance_officer=days > 10,
            )
        )
    LeaveRequest.objects.bulk_create(rows)


def _signals(school: School, year: SchoolYear, reason: AbsenceReason | None, today: dt.date, zone: ZoneInfo) -> None:
    """Two pupils with four unauthorised whole days (22 hours) in the last four weeks."""
    if reason is None:
        return
    pupils = list(
        Pupil.objects.filter(school=school, status=Pupil.Status.ENROLLED, placements__year=year)
        .exclude(absences__isnull=False)
        .order_by("-birth_date", "pk")[:2]
    )
    days = [today - dt.timedelta(days=offset) for offset in (3, 8, 13, 18, 21, 24)]
    days = [d for d in days if d.weekday() < 5 and d >= year.start_date][:4]
    Absence.objects.bulk_create(
        Absence(
            pupil=pupil,
            year=year,
            starts_at=local_datetime(day, None, zone),
            ends_at=local_datetime(day + dt.timedelta(days=1), None, zone),
            reason=reason,
            processed=True,
            client_key=uuid.uuid4(),
        )
        for pupil in pupils
        for day in days
    )
