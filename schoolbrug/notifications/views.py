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

from . import selectors, services
from .forms import DayHoursForm, DigestForm, PreferencesForm, UseQuietHoursForm
from .models import SCHOOL_DEFAULT_HOURS, DigestSchedule, Preference, QuietHours, Weekday

PAGE_SIZE = 30


def _account(request: HttpRequest) -> Account:
    user = request.user
    assert isinstance(user, Account)
    return user


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    page = Paginator(selectors.notifications_of(account), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "notifications": list(page.object_list)},
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


def _day_forms(request: HttpRequest, account: Account) -> list[DayHoursForm]:
    current = {row.weekday: row for row in QuietHours.objects.filter(account=account)}
    forms = []
    for day, available, start, end in SCHOOL_DEFAULT_HOURS:
        row = current.get(day)
        initial = (
            {"available": row.available, "start": row.start, "end": row.end}
            if row
            else {"available": available, "start": start, "end": end}
        )
        forms.append(DayHoursForm(request.POST or None, weekday=day, initial=initial))
    return forms


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    modes = dict(Preference.objects.filter(account=account).values_list("kind", "mode"))
    has_hours = QuietHours.objects.filter(account=account).exists()
    preferences = PreferencesForm(request.POST or None, modes=modes, prefix="kind")
    use_hours = UseQuietHoursForm(request.POST or None, initial={"enabled": has_hours}, prefix="hours")
    days = _day_forms(request, account)
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
            windows: list[tuple[int, bool, time, time]] | None = (
                [(f.weekday, f.cleaned_data["available"], f.cleaned_data["start"], f.cleaned_data["end"]) for f in days]
                if hours_on
                else None
            )
            services.set_quiet_hours(account, windows)
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
        },
    )
