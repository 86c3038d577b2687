"""The bell's pages: the list, marking read, and the person's notification settings."""

from __future__ import annotations

from datetime import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolbrug.accounts.models import Account
from schoolbrug.sis.policies import require_communication_admin, staff_member_of

from . import selectors, services
from .forms import DayHoursForm, DigestForm, PreferencesForm, UseQuietHoursForm
from .models import SCHOOL_DEFAULT_HOURS, DigestSchedule, Preference, QuietHours, Weekday

PAGE_SIZE = 30


def _account(request: HttpRequest) -> Account:
    user = request.user
    assert isinstance(user, Account)
    return user


def _base_template(account: Account) -> str:
    """The person's own shell: a guardian keeps the portal's menu, staff the school's."""
    return "portal/portal_base.html" if account.is_guardian else "staff_base.html"


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    page = Paginator(selectors.notifications_of(account), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "notifications": list(page.object_list), "base_template": _base_template(account)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    # Through the person's own notifications: someone else's id is a 404 like a missing one.
    account = _account(request)
    if not selectors.notifications_of(account).filter(pk=notification_id).exists():
        raise Http404
    services.mark_read(account, [notification_id])
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(_account(request))
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


def _day_forms(request: HttpRequest, current: list[tuple[int, bool, time, time]]) -> list[DayHoursForm]:
    return [
        DayHoursForm(request.POST or None, weekday=day, initial={"available": available, "start": start, "end": end})
        for day, available, start, end in current
    ]


def _windows(days: list[DayHoursForm]) -> list[tuple[int, bool, time, time]]:
    return [(f.weekday, f.cleaned_data["available"], f.cleaned_data["start"], f.cleaned_data["end"]) for f in days]


def _own_hours(account: Account) -> list[tuple[int, bool, time, time]]:
    """The person's hours; for a day without a row what his school (or the code) proposes."""
    staff = staff_member_of(account)
    proposed = selectors.school_default_hours(staff.school_id) if staff else list(SCHOOL_DEFAULT_HOURS)
    rows = QuietHours.objects.filter(account=account)
    own = {row.weekday: (row.weekday, row.available, row.start, row.end) for row in rows}
    return [own.get(default[0], default) for default in proposed]


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    modes = dict(Preference.objects.filter(account=account).values_list("kind", "mode"))
    has_hours = QuietHours.objects.filter(account=account).exists()
    preferences = PreferencesForm(request.POST or None, modes=modes, prefix="kind")
    use_hours = UseQuietHoursForm(request.POST or None, initial={"enabled": has_hours}, prefix="hours")
    days = _day_forms(request, _own_hours(account))
    digest = DigestForm(
        request.POST or None,
        instance=DigestSchedule.objects.filter(account=account).first() or DigestSchedule(account=account),
        prefix="digest",
    )
    if request.method == "POST":
        hours_on = use_hours.is_valid() and use_hours.cleaned_data["enabled"]
        valid = (
            preferences.is_valid()
            and use_hours.is_valid()
            and digest.is_valid()
            and (not hours_on or all(f.is_valid() for f in days))
        )
        if valid:
            services.set_preferences(account, preferences.modes())
            services.set_quiet_hours(account, _windows(days) if hours_on else None)
            services.set_digest_schedule(account, **{k: digest.cleaned_data[k] for k in ("frequency", "weekday", "at")})
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("notifications:settings")
    tz = selectors.time_zone_of(account)
    return render(
        request,
        "notifications/settings.html",
        {
            "preferences": preferences,
            "use_hours": use_hours,
            "days": days,
            "digest": digest,
            "weekdays": Weekday,
            "available_from": selectors.not_available_until(account),
            "time_zone": tz.key,
            "base_template": _base_template(account),
        },
    )


@login_required
def school_hours(request: HttpRequest) -> HttpResponse:
    """The school's default contact hours, which staff get when their login is linked."""
    staff = require_communication_admin(request.user)
    days = _day_forms(request, selectors.school_default_hours(staff.school_id))
    if request.method == "POST" and all(f.is_valid() for f in days):
        services.set_school_default_hours(staff.school_id, _windows(days))
        messages.success(request, _("The school's default contact hours have been saved."))
        return redirect("notifications:school-hours")
    return render(
        request,
        "notifications/school_hours.html",
        {"days": days, "time_zone": staff.school.time_zone},
    )
