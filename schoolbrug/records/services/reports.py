"""Writes of reports (REC-5): edit until locked; unlocking is an audited administrator action."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.accounts import audit
from schoolbrug.records.events import announce
from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis.models import Pupil, SchoolYear

from ..models import Report, ReportPeriod, ReportSection
from ..policies import reports as policies
from .report_prints import forget_report_pdfs, render_when_locked

MAX_SECTIONS = 30


def locked_message() -> str:
    return _("This report is locked and can no longer be changed. An administrator can unlock it.")


@transaction.atomic
def report_period_create(*, actor: Any, year: SchoolYear, name: str, order: int) -> ReportPeriod:
    if not sis_policies.is_application_admin(actor, year.school_id):
        raise PermissionDenied
    period = ReportPeriod(school_id=year.school_id, year=year, name=name.strip(), order=order)
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def report_save(*, actor: Any, pupil: Pupil, period: ReportPeriod, sections: Sequence[tuple[str, str]]) -> Report:
    """Creates or rewrites the report of a pupil for a period; sections are (heading, text)."""
    if period.school_id != pupil.school_id or not policies.can_edit_report(actor, pupil):
        raise PermissionDenied
    sections = [(title.strip(), body.strip()) for title, body in sections if title.strip() or body.strip()]
    if len(sections) > MAX_SECTIONS:
        raise ValidationError(_("A report has at most %(count)s sections.") % {"count": MAX_SECTIONS})
    if any(not title for title, _body in sections):
        raise ValidationError(_("Every section needs a heading."))
    report, _created = Report.objects.select_for_update().get_or_create(pupil=pupil, period=period)
    if report.is_locked:
        raise ValidationError(locked_message(), code="locked")
    rows = [
        ReportSection(report=report, position=index, title=title, body=body)
        for index, (title, body) in enumerate(sections, start=1)
    ]
    for row in rows:
        row.full_clean(exclude=["report"])
    report.sections.all().delete()
    ReportSection.objects.bulk_create(rows)
    report.save(update_fields=["updated_at"])
    return report


@transaction.atomic
def report_lock(*, actor: Any, report: Report) -> Report:
    """Locks a report, after which guardians may see it (once the portal module is on)."""
    report = Report.objects.select_for_update().select_related("pupil").get(pk=report.pk)
    if not policies.can_edit_report(actor, report.pupil):
        raise PermissionDenied
    if report.is_locked:
        return report
    if not report.sections.exists():
        raise ValidationError(_("An empty report cannot be locked."), code="empty")
    report.locked_at = timezone.now()
    report.locked_by = actor
    report.save(update_fields=["locked_at", "locked_by", "updated_at"])
    announce(module="reports", items=[(report.pupil, report)], actor=actor)
    render_when_locked(report)
    return report


@transaction.atomic
def report_unlock(*, actor: Any, report: Report, request: Any = None) -> Report:
    report = Report.objects.select_for_update().select_related("pupil", "period").get(pk=report.pk)
    if not policies.can_unlock_report(actor, report):
        raise PermissionDenied
    if not report.is_locked:
        return report
    report.locked_at = None
    report.locked_by = None
    report.save(update_fields=["locked_at", "locked_by", "updated_at"])
    # Its text may change now; a kept PDF must never outlive the version it shows.
    forget_report_pdfs(report)
    audit.record(
        audit.AuditEvent.Kind.RECORD_CHANGED,
        actor=actor,
        request=request,
        school_id=report.pupil.school_id,
        subject=report.pupil.full_name,
        data={
            "action": "report_unlocked",
            "report_id": report.pk,
            "pupil_id": report.pupil_id,
            "period": report.period.name,
        },
    )
    return report
