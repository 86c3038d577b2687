"""The teacher's conference day (CONF-4) as rows, and the same rows as PDF and Excel."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.sis.models import StaffMember

from .models import ConferenceRound
from .selectors import overview_slots

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class OverviewRow:
    teacher: str
    day: str
    time: str
    pupil: str
    group: str
    guardians: str
    place: str


def overview_rows(conference: ConferenceRound, staff: StaffMember | None) -> list[OverviewRow]:
    rows = []
    for slot in overview_slots(conference, staff):
        local = timezone.localtime(slot.starts_at)
        booking = getattr(slot, "booking", None)
        guardians = ""
        pupil = ""
        if booking is not None:
            pupil = booking.pupil.full_name
            guardians = ", ".join(g.guardian.full_name for g in booking.pupil.guardianships.all())
        rows.append(
            OverviewRow(
                teacher=slot.staff_member.full_name,
                day=local.strftime("%d-%m-%Y"),
                time=f"{local:%H:%M}-{timezone.localtime(slot.ends_at):%H:%M}",
                pupil=pupil,
                group="",
                guardians=guardians,
                place=slot.availability.location,
            )
        )
    return rows


def overview_pdf(conference: ConferenceRound, rows: list[OverviewRow]) -> bytes:
    from weasyprint import HTML  # imported late: loading pango costs time on every process start

    html = render_to_string("agenda/staff/overview_print.html", {"round": conference, "rows": rows})
    return bytes(HTML(string=html).write_pdf())


def overview_xlsx(conference: ConferenceRound, rows: list[OverviewRow]) -> bytes:
    # Imported here: openpyxl takes a noticeable part of a second to load on every process start.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Conferences")[:31]
    sheet.append([_("Teacher"), _("Date"), _("Time"), _("Pupil"), _("Guardians"), _("Place")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.teacher, row.day, row.time, row.pupil, row.guardians, row.place])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
