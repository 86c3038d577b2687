"""Staff pages for the year plan (REC-6): a month for everyone, changes by administrators."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from schoolbrug.core.confirm import confirmation_page, is_confirmed
from schoolbrug.sis.dates import school_today, school_zone
from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.policies import is_application_admin, require_application_admin, require_staff_member

from ..forms.common import add_service_error
from ..forms.yearplan import ActivityForm
from ..models import Activity
from ..policies import yearplan as policies
from ..selectors import yearplan as selectors
from ..services import yearplan as services

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(request: HttpRequest, today: dt.date) -> tuple[int, int]:
    value = request.GET.get("month", "")
    if not value:
        return today.year, today.month
    match = MONTH.match(value)
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise Http404
    return int(match[1]), int(match[2])


def _month_url(year: int, month: int) -> str:
    return reverse("records:yearplan") + f"?month={year:04d}-{month:02d}"


@staff_required
def yearplan(request: HttpRequest) -> HttpResponse:
    staff = require_staff_member(request.user)
    year, month = _month(request, school_today(staff.school))
    first, following = selectors.month_bounds(year, month)
    previous = first - dt.timedelta(days=1)
    context = {
        "month_start": first,
        "activities": selectors.activities_in_month(school=staff.school, year=year, month=month),
        "previous_url": _month_url(previous.year, previous.month),
        "next_url": _month_url(following.year, following.month),
        "can_manage": is_application_admin(request.user),
        "zone": staff.school.time_zone,
    }
    return render(request, "records/yearplan_month.html", context)


def _edit(request: HttpRequest, activity: Activity | None) -> HttpResponse:
    staff = require_application_admin(request.user)
    initial = ActivityForm.initial_from(activity, school_zone(staff.school)) if activity else None
    form = ActivityForm(request.POST or None, initial=initial, school=staff.school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.activity_save(
                actor=request.user, activity=activity, data=data, groups=list(data["groups"])
            )
        except ValidationError as error:
            add_service_error(form, error, aliases={"starts_at": "date_from", "ends_at": "time_until"})
        else:
            messages.success(request, _("The activity has been saved."))
            local = saved.starts_at.astimezone(school_zone(staff.school))
            return redirect(_month_url(local.year, local.month))
    return render(request, "records/yearplan_form.html", {"form": form, "activity": activity})


@staff_required
@never_cache
def activity_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@staff_required
@never_cache
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    return _edit(request, policies.get_activity_for_admin_or_404(request.user, activity_id))


@staff_required
@require_http_methods(["GET", "POST"])
@never_cache
def activity_delete(request: HttpRequest, activity_id: int) -> HttpResponseBase:
    activity = policies.get_activity_for_admin_or_404(request.user, activity_id)
    if not is_confirmed(request):
        starts = timezone.localtime(activity.starts_at, school_zone(activity.school))
        return confirmation_page(
            request,
            question=_("Remove this activity from the year plan?"),
            subject=f"{activity.title} · {date_format(starts, 'j F Y')}",
            consequence=_("It disappears from the year plan and from the portal. This cannot be undone."),
            button=_("Yes, remove the activity"),
            cancel_url=reverse("records:yearplan"),
        )
    services.activity_delete(actor=request.user, activity=activity)
    messages.success(request, _("The activity has been removed."))
    return redirect("records:yearplan")
