"""Staff pages of the agenda: events (with answers and helpers), the .ics import, conference
rounds with their teachers' availability, and the teacher's overview of the day."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from schoolbrug.accounts.models import Account
from schoolbrug.media.services import mark_attached, store_upload
from schoolbrug.messaging.models import Space
from schoolbrug.messaging.selectors import spaces_visible_to
from schoolbrug.records.forms.common import add_service_error
from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.models import StaffMember
from schoolbrug.sis.policies import communication_admin_of, groups_visible_to, require_staff_member

from . import ics_import, selectors, services
from .forms import AvailabilityForm, EventForm, ImportForm, MessageForm, RoundForm
from .models import Availability, ConferenceRound, Event, IcsImport
from .overview import XLSX_CONTENT_TYPE, overview_pdf, overview_rows, overview_xlsx
from .slots import Window

WINDOW_FIELDS = {
    "starts_at": "time_from",
    "ends_at": "time_until",
    "break_starts_at": "break_from",
    "break_ends_at": "break_until",
}


def _actor(request: HttpRequest) -> Account:
    assert isinstance(request.user, Account)
    return request.user


def postable_spaces(user: Account) -> QuerySet[Space]:
    """Where a staff member may put events: his groups' spaces; the whole school's for
    communication administrators."""
    spaces = spaces_visible_to(user).filter(
        kind=Space.Kind.GROUP, group__in=groups_visible_to(user).filter(year__is_current=True)
    )
    if communication_admin_of(user) is not None:
        spaces = spaces | spaces_visible_to(user).filter(kind=Space.Kind.SCHOOL)
    return spaces.select_related("group").order_by("kind", "group__name")


@staff_required
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    staff = require_staff_member(user)
    context = {
        "items": selectors.agenda_items(user, limit=100),
        "rounds": ConferenceRound.objects.filter(school=staff.school).order_by("-opens_at")[:20],
        "can_manage_rounds": communication_admin_of(user) is not None,
        "can_import": communication_admin_of(user) is not None,
    }
    return render(request, "agenda/staff/home.html", context)


@staff_required
@never_cache
def event_new(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    staff = require_staff_member(user)
    spaces = postable_spaces(user)
    form = EventForm(request.POST or None, request.FILES or None, school=staff.school, spaces=spaces)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = _create_event(user, staff, data)
        except ValidationError as error:
            form.add_error("attachment", error)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect("agenda-staff:event", created.pk)
    return render(request, "agenda/staff/event_form.html", {"form": form})


def _create_event(user: Account, staff: StaffMember, data: dict[str, Any]) -> Event:
    """The event and its attachment in one transaction: a refused file saves nothing, and a file
    written for an event that is then not saved is removed again (schoolbrug.media)."""
    with transaction.atomic():
        upload = data.get("attachment")
        attachment = store_upload(upload, school=staff.school, uploaded_by=user) if upload else None
        created = Event.objects.create(
            school=staff.school,
            space=data["space"],
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            all_day=data["all_day"],
            location=data["location"],
            description=data["description"],
            attachment=attachment,
            remind_days_before=data.get("remind_days_before"),
            rsvp=data["rsvp"],
            volunteer_places=data.get("volunteer_places") or 0,
            signup_deadline=data["signup_deadline_at"],
            created_by=user,
        )
        if attachment is not None:
            mark_attached([attachment])
    return created


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _actor(request)
    item = selectors.get_event_for_staff_or_404(user, event_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.message_volunteers(actor=user, event=item, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your message has been sent to %(count)s helpers.") % {"count": count})
            return redirect("agenda-staff:event", item.pk)
    confirmed, waiting = services.volunteers_of(item)
    context = {
        "event": item,
        "counts": selectors.rsvp_counts(item) if item.rsvp else None,
        "answers": item.rsvps.select_related("account").order_by("answer", "account__last_name") if item.rsvp else [],
        "confirmed": confirmed,
        "waiting": waiting,
        "form": form,
    }
    return render(request, "agenda/staff/event.html", context)


@staff_required
@never_cache
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    if communication_admin_of(user) is None:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, spaces=postable_spaces(user))
    if request.method == "POST" and form.is_valid():
        try:
            upload = ics_import.start_import(
                actor=user, space=form.cleaned_data["space"], data=form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("agenda-staff:import-preview", upload.pk)
    return render(request, "agenda/staff/import.html", {"form": form})


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, import_id: int) -> HttpResponse:
    user = _actor(request)
    admin = communication_admin_of(user)
    if admin is None:
        raise Http404
    upload = get_object_or_404(IcsImport.objects.select_related("school", "space"), pk=import_id, school=admin.school)
    if request.method == "POST":
        count = ics_import.apply_import(upload)
        messages.success(request, _("%(count)s events have been imported.") % {"count": count})
        return redirect("agenda-staff:home")
    events = ics_import.preview(upload)
    context = {"upload": upload, "events": events, "new": sum(1 for e in events if not e.duplicate)}
    return render(request, "agenda/staff/import_preview.html", context)


@staff_required
@never_cache
def round_new(request: HttpRequest) -> HttpResponse:
    admin = communication_admin_of(request.user)
    if admin is None:
        raise Http404
    form = RoundForm(request.POST or None, school=admin.school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = ConferenceRound.objects.create(
            school=admin.school,
            title=data["title"],
            kind=data["kind"],
            slot_minutes=data["slot_minutes"],
            buffer_minutes=data["buffer_minutes"],
            opens_at=data["opens_at"],
            deadline=data["deadline"],
            sibling_lead_hours=data["sibling_lead_hours"],
            per_household=data["per_household"],
        )
        created.groups.set(data["groups"])
        messages.success(request, _("The conference round has been saved; now add the teachers' times."))
        return redirect("agenda-staff:round", created.pk)
    return render(request, "agenda/staff/round_form.html", {"form": form})


def _teachers(conference: ConferenceRound, user: Account) -> QuerySet[StaffMember]:
    """Who may get times in this round: the teachers of its groups; a teacher only himself."""
    teachers = StaffMember.objects.filter(
        is_active=True, group_links__group__in=conference.groups.all(), group_links__is_teacher=True
    ).distinct()
    if communication_admin_of(user) is None:
        teachers = teachers.filter(account=user)
    return teachers.order_by("last_name", "first_name")


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def conference_round(request: HttpRequest, round_id: int) -> HttpResponse:
    user = _actor(request)
    item = selectors.get_round_for_staff_or_404(user, round_id)
    teachers = _teachers(item, user)
    form = AvailabilityForm(request.POST or None, school=item.school, teachers=teachers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_availability(
                conference=item,
                staff_member=data["staff_member"],
                window=Window(data["starts_at"], data["ends_at"], data["break_starts_at"], data["break_ends_at"]),
                location=data["location"],
            )
        except ValidationError as error:
            add_service_error(form, error, aliases=WINDOW_FIELDS)
        else:
            messages.success(request, _("The times have been added."))
            return redirect("agenda-staff:round", item.pk)
    context: dict[str, Any] = {
        "round": item,
        "form": form,
        "availabilities": Availability.objects.filter(round=item)
        .select_related("staff_member")
        .order_by("staff_member__last_name", "starts_at"),
        "can_add": teachers.exists(),
    }
    return render(request, "agenda/staff/round.html", context)


def _overview_staff(request: HttpRequest, conference: ConferenceRound) -> StaffMember | None:
    """A teacher sees his own day; an administrator everyone's, or one teacher's (?teacher=)."""
    staff = require_staff_member(request.user)
    if communication_admin_of(request.user) is None:
        return staff
    wanted = request.GET.get("teacher", "")
    if wanted.isdigit():
        return StaffMember.objects.filter(school=conference.school, pk=int(wanted)).first()
    return None


@staff_required
@never_cache
def round_overview(request: HttpRequest, round_id: int) -> HttpResponse:
    item = selectors.get_round_for_staff_or_404(request.user, round_id)
    rows = overview_rows(item, _overview_staff(request, item))
    return render(
        request, "agenda/staff/overview.html", {"round": item, "rows": rows, "query": request.GET.urlencode()}
    )


@staff_required
@never_cache
def round_pdf(request: HttpRequest, round_id: int) -> HttpResponse:
    item = selectors.get_round_for_staff_or_404(request.user, round_id)
    response = HttpResponse(
        overview_pdf(item, overview_rows(item, _overview_staff(request, item))), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(item.title) or "conferences"}.pdf"'
    return response


@staff_required
@never_cache
def round_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    item = selectors.get_round_for_staff_or_404(request.user, round_id)
    response = HttpResponse(
        overview_xlsx(item, overview_rows(item, _overview_staff(request, item))), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(item.title) or "conferences"}.xlsx"'
    return response
