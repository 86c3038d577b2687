"""The school's audit log for application administrators: read-only, filtered, paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.audit_text import audit_details, audit_subject

from . import policies
from .decorators import staff_required
from .models import Guardian, School, StaffMember

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditRow:
    """One event as the page shows it: subject and details in the reader's language."""

    event: AuditEvent
    subject: str
    details: list[tuple[str, str]]


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("all events")), *AuditEvent.Kind.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(label=_("E-mail address contains"), required=False, max_length=100)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date lies before the start date."))
        return cleaned


def audit_events_of_school(school: School) -> QuerySet[AuditEvent]:
    """Events about this school, plus events without a school (logins, password resets, ...)
    of accounts linked to it: its staff and its guardians. One query."""
    linked_accounts = (
        StaffMember.objects.filter(school=school, account__isnull=False)
        .values("account_id")
        .union(Guardian.objects.filter(school=school, account__isnull=False).values("account_id"))
    )
    return AuditEvent.objects.filter(
        Q(school_id=school.pk) | Q(school_id__isnull=True, actor_id__in=linked_accounts)
    ).order_by("-at", "-pk")


def filtered(events: QuerySet[AuditEvent], data: dict[str, Any]) -> QuerySet[AuditEvent]:
    if data.get("kind"):
        events = events.filter(kind=data["kind"])
    start: date | None = data.get("date_from")
    end: date | None = data.get("date_to")
    if start:
        events = events.filter(at__date__gte=start)
    if end:
        events = events.filter(at__date__lte=end)
    if data.get("actor"):
        events = events.filter(actor_label__icontains=data["actor"].strip())
    return events


@staff_required
@require_safe  # nothing here changes the log
@never_cache
def audit_log(request: HttpRequest) -> HttpResponse:
    staff = policies.require_application_admin(request.user)
    form = AuditFilterForm(request.GET or None)
    events = audit_events_of_school(staff.school)
    if form.is_bound and form.is_valid():
        events = filtered(events, form.cleaned_data)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    shown = list(page.object_list)
    rows = [AuditRow(event, audit_subject(event.subject), audit_details(event.data)) for event in shown]
    context = {"form": form, "page": page, "events": shown, "rows": rows, "query": query.urlencode()}
    return render(request, "sis/audit_log.html", context)
