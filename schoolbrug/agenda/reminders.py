"""What the scheduler sends for the agenda: event reminders, "booking is open" messages and the
conference reminder the day before. Each run catches up on everything due; the notification's
dedupe key makes a second run (or a second scheduler) send nothing twice."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.messaging.selectors import member_accounts_of
from schoolbrug.notifications.models import NotificationKind
from schoolbrug.notifications.planning import Event as NotificationEvent
from schoolbrug.notifications.services import notify, notify_each
from schoolbrug.sis.models import Placement
from schoolbrug.sis.policies import guardianships_reaching_app

from .models import Booking, ConferenceRound, Event, Rsvp, VolunteerSignup


def send_event_reminders(now: dt.datetime | None = None) -> int:
    """Remind guardians of events whose reminder moment has come; not those who already answered
    (an RSVP or a helper sign-up)."""
    now = now or timezone.now()
    due = Event.objects.filter(
        remind_days_before__isnull=False, reminded_at__isnull=True, starts_at__gt=now
    ).select_related("space", "school")
    sent = 0
    for event in due:
        if now < event.starts_at - dt.timedelta(days=event.remind_days_before or 0):
            continue
        recipients = (
            member_accounts_of([event.space])
            .filter(kind=Account.Kind.GUARDIAN)
            .exclude(pk__in=Rsvp.objects.filter(event=event).values("account_id"))
            .exclude(pk__in=VolunteerSignup.objects.filter(event=event).values("account_id"))
        )
        local = timezone.localtime(event.starts_at)
        sent += len(
            notify(
                recipients,
                NotificationEvent(
                    kind=NotificationKind.AGENDA,
                    title=_("Reminder: %(title)s") % {"title": event.title[:100]},
                    text=date_format(local, "l j F") if event.all_day else date_format(local, "l j F, H:i"),
                    link=reverse("agenda:event", args=[event.pk]),
                    dedupe_key=f"agenda-reminder:{event.pk}",
                    space=event.space.display_name,
                    space_key=event.space.mute_key,
                ),
                now=now,
            )
        )
        Event.objects.filter(pk=event.pk).update(reminded_at=now)
    return sent


def _guardian_groups(conference: ConferenceRound) -> dict[int, set[int]]:
    """Account id of each reachable guardian -> the round's groups his children are in."""
    placements = Placement.objects.filter(group__in=conference.groups.all(), year__is_current=True)
    rows = (
        guardianships_reaching_app()
        .filter(pupil_id__in=placements.values("pupil_id"), guardian__account__is_active=True)
        .values_list("guardian__account_id", "pupil__placements__group_id")
    )
    round_groups = set(conference.groups.values_list("pk", flat=True))
    groups: dict[int, set[int]] = defaultdict(set)
    for account_id, group_id in rows:
        if group_id in round_groups:
            groups[account_id].add(group_id)
    return groups


def _opening_event(conference: ConferenceRound, early: bool) -> NotificationEvent:
    deadline = date_format(timezone.localtime(conference.deadline), "j F H:i")
    text = (
        _("You have children in several groups, so you may book earlier and choose consecutive times. Until %(d)s.")
        if early
        else _("Book a time for your conference until %(d)s.")
    ) % {"d": deadline}
    return NotificationEvent(
        kind=NotificationKind.BOOKING,
        title=_("Booking is open: %(title)s") % {"title": conference.title[:90]},
        text=text,
        link=reverse("agenda:round", args=[conference.pk]),
        dedupe_key=f"conference-open:{conference.pk}",
    )


def send_opening_notices(now: dt.datetime | None = None) -> int:
    """Tell guardians that booking opens: families with children in several groups at their
    earlier opening, everyone else at the opening (each once: the same dedupe key)."""
    now = now or timezone.now()
    sent = 0
    pending = ConferenceRound.objects.filter(early_notified_at__isnull=True, deadline__gt=now)
    for conference in [c for c in pending if c.early_opens_at <= now]:
        early = [account for account, groups in _guardian_groups(conference).items() if len(groups) >= 2]
        sent += len(notify(Account.objects.filter(pk__in=early), _opening_event(conference, True), now=now))
        ConferenceRound.objects.filter(pk=conference.pk).update(early_notified_at=now)
    for conference in ConferenceRound.objects.filter(
        opened_notified_at__isnull=True, opens_at__lte=now, deadline__gt=now
    ):
        everyone = list(_guardian_groups(conference))
        sent += len(notify(Account.objects.filter(pk__in=everyone), _opening_event(conference, False), now=now))
        ConferenceRound.objects.filter(pk=conference.pk).update(opened_notified_at=now)
    return sent


def send_conference_reminders(now: dt.datetime | None = None) -> int:
    """The day before: each booking's guardians (the booking household's, in a household round)."""
    now = now or timezone.now()
    bookings = Booking.objects.filter(
        slot__starts_at__gt=now, slot__starts_at__lte=now + dt.timedelta(days=1)
    ).select_related("round", "slot__staff_member", "pupil")
    pairs = []
    reach = guardianships_reaching_app().filter(guardian__account__is_active=True)
    by_pupil: dict[int, list[Account]] = defaultdict(list)
    for guardianship in reach.filter(pupil_id__in=[b.pupil_id for b in bookings]).select_related("guardian__account"):
        if guardianship.guardian.account is not None:
            by_pupil[guardianship.pupil_id].append(guardianship.guardian.account)
    for booking in bookings:
        accounts = by_pupil[booking.pupil_id]
        if booking.round.per_household:
            accounts = [a for a in accounts if a.pk == booking.booked_by_id]
        local = timezone.localtime(booking.slot.starts_at)
        event = NotificationEvent(
            kind=NotificationKind.BOOKING,
            title=_("Tomorrow: conference about %(name)s") % {"name": booking.pupil.display_first_name},
            text=_("%(when)s with %(teacher)s")
            % {
                "when": date_format(local, "l j F H:i"),
                "teacher": booking.slot.staff_member.full_name,
            },
            link=reverse("agenda:round", args=[booking.round_id]),
            dedupe_key=f"conference-reminder:{booking.pk}:{booking.slot_id}",
            pupil_id=booking.pupil_id,
        )
        pairs += [(account, event) for account in accounts]
    return len(notify_each(pairs, now=now))
