"""Writes of the agenda: events, answers, helpers, rounds and availability, feed tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.notifications.models import NotificationKind
from schoolbrug.notifications.planning import Event as NotificationEvent
from schoolbrug.notifications.services import notify
from schoolbrug.sis.models import StaffMember

from .models import Availability, CalendarFeed, ConferenceRound, Event, Rsvp, Slot, VolunteerSignup
from .slots import Window, cut, validate_window


def _deadline_passed(event: Event, now: dt.datetime) -> bool:
    return now >= (event.signup_deadline or event.starts_at)


# ---- RSVP and helping parents (AGE-2) -------------------------------------------------------------


def answer_rsvp(*, actor: Account, event: Event, answer: str, now: dt.datetime | None = None) -> Rsvp:
    now = now or timezone.now()
    if not event.rsvp:
        raise ValidationError(_("This event does not ask who comes."), code="no_rsvp")
    if answer not in Rsvp.Answer.values:
        raise ValidationError(_("Choose yes, no or maybe."), code="answer")
    if _deadline_passed(event, now):
        raise ValidationError(_("Answering is closed for this event."), code="deadline")
    rsvp, _created = Rsvp.objects.update_or_create(event=event, account=actor, defaults={"answer": answer})
    return rsvp


def volunteer(*, actor: Account, event: Event, now: dt.datetime | None = None) -> bool:
    """Sign up as a helping parent; True when among the places, False on the waiting list.

    The event row is locked so that the place count and the new row agree; the unique constraint
    keeps one sign-up per person."""
    now = now or timezone.now()
    if event.volunteer_places == 0:
        raise ValidationError(_("This event does not ask for helpers."), code="no_helpers")
    if _deadline_passed(event, now):
        raise ValidationError(_("Signing up is closed for this event."), code="deadline")
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        signup, _created = VolunteerSignup.objects.get_or_create(event=locked, account=actor)
        ahead = VolunteerSignup.objects.filter(event=locked, pk__lt=signup.pk).count()
    return ahead < locked.volunteer_places


def cancel_volunteering(*, actor: Account, event: Event, now: dt.datetime | None = None) -> None:
    """Cancel until the deadline; the first on the waiting list moves up and is told so."""
    now = now or timezone.now()
    if _deadline_passed(event, now):
        raise ValidationError(_("Cancelling is closed for this event; please contact the teacher."), code="deadline")
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        signups = list(VolunteerSignup.objects.filter(event=locked).order_by("pk"))
        mine = next((s for s in signups if s.account_id == actor.pk), None)
        if mine is None:
            return
        position = signups.index(mine)
        mine.delete()
        if position < locked.volunteer_places and len(signups) > locked.volunteer_places:
            moved_up = signups[locked.volunteer_places]
            notify(
                Account.objects.filter(pk=moved_up.account_id),
                NotificationEvent(
                    kind=NotificationKind.AGENDA,
                    title=_("You have a place as helper: %(title)s") % {"title": locked.title[:80]},
                    link=reverse("agenda:event", args=[locked.pk]),
                    dedupe_key=f"agenda-volunteer-up:{locked.pk}:{moved_up.pk}",
                ),
            )


def volunteers_of(event: Event) -> tuple[list[VolunteerSignup], list[VolunteerSignup]]:
    signups = list(VolunteerSignup.objects.filter(event=event).select_related("account").order_by("pk"))
    return signups[: event.volunteer_places], signups[event.volunteer_places :]


def message_volunteers(*, actor: Account, event: Event, text: str) -> int:
    """The teacher's message to the confirmed helpers: a notification each (bell, and push or
    e-mail through the outbox as each prefers)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a message.")}, code="empty")
    confirmed, _waiting = volunteers_of(event)
    sent = notify(
        Account.objects.filter(pk__in=[s.account_id for s in confirmed]),
        NotificationEvent(
            kind=NotificationKind.AGENDA,
            title=_("Message about %(title)s") % {"title": event.title[:90]},
            text=text[:300],
            link=reverse("agenda:event", args=[event.pk]),
        ),
    )
    return len(sent)


# ---- conference rounds (CONF-1) -----------------------------------------------------------------


def add_availability(
    *,
    conference: ConferenceRound,
    staff_member: StaffMember,
    window: Window,
    location: str = "",
) -> Availability:
    """Add a teacher's window and cut it into slots, or refuse it whole (overlap, not divisible)."""
    with transaction.atomic():
        # Locking the teacher's row serialises two windows added for him at once.
        StaffMember.objects.select_for_update().filter(pk=staff_member.pk).first()
        others = [
            Window(a.starts_at, a.ends_at, a.break_starts_at, a.break_ends_at)
            for a in Availability.objects.filter(round=conference, staff_member=staff_member)
        ]
        validate_window(window, conference.slot_minutes, others)
        availability = Availability.objects.create(
            round=conference,
            staff_member=staff_member,
            starts_at=window.starts_at,
            ends_at=window.ends_at,
            break_starts_at=window.break_starts_at,
            break_ends_at=window.break_ends_at,
            location=location,
        )
        Slot.objects.bulk_create(
            [
                Slot(
                    round=conference,
                    availability=availability,
                    staff_member=staff_member,
                    starts_at=start,
                    ends_at=end,
                )
                for start, end in cut(window, conference.slot_minutes)
            ]
        )
    return availability


# ---- calendar feed (AGE-3) ------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(account: Account) -> str:
    """A new secret address; the old one stops working at once. Only the hash is stored."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(account=account, defaults={"token_hash": token_hash(token)})
    return token


def revoke_feed(account: Account) -> None:
    CalendarFeed.objects.filter(account=account).delete()
