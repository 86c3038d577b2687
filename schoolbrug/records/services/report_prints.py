"""The PDF of a locked report, rendered once and kept (BENCHMARKS.md scenario 7, report day).

On report day every guardian opens the same few hundred PDFs within minutes; rendering each
request anew costs ~0.1 s of CPU per download. A locked report does not change, so its PDF is
kept in `ReportPrint` (rendered by the task worker right after the lock, in the site's language;
other languages on their first download), keyed by language and by the digest of the HTML it was
made from: the HTML (a dozen small queries and a template) is still built on each request, so
anything the PDF shows that changes elsewhere (the pupil's name, the school's address, the
group) yields a new digest and a fresh PDF, never a stale one. Unlocking deletes the kept PDFs (services.reports).
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils import translation

from ..models import Report, ReportPrint
from ..selectors.reports import render_pdf, report_print_html


def locked_report_pdf(report: Report, *, language: str | None = None) -> bytes:
    language = language or translation.get_language()
    html = report_print_html(report, language=language)
    if not report.is_locked:
        return render_pdf(html)
    digest = hashlib.sha256(html.encode()).hexdigest()
    kept = ReportPrint.objects.filter(report=report, language=language).values_list("digest", "pdf").first()
    if kept is not None and kept[0] == digest:
        return bytes(kept[1])
    pdf = render_pdf(html)
    try:
        with transaction.atomic():
            # Only while the report is still locked: an unlock that committed meanwhile wins.
            if Report.objects.filter(pk=report.pk, locked_at__isnull=False).exists():
                ReportPrint.objects.update_or_create(
                    report=report, language=language, defaults={"digest": digest, "pdf": pdf}
                )
    except IntegrityError:
        pass  # another request stored the same PDF at the same moment
    return pdf


def forget_report_pdfs(report: Report) -> None:
    ReportPrint.objects.filter(report=report).delete()


def render_when_locked(report: Report) -> None:
    """Queue the PDF's rendering for when the lock commits (the task worker does it)."""
    from ..tasks import render_locked_report_pdf  # the task module imports this one

    transaction.on_commit(lambda: render_locked_report_pdf.enqueue(report.pk))
