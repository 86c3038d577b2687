"""Guardian pages of the agenda: the list, an event (RSVP, helping), booking a conference, and
the calendar feed (its address page, and the feed itself for calendar apps)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from schoolbrug.accounts.models import Account
from schoolbrug.core.confirm import confirmation_page, is_confirmed
from schoolbrug.core.converters import parse_object_id
from schoolbrug.media.serving import serve_stored_file

from . import booking as booking_service
from . import selectors, services
from .combinations import Combination, FreeSlot, consecutive_combinations
from .feed import account_for_token, feed_for
from .forms import RsvpForm
from .models import ConferenceRound, Rsvp, VolunteerSignup


def guardian_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged in with an active guardian account; anyone else: 404. Never cached."""

    @wraps(view)
    @login_required
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not selectors.is_guardian(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> Account:
    assert isinstance(request.user, Account)
    return request.user


@guardian_page
def agenda(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    items = selectors.agenda_items(user, limit=100)
    rounds = list(selectors.rounds_visible_to(user).filter(deadline__gt=timezone.now()).order_by("opens_at"))
    return render(request, "agenda/agenda.html", {"items": items, "rounds": rounds})


@guardian_page
@require_http_methods(["GET", "POST"])
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _actor(request)
    item = selectors.get_event_for_user_or_404(user, event_id)
    form = RsvpForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "rsvp":
                form = RsvpForm(request.POST)
                if form.is_valid():
                    services.answer_rsvp(actor=user, event=item, answer=form.cleaned_data["answer"])
                    messages.success(request, _("Your answer has been saved."))
                    return redirect("agenda:event", item.pk)
            elif action == "volunteer":
                placed = services.volunteer(actor=user, event=item)
                messages.success(
                    request,
                    _("Thank you, you are signed up as a helper.")
                    if placed
                    else _("All places are taken; you are on the waiting list."),
                )
                return redirect("agenda:event", item.pk)
            elif action == "cancel-volunteer":
                services.cancel_volunteering(actor=user, event=item)
                messages.success(request, _("You are no longer signed up."))
                return redirect("agenda:event", item.pk)
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    mine = Rsvp.objects.filter(event=item, account=user).first()
    signups = list(VolunteerSignup.objects.filter(event=item).order_by("pk").values_list("account_id", flat=True))
    position = signups.index(user.pk) if user.pk in signups else None
    context = {
        "event": item,
        "form": form if mine is None or request.method == "POST" else RsvpForm(initial={"answer": mine.answer}),
        "my_answer": mine,
        "counts": selectors.rsvp_counts(item) if item.rsvp else None,
        "places_taken": min(len(signups), item.volunteer_places),
        "waiting": max(0, len(signups) - item.volunteer_places),
        "my_position": position,
        "is_helper": position is not None and position < item.volunteer_places,
        "open": timezone.now() < (item.signup_deadline or item.starts_at),
    }
    return render(request, "agenda/event.html", context)


def _choices_from(request: HttpRequest) -> list[booking_service.Choice]:
    """ "p:s,p:s" for a combination, or one pupil and one slot."""
    combination = request.POST.get("combination", "")
    pairs = [part.split(":", 1) for part in combination.split(",") if part] if combination else []
    if not combination:
        pairs = [[request.POST.get("pupil", ""), request.POST.get("slot", "")]]
    choices = []
    for pupil, slot in pairs:
        pupil_id, slot_id = parse_object_id(pupil), parse_object_id(slot)
        if pupil_id is None or slot_id is None:
            raise Http404
        choices.append(booking_service.Choice(pupil_id, slot_id))
    return choices


@guardian_page
@require_http_methods(["GET", "POST"])
def conference(request: HttpRequest, round_id: int) -> HttpResponse:
    """Book, change or cancel (CONF-2); a lost race answers 409 with the fresh free times."""
    user = _actor(request)
    item = selectors.get_round_for_user_or_404(user, round_id)
    status = 200
    if request.method == "POST":
        try:
            made = booking_service.book(actor=user, conference=item, choices=_choices_from(request))
        except booking_service.SlotTaken:
            status = 409
            messages.error(request, _("Sorry, someone else just booked that time. Please choose another one."))
        except ValidationError as error:
            status = 400
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Booked: %(times)s.")
                % {"times": ", ".join(date_format(timezone.localtime(b.slot.starts_at), "l j F H:i") for b in made)},
            )
            return redirect("agenda:round", item.pk)
    response = render(request, "agenda/round.html", _round_context(user, item), status=status)
    return response


def _round_context(user: Account, item: ConferenceRound) -> dict[str, Any]:
    children = selectors.children_in_round(user, item)
    teacher_ids = sorted({t for child in children for t in child.teacher_ids})
    teachers = selectors.teachers_by_id(teacher_ids)
    free = selectors.free_slots(item, teacher_ids)
    free_by_teacher: dict[int, list[FreeSlot]] = defaultdict(list)
    for slot in sorted(free, key=lambda s: s.starts_at):
        free_by_teacher[slot.staff_id].append(slot)
    bookings = selectors.bookings_of_children(item, [child.pupil.pk for child in children])
    booked_pupils = {booking.pupil_id for booking in bookings}
    rows = []
    for child in children:
        options = [slot for t in child.teacher_ids for slot in free_by_teacher[t]]
        rows.append(
            {
                "child": child,
                "teachers": [teachers[t] for t in child.teacher_ids if t in teachers],
                "options": sorted(options, key=lambda s: s.starts_at),
                "bookings": [b for b in bookings if b.pupil_id == child.pupil.pk],
            }
        )
    now = timezone.now()
    opens_at = booking_service.access_opens_at(item, children)
    combinations: list[Combination] = []
    if selectors.has_early_access(children) and not booked_pupils >= {c.pupil.pk for c in children}:
        combinations = consecutive_combinations(
            {child.pupil.pk: [s for t in child.teacher_ids for s in free_by_teacher[t]] for child in children},
            buffer=dt.timedelta(minutes=item.buffer_minutes),
            slot_length=dt.timedelta(minutes=item.slot_minutes),
        )
    names = {child.pupil.pk: child.pupil.display_first_name for child in children}
    offers = [
        {
            "key": combination.key,
            "parts": [
                {"name": names[pupil], "slot": slot, "teacher": teachers.get(slot.staff_id)}
                for pupil, slot in combination.choices
            ],
        }
        for combination in combinations
    ]
    return {
        "round": item,
        "rows": rows,
        "offers": offers,
        "opens_at": opens_at,
        "early": selectors.has_early_access(children),
        "is_open": opens_at <= now < item.deadline,
        "closed": now >= item.deadline,
    }


@guardian_page
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponseBase:
    user = _actor(request)
    booking = booking_service.get_booking_for_guardian_or_404(user, booking_id)
    back = reverse("agenda:round", args=[booking.round_id])
    if not is_confirmed(request):
        return confirmation_page(
            request,
            question=_("Cancel this conference?"),
            subject=f"{booking.pupil.display_first_name} · "
            f"{date_format(timezone.localtime(booking.slot.starts_at), 'l j F H:i')} · "
            f"{booking.slot.staff_member.full_name}",
            consequence=_("The time becomes free for other families."),
            button=_("Yes, cancel the conference"),
            cancel_url=back,
            base_template="portal/portal_base.html",
        )
    try:
        booking_service.cancel(actor=user, booking=booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The conference has been cancelled."))
    return redirect(back)


@login_required
@never_cache
@require_http_methods(["GET"])
def event_file(request: HttpRequest, event_id: int) -> HttpResponseBase:
    """An event's attachment, for guardians and staff who may see the event (the one rule)."""
    item = selectors.get_event_for_user_or_404(_actor(request), event_id)
    if item.attachment is None:
        raise Http404
    return serve_stored_file(request, item.attachment)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The person's secret feed address: made, replaced (the old one stops) or switched off."""
    user = _actor(request)
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_feed(user)
            messages.success(request, _("The calendar address has been switched off."))
            return redirect("agenda:feed")
        token = services.new_feed_token(user)
    has_feed = hasattr(user, "calendar_feed") and user.calendar_feed is not None
    context = {
        "feed_url": request.build_absolute_uri(reverse("agenda:feed-ics", args=[token])) if token else "",
        "has_feed": has_feed,
        "base_template": "portal/portal_base.html" if selectors.is_guardian(user) else "staff_base.html",
    }
    return render(request, "agenda/feed.html", context)


@never_cache
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    account = account_for_token(token)
    if account is None:
        raise Http404
    response = HttpResponse(
        feed_for(account, name=_("School agenda of %(name)s") % {"name": account.get_full_name()}),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="schoolbrug.ics"'
    return response
