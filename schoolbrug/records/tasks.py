"""Background work of the pupil file: rendering a report's PDF as soon as it is locked."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task


@task
def render_locked_report_pdf(report_id: int) -> None:
    """Keep the PDF in the school's language before guardians ask for it (report day: thousands of
    guardians open their child's report within minutes; a first render on that moment costs
    ~0.1 s of CPU each). Other languages are rendered on their first download."""
    from .models import Report
    from .services.report_prints import locked_report_pdf  # the service module enqueues this task

    report = Report.objects.filter(pk=report_id, locked_at__isnull=False).first()
    if report is not None:
        locked_report_pdf(report, language=settings.LANGUAGE_CODE)
