"""Writes for absences (REC-1) and the school's absence reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.records.events import announce
from schoolbrug.sis.dates import school_zone, year_containing
from schoolbrug.sis.models import Pupil
from schoolbrug.sis.policies import pupils_visible_to, staff_member_of

from ..models import Absence, AbsenceReason
from .common import school_setting_save

DASH = "\u2013"  # an en dash between the ends of a period


def absence_period_label(absence: Absence) -> str:
    """'12-11-2026', '12-11-2026 - 14-11-2026' or '12-11-2026 10:00 - 12:00', in the school's zone."""
    zone = school_zone(absence.pupil.school)
    start = timezone.localtime(absence.starts_at, zone)
    end = timezone.localtime(absence.ends_at, zone)
    if absence.whole_day:
        last_day = (end - dt.timedelta(microseconds=1)).date()
        if last_day == start.date():
            return f"{start:%d-%m-%Y}"
        return f"{start:%d-%m-%Y} {DASH} {last_day:%d-%m-%Y}"
    if end.date() == start.date():
        return f"{start:%d-%m-%Y %H:%M} {DASH} {end:%H:%M}"
    return f"{start:%d-%m-%Y %H:%M} {DASH} {end:%d-%m-%Y %H:%M}"


def _check_reason(actor: Any, school_id: int, reason: AbsenceReason) -> None:
    if reason.school_id != school_id or not reason.active:
        raise ValidationError({"reason": _("Choose one of the school's absence reasons.")})
    if getattr(actor, "is_guardian", False) and not reason.guardians_may_report:
        raise ValidationError({"reason": _("Guardians cannot report an absence with this reason.")})


def _refuse_other_content(
    earlier: list[Absence],
    pupil_ids: list[int],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: AbsenceReason,
    remark: str,
    whole_day: bool,
) -> None:
    """A repeat must be the same report: the same key with other content is a client error, never
    a silent second meaning of the first report."""
    first = earlier[0]
    same = (
        sorted(a.pupil_id for a in earlier) == pupil_ids
        and first.starts_at == starts_at
        and first.ends_at == ends_at
        and first.reason_id == reason.pk
        and first.remark == remark.strip()
        and first.whole_day == whole_day
    )
    if not same:
        raise ValidationError(
            _("This form was already sent with other content. Reload the page and report the absence again."),
            code="client_key_reused",
        )


@transaction.atomic
def absence_record(
    *,
    actor: Any,
    pupils: Sequence[Pupil],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: AbsenceReason,
    remark: str = "",
    client_key: UUID | None,
    whole_day: bool = False,
) -> list[Absence]:
    """Records one absence per pupil, all or none.

    A repeat with the same `client_key` by the same account returns the absences of the first
    call. An absence that overlaps one already recorded for the same pupil is refused, naming the
    pupil and the existing absence.
    """
    is_guardian = getattr(actor, "is_guardian", False)
    if not is_guardian and staff_member_of(actor) is None:
        raise PermissionDenied
    pupil_ids = sorted({p.pk for p in pupils})
    if not pupil_ids:
        raise ValidationError({"pupils": _("Choose at least one pupil.")})
    # Locking the pupil rows (in a fixed order) serialises concurrent recordings for the same
    # pupil, so the overlap check below cannot race on PostgreSQL.
    locked = list(
        pupils_visible_to(actor).select_for_update().filter(pk__in=pupil_ids).select_related("school").order_by("pk")
    )
    if len(locked) != len(pupil_ids) or len({p.school_id for p in locked}) != 1:
        raise PermissionDenied
    if client_key is not None:
        earlier = list(
            Absence.objects.filter(client_key=client_key, recorded_by=actor).select_related("pupil", "reason")
        )
        if earlier:
            _refuse_other_content(earlier, pupil_ids, starts_at, ends_at, reason, remark, whole_day)
            return earlier
    school = locked[0].school
    _check_reason(actor, school.pk, reason)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The absence ends before it starts.")})
    if len(remark) > 1000:
        raise ValidationError({"remark": _("Keep the remark under 1000 characters.")})
    zone = school_zone(school)
    first_day = timezone.localtime(starts_at, zone).date()
    last_day = timezone.localtime(ends_at - dt.timedelta(microseconds=1), zone).date()
    year = year_containing(school, first_day)
    if year is None or last_day > year.end_date:
        raise ValidationError({"starts_at": _("The absence must lie within one school year.")})
    overlapping = list(
        Absence.objects.filter(pupil_id__in=pupil_ids, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .select_related("pupil", "pupil__school", "reason")
        .order_by("pupil__last_name", "starts_at")
    )
    if overlapping:
        raise ValidationError(
            [
                _("%(pupil)s is already absent on %(period)s (%(reason)s).")
                % {"pupil": a.pupil.full_name, "period": absence_period_label(a), "reason": a.reason.name}
                for a in overlapping
            ],
            code="overlap",
        )
    source = Absence.Source.GUARDIAN if is_guardian else Absence.Source.STAFF
    absences = [
        Absence(
            pupil=pupil,
            year=year,
            starts_at=starts_at,
            ends_at=ends_at,
            whole_day=whole_day,
            reason=reason,
            remark=remark.strip(),
            source=source,
            recorded_by=actor,
            client_key=client_key,
        )
        for pupil in locked
    ]
    created = Absence.objects.bulk_create(absences)
    announce(module="absences", items=[(absence.pupil, absence) for absence in created], actor=actor)
    return created


@transaction.atomic
def absence_mark_processed(*, actor: Any, absence: Absence, processed: bool = True) -> Absence:
    if staff_member_of(actor) is None or not pupils_visible_to(actor).filter(pk=absence.pupil_id).exists():
        raise PermissionDenied
    Absence.objects.filter(pk=absence.pk).update(processed=processed)
    absence.processed = processed
    return absence


@transaction.atomic
def absence_delete(*, actor: Any, absence: Absence) -> None:
    """Removes an absence recorded by mistake; staff only, within reach."""
    if staff_member_of(actor) is None or not pupils_visible_to(actor).filter(pk=absence.pupil_id).exists():
        raise PermissionDenied
    absence.delete()


@transaction.atomic
def absence_reason_save(
    *, actor: Any, reason: AbsenceReason | None = None, data: dict[str, Any], request: HttpRequest | None = None
) -> AbsenceReason:
    return school_setting_save(
        actor=actor, model=AbsenceReason, instance=reason, data=data, request=request, label="absence reason"
    )
