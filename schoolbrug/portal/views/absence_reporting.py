"""Guardians report an absence and ask for leave (ABS-1, ABS-3), for their own children only:
every child comes from the portal's own list (`PortalRequestContext.child`), anyone else's is 404
on every method. The pages exist while the school's absence module is on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from schoolbrug.records.forms.common import add_service_error
from schoolbrug.records.forms.reporting import GuardianReportForm, LeaveRequestForm
from schoolbrug.records.models import AbsenceReason
from schoolbrug.records.policies.absences import leave_requests_of_guardian
from schoolbrug.records.services import leave as leave_services
from schoolbrug.records.services import reporting
from schoolbrug.records.views.reporting import attachment_response

from ..modules import Module
from .common import PortalRequestContext, portal_page, render_portal

SERVICE_FIELDS = {"starts_at": "date_from", "ends_at": "date_until"}


@portal_page()
def report(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    child, school_portal = portal.child_with_module(pupil_id, Module.ABSENCES)
    rules = reporting.rules_of(child.school)
    form = GuardianReportForm(request.POST or None, school=child.school)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                reporting.guardian_absence_report(
                    actor=portal.account,
                    pupil=child,
                    reason=data["reason"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    whole_day=data["whole_day"],
                    remark=data["remark"],
                    client_key=data["client_key"],
                )
            except PermissionDenied as error:
                raise Http404 from error
            except ValidationError as error:
                add_service_error(form, error, aliases=SERVICE_FIELDS)
            else:
                messages.success(
                    request,
                    _("The absence of %(name)s has been reported to the school.") % {"name": child.display_first_name},
                )
                return redirect("portal:child-absences", pupil_id=child.pk)
        status = 400
    context = {
        "child": child,
        "modules": school_portal,
        "page": "report",
        "form": form,
        "rules": rules,
        "phone_message": reporting.phone_message(rules),
        "phone_reasons": AbsenceReason.objects.filter(
            school=child.school, active=True, guardian_cutoff=AbsenceReason.Cutoff.PHONE_ONLY
        ).order_by("name"),
        "cutoff_reasons": AbsenceReason.objects.filter(
            school=child.school,
            active=True,
            guardians_may_report=True,
            guardian_cutoff=AbsenceReason.Cutoff.BEFORE_TIME,
        ).order_by("name"),
    }
    response = render_portal(request, portal, "portal/child_absence_report.html", context)
    response.status_code = status
    return response


@portal_page()
def withdraw(request: HttpRequest, portal: PortalRequestContext, pupil_id: int, absence_id: int) -> HttpResponseBase:
    # The child first: someone else's child is a page that does not exist, whatever the method.
    child, _school_portal = portal.child_with_module(pupil_id, Module.ABSENCES)
    if not child.absences.filter(pk=absence_id).exists():
        raise Http404
    if request.method != "POST":
        # The button lives on the absences page.
        return redirect("portal:child-absences", pupil_id=child.pk)
    try:
        reporting.guardian_absence_withdraw(actor=portal.account, absence_id=absence_id)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The report has been withdrawn."))
    return redirect("portal:child-absences", pupil_id=child.pk)


@portal_page()
def leave(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    child, school_portal = portal.child_with_module(pupil_id, Module.ABSENCES)
    form = LeaveRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                upload = data.get("attachment")
                attachment = (
                    leave_services.checked_attachment(upload, upload.name or "", upload.size) if upload else None
                )
                leave_services.leave_request_submit(
                    actor=portal.account,
                    pupil=child,
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    reason=data["reason"],
                    attachment=attachment,
                    client_key=data["client_key"],
                )
            except PermissionDenied as error:
                raise Http404 from error
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Your leave request has been sent to the principal."))
                return redirect("portal:child-leave", pupil_id=child.pk)
        status = 400
    context = {
        "child": child,
        "modules": school_portal,
        "page": "leave",
        "form": form,
        "requests": list(leave_requests_of_guardian(portal.account, child).defer("attachment")),
    }
    response = render_portal(request, portal, "portal/child_leave.html", context)
    response.status_code = status
    return response


@portal_page()
def leave_attachment(request: HttpRequest, portal: PortalRequestContext, pupil_id: int, leave_id: int) -> HttpResponse:
    child, _school_portal = portal.child_with_module(pupil_id, Module.ABSENCES)
    found = leave_requests_of_guardian(portal.account, child).filter(pk=leave_id).first()
    if found is None:
        raise Http404
    return attachment_response(found)
