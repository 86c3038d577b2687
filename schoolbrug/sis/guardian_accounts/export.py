"""The guardian account overview as an Excel workbook (ACC-5): the visible columns, all filtered rows.

An export hands contact data of a whole school to a file that leaves the system: it is audited
(ACC-7) and capped per administrator per hour (SECURITY 2.4.1).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from schoolbrug.accounts import audit

from .. import policies
from .batch_services import RateLimited
from .forms import NO, YES, GuardianAccountFilterForm, GuardianAccountFilters
from .selectors import GuardianAccountRow, guardian_account_rows, rows_of

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def exports_per_hour() -> int:
    return int(settings.SCHOOLBRUG_EXPORTS_PER_HOUR)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    rows: int


def column_titles() -> list[str]:
    # The overview's columns, in its order.
    return [
        _("Name"),
        _("E-mail address"),
        _("Pupils (group)"),
        _("Account active"),
        _("Invited"),
        _("Activated"),
        _("Reachable in app"),
    ]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _row_values(row: GuardianAccountRow) -> list[str]:
    return [
        row.name,
        row.email,
        row.pupils_text,
        _yes_no(row.account_active),
        _yes_no(row.invited),
        _yes_no(row.activated),
        _yes_no(row.reachable),
    ]


def _put(cell: Cell, value: str) -> None:
    cell.value = value
    # openpyxl stores a string starting with "=" as a formula: names and addresses are data,
    # never formulas (CSV/formula injection).
    cell.data_type = "s"


def _sheet_title(text: str) -> str:
    # Excel forbids these characters (and more than 31 of them) in a sheet name; the Dutch
    # "Accounts ouders/verzorgers" has a slash.
    return INVALID_TITLE_REGEX.sub("-", text)[:31]


def build_workbook(rows: Iterable[GuardianAccountRow], filters: dict[str, str]) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_title(_("Guardian accounts"))
    for column, title in enumerate(column_titles(), start=1):
        _put(sheet.cell(row=1, column=column), title)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(_row_values(row), start=1):
            _put(sheet.cell(row=row_number, column=column), value)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFG", (30, 34, 50, 14, 12, 12, 16), strict=True):
        sheet.column_dimensions[letter].width = width

    # The filters travel with the file, so a reader knows which guardians it holds.
    about = workbook.create_sheet(_sheet_title(_("Filters")))
    _put(about.cell(row=1, column=1), _("Filter"))
    _put(about.cell(row=1, column=2), _("Value"))
    labels = {name: str(field.label) for name, field in GuardianAccountFilterForm.base_fields.items()}
    values = {YES: _("yes"), NO: _("no")}
    for row_number, (key, value) in enumerate(filters.items(), start=2):
        _put(about.cell(row=row_number, column=1), labels.get(key, key))
        _put(about.cell(row=row_number, column=2), values.get(value, value))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(school_name: str, day: dt.date) -> str:
    return f"guardian-accounts-{slugify(school_name) or 'school'}-{day.isoformat()}.xlsx"


def guardian_accounts_export(
    *, actor: Any, filters: GuardianAccountFilters, request: HttpRequest | None = None
) -> ExportFile | None:
    """The workbook of every guardian the filters match, or None when there is none (no file)."""
    staff = policies.application_admin_of(actor)
    if staff is None:
        raise PermissionDenied
    since = timezone.now() - dt.timedelta(hours=1)
    recent = audit.AuditEvent.objects.filter(
        kind=audit.AuditEvent.Kind.EXPORTED, actor_id=actor.pk, at__gte=since
    ).count()
    if recent >= exports_per_hour():
        raise RateLimited(
            _("You have made %(limit)s exports in the past hour. Please try again later.")
            % {"limit": exports_per_hour()}
        )
    guardians = guardian_account_rows(user=actor, filters=filters)
    rows = rows_of(guardians.iterator(chunk_size=500))
    if not rows:
        return None
    described = filters.describe()
    content = build_workbook(rows, described)
    filename = export_filename(staff.school.name, timezone.localdate())
    audit.record(
        audit.AuditEvent.Kind.EXPORTED,
        actor=actor,
        request=request,
        school_id=staff.school_id,
        subject=filename,
        data={"export": "guardian_accounts", "rows": len(rows), "filters": described},
    )
    return ExportFile(filename=filename, content=content, rows=len(rows))
