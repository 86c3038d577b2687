"""Staff pages for reports (REC-5): write per period, lock, print as PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from schoolbrug.core.confirm import confirmation_page, is_confirmed
from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis import selectors as sis_selectors
from schoolbrug.sis.decorators import staff_required

from ..forms.reports import ReportPeriodForm, ReportSectionFormSet
from ..policies import reports as policies
from ..selectors import reports as selectors
from ..selectors import results as result_selectors
from ..services import reports as services
from .common import chosen_year, show_service_error

DEFAULT_SECTIONS = (
    gettext_lazy("Language"),
    gettext_lazy("Arithmetic"),
    gettext_lazy("Attitude to work and behaviour"),
)


@staff_required
@never_cache
def pupil_reports(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = sis_policies.get_pupil_for_user_or_404(request.user, pupil_id)
    years = result_selectors.years_of_pupil(pupil)
    year = chosen_year(request, years)
    rows = selectors.report_rows(pupil=pupil, year=year) if year else []
    context = {
        "pupil": pupil,
        "years": years,
        "year": year,
        "rows": rows,
        "can_manage_periods": policies.can_manage_report_periods(request.user),
    }
    return render(request, "records/report_list.html", context)


@staff_required
@never_cache
def report_edit(request: HttpRequest, pupil_id: int, period_id: int) -> HttpResponse:
    pupil = sis_policies.get_pupil_for_user_or_404(request.user, pupil_id)
    period = policies.get_period_for_pupil_or_404(pupil, period_id)
    report = selectors.report_of(pupil, period)
    if report is not None and report.is_locked:
        status = 200
        if request.method == "POST":
            messages.error(request, services.locked_message())
            status = 409
        context = {
            "pupil": pupil,
            "period": period,
            "report": report,
            "can_unlock": policies.can_unlock_report(request.user, report),
        }
        return render(request, "records/report_locked.html", context, status=status)
    if report is not None:
        initial = [{"title": s.title, "body": s.body} for s in report.sections.all()]
    else:
        initial = [{"title": str(title), "body": ""} for title in DEFAULT_SECTIONS]
    formset = ReportSectionFormSet(request.POST or None, initial=initial, prefix="sections")
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            sections = [(f.cleaned_data.get("title", ""), f.cleaned_data.get("body", "")) for f in formset.forms]
            try:
                report = services.report_save(actor=request.user, pupil=pupil, period=period, sections=sections)
            except ValidationError as error:
                show_service_error(formset, error)
            else:
                messages.success(request, _("The report has been saved."))
                return redirect("records:report-edit", pupil_id=pupil.pk, period_id=period.pk)
        status = 400
    context = {"pupil": pupil, "period": period, "report": report, "formset": formset}
    return render(request, "records/report_edit.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
@never_cache
def report_lock(request: HttpRequest, report_id: int) -> HttpResponse:
    report = policies.get_report_for_user_or_404(request.user, report_id)
    if not policies.can_edit_report(request.user, report.pupil):
        raise Http404
    if report.is_locked:
        return redirect("records:report-edit", pupil_id=report.pupil_id, period_id=report.period_id)
    if not is_confirmed(request):
        # Locking publishes the report to the guardians and cannot be undone by the teacher.
        return confirmation_page(
            request,
            question=_("Lock this report?"),
            subject=f"{report.period.name} · {report.pupil.full_name}",
            consequence=_(
                "Guardians will see the report. After locking nobody can change it; "
                "only an application administrator can unlock it."
            ),
            button=_("Yes, lock the report"),
            cancel_url=reverse("records:report-edit", args=[report.pupil_id, report.period_id]),
        )
    try:
        services.report_lock(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is locked."))
    return redirect("records:report-edit", pupil_id=report.pupil_id, period_id=report.period_id)


@staff_required
@require_POST
def report_unlock(request: HttpRequest, report_id: int) -> HttpResponse:
    report = policies.get_report_for_user_or_404(request.user, report_id)
    if not policies.can_unlock_report(request.user, report):
        raise Http404
    services.report_unlock(actor=request.user, report=report, request=request)
    messages.success(request, _("The report is unlocked and can be changed again."))
    return redirect("records:report-edit", pupil_id=report.pupil_id, period_id=report.period_id)


@staff_required
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = policies.get_report_for_user_or_404(request.user, report_id)
    response = HttpResponse(selectors.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{selectors.pdf_filename(report)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@never_cache
def report_periods(request: HttpRequest) -> HttpResponse:
    if not policies.can_manage_report_periods(request.user):
        raise Http404
    staff = sis_policies.require_staff_member(request.user)
    year = sis_selectors.current_year(staff.school)
    if year is None:
        raise Http404
    form = ReportPeriodForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_period_create(actor=request.user, year=year, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The report period has been added."))
                return redirect("records:report-periods")
        status = 400
    periods = year.report_periods.order_by("order", "pk")
    return render(
        request, "records/report_periods.html", {"year": year, "periods": periods, "form": form}, status=status
    )
