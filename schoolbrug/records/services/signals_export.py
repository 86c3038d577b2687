"""The absence signals (ABS-4) as a workbook; every export is written to the audit log."""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from schoolbrug.accounts import audit
from schoolbrug.accounts.models import Account
from schoolbrug.core.numbers import shown

from ..policies.absences import leave_decider_of
from ..selectors.absences import absence_signals


def absence_signals_workbook(*, actor: Account, today: dt.date, request: HttpRequest | None = None) -> bytes:
    staff = leave_decider_of(actor)
    if staff is None:
        raise PermissionDenied
    signals = absence_signals(school=staff.school, today=today)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Absence signals")[:31]
    titles = [_("Pupil"), _("Birth date"), _("Group"), _("Unauthorised hours"), _("Absences")]
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row=1, column=column, value=title)
        cell.font = Font(bold=True)
    for row, signal in enumerate(signals, start=2):
        values = [
            signal.pupil.sort_name,
            signal.pupil.birth_date.strftime("%d-%m-%Y"),
            ", ".join(signal.groups),
            shown(round(signal.hours, 1)),
            str(signal.absences),
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            # Names are data, never formulas (formula injection).
            cell.value = value
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit.record(
        audit.AuditEvent.Kind.EXPORTED,
        actor=actor,
        request=request,
        school_id=staff.school_id,
        subject="absence signals",
        data={"export": "absence_signals", "rows": len(signals), "day": today.isoformat()},
    )
    return buffer.getvalue()
