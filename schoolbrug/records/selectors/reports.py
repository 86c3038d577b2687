"""Reads of reports (REC-5) and their PDF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import translation

from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis.models import Placement, Pupil, SchoolYear

from ..models import Report, ReportPeriod, ReportSection


@dataclass(frozen=True)
class PeriodRow:
    period: ReportPeriod
    report: Report | None


def report_rows(*, pupil: Pupil, year: SchoolYear) -> list[PeriodRow]:
    """Every report period of the year with the pupil's report, if one was started."""
    periods = list(ReportPeriod.objects.filter(school_id=pupil.school_id, year=year).order_by("order", "pk"))
    reports = {
        r.period_id: r for r in Report.objects.filter(pupil=pupil, period__in=periods).prefetch_related("sections")
    }
    return [PeriodRow(period=p, report=reports.get(p.pk)) for p in periods]


def report_of(pupil: Pupil, period: ReportPeriod) -> Report | None:
    return (
        Report.objects.filter(pupil=pupil, period=period)
        .select_related("locked_by")
        .prefetch_related(Prefetch("sections", queryset=ReportSection.objects.order_by("position", "pk")))
        .first()
    )


def reports_visible_to_guardian(*, user: Any, pupil: Pupil) -> QuerySet[Report]:
    """Locked reports of a pupil the guardian reaches. The portal adds its module check (POR-3)."""
    if not getattr(user, "is_guardian", False):
        return Report.objects.none()
    return (
        Report.objects.filter(
            pupil=pupil,
            pupil__in=sis_policies.pupils_visible_to(user),
            locked_at__isnull=False,
        )
        .select_related("period", "period__year")
        .order_by("-period__year__start_date", "period__order")
    )


def report_for_print(report: Report) -> Report:
    return (
        Report.objects.select_related("pupil", "pupil__school", "period", "period__year")
        .prefetch_related(
            Prefetch("sections", queryset=ReportSection.objects.order_by("position", "pk")),
            Prefetch(
                "pupil__placements",
                queryset=Placement.objects.select_related("group"),
                to_attr="all_placements",
            ),
        )
        .get(pk=report.pk)
    )


def report_print_html(report: Report, *, language: str | None = None) -> str:
    """The HTML the PDF is made from; cheap next to the PDF itself."""
    report = report_for_print(report)
    placement = next(
        (p for p in report.pupil.all_placements if p.year_id == report.period.year_id),  # type: ignore[attr-defined]
        None,
    )
    context = {"report": report, "pupil": report.pupil, "school": report.pupil.school, "placement": placement}
    with translation.override(language or translation.get_language()):
        return render_to_string("records/report_print.html", context)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: loading pango costs time on every process start

    return bytes(HTML(string=html).write_pdf())


def report_pdf(report: Report, *, language: str | None = None) -> bytes:
    """The report as an A4 PDF rendered by WeasyPrint from `records/report_print.html`, every time.
    Locked reports for guardians: services.report_prints.locked_report_pdf keeps the PDF."""
    return render_pdf(report_print_html(report, language=language))


def pdf_filename(report: Report) -> str:
    from django.utils.text import slugify

    return f"report-{slugify(report.pupil.full_name)}-{slugify(report.period.name)}.pdf"
