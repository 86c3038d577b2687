"""Staff pages for absences (REC-1): per pupil, per group (day and week), and the reasons."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from schoolbrug.core.confirm import confirmation_page, is_confirmed
from schoolbrug.sis.dates import monday_of, school_today
from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.models import Pupil
from schoolbrug.sis.policies import (
    get_group_for_user_or_404,
    get_pupil_for_user_or_404,
    groups_visible_to,
    require_application_admin,
)

from ..forms.absences import AbsenceForm, AbsenceReasonForm, GroupAbsenceForm
from ..forms.common import add_service_error
from ..models import Absence
from ..policies import absences as policies
from ..selectors import absences as selectors
from ..services import absences as services
from .common import school_list_edit, school_list_page

SERVICE_FIELDS = {"starts_at": "date_from", "ends_at": "date_until"}


@staff_required
@never_cache
def pupil_absences(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for_user_or_404(request.user, pupil_id)
    absences = [(a, services.absence_period_label(a)) for a in selectors.absences_for_pupil(pupil=pupil)]
    return render(request, "records/absence_pupil_list.html", {"pupil": pupil, "absences": absences})


def _record(request: HttpRequest, form: AbsenceForm, pupils: list[Pupil]) -> list[Absence] | None:
    """The recorded absences, or None with the service's refusal put on the form."""
    data = form.cleaned_data
    try:
        return services.absence_record(
            actor=request.user,
            pupils=pupils,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            whole_day=data["whole_day"],
            reason=data["reason"],
            remark=data["remark"],
            client_key=data["client_key"],
        )
    except ValidationError as error:
        add_service_error(form, error, aliases=SERVICE_FIELDS)
        return None


@staff_required
@never_cache
def pupil_absence_new(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for_user_or_404(request.user, pupil_id)
    form = AbsenceForm(request.POST or None, school=pupil.school)
    if request.method == "POST" and form.is_valid() and _record(request, form, [pupil]) is not None:
        messages.success(request, _("The absence of %(name)s has been recorded.") % {"name": pupil.full_name})
        return redirect("records:pupil-absences", pupil_id=pupil.pk)
    return render(request, "records/absence_form.html", {"pupil": pupil, "form": form})


@staff_required
@require_POST
def absence_processed(request: HttpRequest, absence_id: int) -> HttpResponseBase:
    absence = policies.get_absence_for_user_or_404(request.user, absence_id)
    services.absence_mark_processed(actor=request.user, absence=absence, processed=request.POST.get("processed") == "1")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("records:pupil-absences", pupil_id=absence.pupil_id)


@staff_required
@require_http_methods(["GET", "POST"])
@never_cache
def absence_delete(request: HttpRequest, absence_id: int) -> HttpResponseBase:
    absence = policies.get_absence_for_user_or_404(request.user, absence_id)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            question=_("Remove this absence?"),
            subject=f"{absence.pupil.full_name} · {absence.reason.name} · {services.absence_period_label(absence)}",
            consequence=_("The absence disappears from the records and from the portal. This cannot be undone."),
            button=_("Yes, remove the absence"),
            cancel_url=reverse("records:pupil-absences", args=[absence.pupil_id]),
        )
    services.absence_delete(actor=request.user, absence=absence)
    messages.success(request, _("The absence has been removed."))
    return redirect("records:pupil-absences", pupil_id=absence.pupil_id)


def _chosen_day(request: HttpRequest, default: dt.date) -> dt.date:
    value = request.GET.get("day")
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise Http404 from error


@staff_required
@never_cache
def group_absences(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for_user_or_404(request.user, group_id)
    day = _chosen_day(request, school_today(group.school))
    week = request.GET.get("view") == "week"
    if week:
        monday = monday_of(day)
        days = [monday + dt.timedelta(days=i) for i in range(5)]
        step = dt.timedelta(days=7)
    else:
        days = [day]
        step = dt.timedelta(days=1)
    rows = selectors.group_absence_grid(user=request.user, group=group, days=days)
    context = {
        "group": group,
        "day": day,
        "days": days,
        "week": week,
        "rows": rows,
        "previous": days[0] - step if week else day - step,
        "next": days[0] + step if week else day + step,
        "absent_count": sum(1 for row in rows if row.is_absent),
        # The day view is also the register: one reason select per pupil, one post.
        "reasons": [] if week else list(selectors.reasons_of_school(group.school, active_only=True)),
        "client_key": uuid.uuid4(),
    }
    return render(request, "records/absence_group.html", context)


@staff_required
@never_cache
def group_absence_new(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for_user_or_404(request.user, group_id)
    pupils = selectors.group_pupils_in_reach(user=request.user, group=group)
    form = GroupAbsenceForm(request.POST or None, school=group.school, pupils=pupils)
    if request.method == "POST" and form.is_valid():
        recorded = _record(request, form, list(form.cleaned_data["pupils"]))
        if recorded is not None:
            messages.success(request, _("%(count)d absences have been recorded.") % {"count": len(recorded)})
            day = form.cleaned_data["date_from"].isoformat()
            return redirect(reverse("records:group-absences", args=[group.pk]) + f"?day={day}")
    return render(request, "records/absence_group_form.html", {"group": group, "form": form})


@staff_required
def absence_reasons(request: HttpRequest) -> HttpResponse:
    return school_list_page(
        request, "records/absence_reasons.html", name="reasons", rows_of=selectors.reasons_of_school
    )


@staff_required
@never_cache
def absence_reason_edit(request: HttpRequest, reason_id: int | None = None) -> HttpResponse:
    require_application_admin(request.user)
    reason = policies.get_reason_for_admin_or_404(request.user, reason_id) if reason_id else None
    return school_list_edit(
        request,
        AbsenceReasonForm(request.POST or None, instance=reason),
        save=lambda data: services.absence_reason_save(actor=request.user, reason=reason, data=data, request=request),
        saved_message=_("The absence reason has been saved."),
        success_url="records:absence-reasons",
        template="records/absence_reason_form.html",
        context={"reason": reason},
    )


@staff_required
def absence_groups(request: HttpRequest) -> HttpResponse:
    """Where a teacher starts: his groups of this school year, each with today's absences."""
    groups = groups_visible_to(request.user).filter(year__is_current=True).order_by("name")
    return render(request, "records/absence_groups.html", {"groups": groups})
