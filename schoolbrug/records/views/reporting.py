"""Staff pages of absence reporting: the school's rules (ABS-1), the teacher's one post for the
whole group (ABS-2), leave requests (ABS-3) and the absence signals with their export (ABS-4)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from schoolbrug.accounts.models import Account
from schoolbrug.sis.dates import school_today
from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.policies import get_group_for_user_or_404, require_communication_admin

from ..forms.common import add_service_error
from ..forms.reporting import AbsenceRulesForm, LeaveDecisionForm
from ..models import AbsenceReason, LeaveRequest
from ..policies import absences as policies
from ..selectors import absences as selectors
from ..services import leave as leave_services
from ..services import reporting as services
from ..services.signals_export import absence_signals_workbook


def _actor(request: HttpRequest) -> Account:
    # Behind @staff_required: always a staff member's account.
    assert isinstance(request.user, Account)
    return request.user


@staff_required
@require_http_methods(["GET", "POST"])
@never_cache
def absence_rules(request: HttpRequest) -> HttpResponse:
    staff = require_communication_admin(request.user)
    rules = services.rules_of(staff.school)
    reasons = list(AbsenceReason.objects.filter(school=staff.school, active=True).order_by("name"))
    form = AbsenceRulesForm(request.POST or None, instance=rules, reasons=reasons)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.reason_rules_save(
                actor=_actor(request), school=staff.school, choices=form.reason_choices()
            )
            services.absence_rules_save(
                actor=_actor(request),
                data={name: form.cleaned_data[name] for name in ("guardians_may_report", "message", "phone")},
                request=request,
                reasons_changed=changed,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The absence rules have been saved."))
            return redirect("records:absence-rules")
    return render(request, "records/absence_rules.html", {"form": form, "rules": rules})


@staff_required
@require_POST
def group_register(request: HttpRequest, group_id: int) -> HttpResponseBase:
    """The day view's one form: a reason chosen next to a pupil records him absent that day."""
    group = get_group_for_user_or_404(request.user, group_id)
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
        client_key = UUID(request.POST.get("client_key", ""))
    except ValueError as error:
        raise Http404 from error
    pupils = list(selectors.group_pupils_in_reach(user=request.user, group=group))
    reasons = {r.pk: r for r in selectors.reasons_of_school(group.school, active_only=True)}
    choices: dict[int, AbsenceReason] = {}
    for pupil in pupils:
        value = request.POST.get(f"reason_{pupil.pk}", "")
        if not value:
            continue
        reason = reasons.get(int(value)) if value.isdigit() else None
        if reason is None:
            messages.error(request, _("Choose one of the school's absence reasons."))
            return redirect(reverse("records:group-absences", args=[group.pk]) + f"?day={day.isoformat()}")
        choices[pupil.pk] = reason
    try:
        recorded = services.group_day_register(
            actor=_actor(request), pupils=pupils, day=day, choices=choices, client_key=client_key
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("%(count)d absences have been recorded.") % {"count": len(recorded)})
    return redirect(reverse("records:group-absences", args=[group.pk]) + f"?day={day.isoformat()}")


@staff_required
@never_cache
def leave_requests(request: HttpRequest) -> HttpResponse:
    staff = policies.require_leave_decider(request.user)
    requests = LeaveRequest.objects.filter(school_id=staff.school_id).select_related("pupil").defer("attachment")
    context = {
        "pending": list(requests.filter(status=LeaveRequest.Status.PENDING).order_by("first_day", "pk")),
        "decided": list(requests.exclude(status=LeaveRequest.Status.PENDING).order_by("-decided_at", "-pk")[:50]),
    }
    return render(request, "records/leave_requests.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
@never_cache
def leave_request_detail(request: HttpRequest, leave_id: int) -> HttpResponse:
    leave = policies.get_leave_request_for_decider_or_404(request.user, leave_id)
    form = LeaveDecisionForm(request.POST or None)
    if request.method == "POST" and leave.status == LeaveRequest.Status.PENDING and form.is_valid():
        try:
            leave_services.leave_request_decide(
                actor=_actor(request),
                leave_id=leave.pk,
                approve=form.cleaned_data["decision"] == "approve",
                explanation=form.cleaned_data["decision_reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The decision has been sent to the guardian."))
            return redirect("records:leave-requests")
    return render(request, "records/leave_request_detail.html", {"leave": leave, "form": form})


def attachment_response(leave: LeaveRequest) -> HttpResponse:
    """The attachment as a download that never renders in the page's origin."""
    if not leave.attachment:
        raise Http404
    response = HttpResponse(bytes(leave.attachment), content_type=leave.attachment_type)
    extension = "pdf" if leave.attachment_type == "application/pdf" else "png"
    response["Content-Disposition"] = f'attachment; filename="verlof-{leave.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_required
@never_cache
def leave_attachment(request: HttpRequest, leave_id: int) -> HttpResponse:
    return attachment_response(policies.get_leave_request_for_decider_or_404(request.user, leave_id))


@staff_required
@never_cache
def absence_signals(request: HttpRequest) -> HttpResponse:
    staff = policies.require_leave_decider(request.user)
    today = school_today(staff.school)
    context = {
        "signals": selectors.absence_signals(school=staff.school, today=today),
        "today": today,
        "first_day": today - selectors.SIGNAL_WINDOW + dt.timedelta(days=1),
        "threshold": selectors.SIGNAL_THRESHOLD_HOURS,
        "hours_per_day": selectors.HOURS_PER_SCHOOL_DAY,
    }
    return render(request, "records/absence_signals.html", context)


@staff_required
@require_POST
def absence_signals_export(request: HttpRequest) -> HttpResponse:
    staff = policies.require_leave_decider(request.user)
    today = school_today(staff.school)
    try:
        content = absence_signals_workbook(actor=_actor(request), today=today, request=request)
    except PermissionDenied as error:
        raise Http404 from error
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="verzuimsignalen-{today.isoformat()}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
