"""Guardians report absences under the school's rules (ABS-1, ABS-2); teachers register their
group's day in one post and process the reports.

The rules are enforced here, not only in the form: whatever posts a report (a stale form, a
script), a reason the school did not allow, a report after the reason's cut-off or while the
school has reporting switched off is refused with a clear message and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolbrug.accounts import audit
from schoolbrug.accounts.models import Account
from schoolbrug.notifications.models import NotificationKind
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify_each
from schoolbrug.sis.dates import local_datetime, school_today, school_zone
from schoolbrug.sis.models import GroupStaff, Pupil, School
from schoolbrug.sis.policies import communication_admin_of, pupils_visible_to, staff_member_of

from ..models import Absence, AbsenceReason, AbsenceRules
from .absences import absence_period_label, absence_record


def rules_of(school: School) -> AbsenceRules:
    """The school's rules; a school that never saved any takes no reports in the app."""
    return AbsenceRules.objects.filter(school=school).select_related("school").first() or AbsenceRules(
        school=school, guardians_may_report=False
    )


def phone_message(rules: AbsenceRules) -> str:
    if rules.phone_number:
        return _("Please phone the school at %(phone)s to report this absence.") % {"phone": rules.phone_number}
    return _("Please phone the school to report this absence.")


def check_guardian_rules(
    *, rules: AbsenceRules, reason: AbsenceReason, starts_at: dt.datetime, now: dt.datetime | None = None
) -> None:
    """Refuses what the school's rules do not allow in the app, saying what to do instead."""
    if not rules.guardians_may_report:
        raise ValidationError(_("The school does not take absence reports in the app.") + " " + phone_message(rules))
    if reason.school_id != rules.school_id or not reason.active or not reason.guardians_may_report:
        raise ValidationError({"reason": _("The school does not allow this reason in the app.")})
    if reason.guardian_cutoff == AbsenceReason.Cutoff.PHONE_ONLY:
        raise ValidationError({"reason": phone_message(rules)}, code="phone_only")
    zone = school_zone(rules.school)
    now = now or timezone.now()
    today = school_today(rules.school, now)
    first_day = timezone.localtime(starts_at, zone).date()
    if first_day < today:
        raise ValidationError({"date_from": _("An absence in the past cannot be reported in the app.")})
    if (
        reason.guardian_cutoff == AbsenceReason.Cutoff.BEFORE_TIME
        and reason.cutoff_time is not None
        and first_day == today
        and now >= local_datetime(today, reason.cutoff_time, zone)
    ):
        raise ValidationError(
            {
                "reason": _("After %(time)s an absence for today cannot be reported in the app.")
                % {"time": reason.cutoff_time.strftime("%H:%M")}
                + " "
                + phone_message(rules)
            },
            code="after_cutoff",
        )


def group_teachers(pupils: list[Pupil]) -> dict[int, list[tuple[Account, int]]]:
    """Per pupil, the active accounts of the teachers of his current groups with the group's id
    (two queries)."""
    links = (
        GroupStaff.objects.filter(
            is_teacher=True,
            group__year__is_current=True,
            group__placements__pupil_id__in=[p.pk for p in pupils],
            staff_member__is_active=True,
            staff_member__account__is_active=True,
        )
        .values_list("group__placements__pupil_id", "staff_member__account", "group_id")
        .distinct()
        .order_by("group__placements__pupil_id", "staff_member__account", "group_id")
    )
    found = list(links)
    accounts = {a.pk: a for a in Account.objects.filter(pk__in={account_id for _p, account_id, _g in found})}
    teachers: dict[int, list[tuple[Account, int]]] = defaultdict(list)
    for pupil_id, account_id, group_id in found:
        teachers[pupil_id].append((accounts[account_id], group_id))
    return teachers


def _notify_teachers(absences: list[Absence]) -> None:
    teachers = group_teachers([a.pupil for a in absences])
    pairs = []
    for absence in absences:
        day = timezone.localtime(absence.starts_at, school_zone(absence.pupil.school)).date()
        for account, group_id in teachers.get(absence.pupil_id, []):
            with translation.override(account.language or "nl"):
                event = Event(
                    kind=NotificationKind.ABSENCE,
                    title=_("%(name)s reported absent: %(reason)s")
                    % {"name": absence.pupil.display_name, "reason": absence.reason.name},
                    text=absence_period_label(absence),
                    link=reverse("records:group-absences", args=[group_id]) + f"?day={day.isoformat()}",
                    dedupe_key=f"absence-report:{absence.pk}",
                    pupil_id=absence.pupil_id,
                )
            pairs.append((account, event))
    notify_each(pairs)


@transaction.atomic
def guardian_absence_report(
    *,
    actor: Account,
    pupil: Pupil,
    reason: AbsenceReason,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    whole_day: bool,
    remark: str,
    client_key: UUID | None,
    now: dt.datetime | None = None,
) -> Absence:
    """A guardian's report lands in the pupil file at once (source guardian, unprocessed) and the
    group's teachers are told, in this transaction. A repeat with the same key returns the first
    absence; the same key with other content is refused."""
    if not getattr(actor, "is_guardian", False):
        raise PermissionDenied
    if client_key is not None:
        earlier = Absence.objects.filter(client_key=client_key, recorded_by=actor).exists()
        if earlier:
            # absence_record compares the content and returns the first report.
            return absence_record(
                actor=actor,
                pupils=[pupil],
                starts_at=starts_at,
                ends_at=ends_at,
                reason=reason,
                remark=remark,
                client_key=client_key,
                whole_day=whole_day,
            )[0]
    check_guardian_rules(rules=rules_of(pupil.school), reason=reason, starts_at=starts_at, now=now)
    absences = absence_record(
        actor=actor,
        pupils=[pupil],
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        remark=remark,
        client_key=client_key,
        whole_day=whole_day,
    )
    _notify_teachers(absences)
    return absences[0]


@transaction.atomic
def guardian_absence_withdraw(*, actor: Account, absence_id: int) -> None:
    """A guardian takes back a report of his child until a teacher has processed it; the row is
    locked so a teacher processing it at the same moment wins or loses cleanly."""
    absence = (
        Absence.objects.select_for_update()
        .filter(pk=absence_id, source=Absence.Source.GUARDIAN, pupil__in=pupils_visible_to(actor))
        .first()
    )
    if absence is None or not getattr(actor, "is_guardian", False):
        raise PermissionDenied
    if absence.processed:
        raise ValidationError(_("The school has already processed this report; phone the school to change it."))
    absence.delete()


@transaction.atomic
def absence_rules_save(
    *, actor: Account, data: Mapping[str, Any], request: Any = None, reasons_changed: list[str] | None = None
) -> AbsenceRules:
    staff = communication_admin_of(actor)
    if staff is None:
        raise PermissionDenied
    rules = AbsenceRules.objects.select_for_update().filter(school_id=staff.school_id).first() or AbsenceRules(
        school_id=staff.school_id
    )
    before = {name: getattr(rules, name) for name in data}
    for name, value in data.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()
    audit.record(
        audit.AuditEvent.Kind.SETTING_CHANGED,
        actor=actor,
        request=request,
        school_id=staff.school_id,
        subject="absence rules",
        data={
            "list": "absence rules",
            "before": before,
            "after": dict(data),
            "reasons_changed": reasons_changed or [],
        },
    )
    return rules


@transaction.atomic
def reason_rules_save(
    *, actor: Account, school: School, choices: Mapping[int, tuple[bool, str, dt.time | None]]
) -> list[str]:
    """Per reason: offered to guardians, its cut-off and cut-off time (the rules page). Returns
    the names of the reasons that changed, for the audit log."""
    staff = communication_admin_of(actor, school.pk)
    if staff is None:
        raise PermissionDenied
    reasons = {r.pk: r for r in AbsenceReason.objects.select_for_update().filter(school=school, pk__in=list(choices))}
    changed = []
    for reason_id, (allowed, cutoff, at) in choices.items():
        reason = reasons.get(reason_id)
        if reason is None:
            raise PermissionDenied
        if cutoff == AbsenceReason.Cutoff.BEFORE_TIME and at is None:
            raise ValidationError(
                _("%(reason)s: enter the time until which it may be reported.") % {"reason": reason.name}
            )
        if (reason.guardians_may_report, reason.guardian_cutoff, reason.cutoff_time) != (allowed, cutoff, at):
            changed.append(reason.name)
        reason.guardians_may_report, reason.guardian_cutoff, reason.cutoff_time = allowed, cutoff, at
        reason.full_clean()
    AbsenceReason.objects.bulk_update(
        list(reasons.values()), ["guardians_may_report", "guardian_cutoff", "cutoff_time"]
    )
    return sorted(changed)


@transaction.atomic
def group_day_register(
    *,
    actor: Account,
    pupils: list[Pupil],
    day: dt.date,
    choices: Mapping[int, AbsenceReason],
    client_key: UUID,
) -> list[Absence]:
    """The teacher's one post for the whole group: a whole-day absence for every ticked pupil,
    all or nothing. One call per reason, each with a key derived from the form's key, so a
    repeated post returns the first result."""
    if staff_member_of(actor) is None:
        raise PermissionDenied
    by_id = {p.pk: p for p in pupils}
    by_reason: dict[int, list[Pupil]] = defaultdict(list)
    reasons: dict[int, AbsenceReason] = {}
    for pupil_id, reason in choices.items():
        if pupil_id not in by_id:
            raise PermissionDenied
        by_reason[reason.pk].append(by_id[pupil_id])
        reasons[reason.pk] = reason
    if not by_reason:
        raise ValidationError(_("Choose a reason for at least one pupil."))
    zone = school_zone(pupils[0].school)
    created: list[Absence] = []
    for reason_id in sorted(by_reason):
        created += absence_record(
            actor=actor,
            pupils=by_reason[reason_id],
            starts_at=local_datetime(day, None, zone),
            ends_at=local_datetime(day + dt.timedelta(days=1), None, zone),
            whole_day=True,
            reason=reasons[reason_id],
            client_key=uuid.uuid5(client_key, str(reason_id)),
        )
    return created
