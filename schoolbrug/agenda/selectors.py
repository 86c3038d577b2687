"""Who sees which event, round, slot and booking: the one source of truth for the agenda.

Events: through the messaging spaces rule (`spaces_visible_to`), so a guardian sees the events
of his children's groups and schools, staff those of their school. The year plan's published
activities appear next to them, read from records (never copied). Conference rounds: a guardian
reaches the rounds of his reachable children's groups; staff their school's rounds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from schoolbrug.accounts.models import Account
from schoolbrug.messaging.models import Space
from schoolbrug.messaging.selectors import spaces_visible_to
from schoolbrug.records.models import Activity
from schoolbrug.sis.models import Group, GroupStaff, Guardian, Placement, Pupil, StaffMember
from schoolbrug.sis.policies import guardianships_reaching_app, staff_member_of

from .combinations import FreeSlot
from .models import Booking, ConferenceRound, Event, Slot

Actor = Account | AnonymousUser


def is_guardian(user: Actor) -> bool:
    return bool(getattr(user, "is_guardian", False)) and user.is_active


# ---- events -------------------------------------------------------------------------------------


def events_visible_to(user: Actor) -> QuerySet[Event]:
    return Event.objects.filter(space__in=spaces_visible_to(user))  # type: ignore[arg-type]


def get_event_for_user_or_404(user: Actor, event_id: int) -> Event:
    return get_object_or_404(
        events_visible_to(user).select_related("space__group", "school", "attachment"), pk=event_id
    )


def get_event_for_staff_or_404(user: Actor, event_id: int) -> Event:
    if staff_member_of(user) is None:
        raise Http404
    return get_event_for_user_or_404(user, event_id)


def activities_visible_to(user: Actor) -> QuerySet[Activity]:
    """Year-plan activities as the agenda shows them: published ones for guardians (whole school
    or one of their children's groups), the school's all for staff."""
    if is_guardian(user):
        reach = guardianships_reaching_app().filter(guardian__account_id=user.pk or 0)
        group_ids = Placement.objects.filter(pupil_id__in=reach.values("pupil_id")).values("group_id")
        return (
            Activity.objects.filter(publish_on_portal=True, school_id__in=reach.values("pupil__school_id"))
            .filter(Q(groups__isnull=True) | Q(groups__in=group_ids))
            .distinct()
        )
    staff = staff_member_of(user)
    if staff is None:
        return Activity.objects.none()
    return Activity.objects.filter(school_id=staff.school_id)


@dataclass
class AgendaItem:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    location: str
    description: str
    uid: str
    url: str = ""
    where: str = ""  # group or "whole school"
    kind: str = "event"  # event | yearplan | booking
    event: Event | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _space_label(space: Space) -> str:
    return space.display_name


def agenda_items(user: Actor, *, since: dt.datetime | None = None, limit: int = 200) -> list[AgendaItem]:
    """Events, year-plan activities and conference bookings in time order; a fixed number of
    queries however many there are."""
    from django.urls import reverse

    since = since or timezone.now() - dt.timedelta(days=1)
    items: list[AgendaItem] = []
    events = events_visible_to(user).filter(ends_at__gte=since).select_related("space__group")[:limit]
    for event in events:
        items.append(
            AgendaItem(
                title=event.title,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                all_day=event.all_day,
                location=event.location,
                description=event.description,
                uid=event.uid or f"event-{event.pk}@schoolbrug",
                url=reverse("agenda:event", args=[event.pk])
                if is_guardian(user)
                else reverse("agenda-staff:event", args=[event.pk]),
                where=_space_label(event.space),
                event=event,
            )
        )
    activities = activities_visible_to(user).filter(ends_at__gte=since).prefetch_related("groups")[:limit]
    for activity in activities:
        groups = ", ".join(group.name for group in activity.groups.all())
        items.append(
            AgendaItem(
                title=activity.title,
                starts_at=activity.starts_at,
                ends_at=activity.ends_at,
                all_day=activity.all_day,
                location=activity.location,
                description=activity.description,
                uid=f"yearplan-{activity.pk}@schoolbrug",
                where=groups,
                kind="yearplan",
            )
        )
    for booking in bookings_for_agenda(user, since=since)[:limit]:
        items.append(
            AgendaItem(
                title=booking.round.title,
                starts_at=booking.slot.starts_at,
                ends_at=booking.slot.ends_at,
                all_day=False,
                location=booking.slot.availability.location,
                description="",
                uid=f"booking-{booking.pk}@schoolbrug",
                url=reverse("agenda:round", args=[booking.round_id])
                if is_guardian(user)
                else reverse("agenda-staff:round-overview", args=[booking.round_id]),
                where=booking.slot.staff_member.full_name,
                kind="booking",
                extra={"pupil": booking.pupil.display_first_name},
            )
        )
    items.sort(key=lambda item: (item.starts_at, item.title))
    return items[:limit]


def bookings_for_agenda(user: Actor, *, since: dt.datetime) -> QuerySet[Booking]:
    """A guardian's children's bookings (both guardians see them); a teacher's own conferences."""
    bookings = Booking.objects.filter(slot__ends_at__gte=since).select_related(
        "round", "slot__staff_member", "slot__availability", "pupil"
    )
    if is_guardian(user):
        return bookings.filter(pupil__in=reachable_children(user))
    staff = staff_member_of(user)
    if staff is None:
        return Booking.objects.none()
    return bookings.filter(slot__staff_member=staff)


def rsvp_counts(event: Event) -> dict[str, int]:
    rows = event.rsvps.values("answer").annotate(n=Count("pk"))
    counts = {"yes": 0, "no": 0, "maybe": 0}
    counts.update({row["answer"]: row["n"] for row in rows})
    return counts


# ---- conference rounds --------------------------------------------------------------------------


def reachable_children(user: Actor) -> QuerySet[Pupil]:
    """The guardian's children he reaches in the app (the spaces rule's guardianships)."""
    if not is_guardian(user):
        return Pupil.objects.none()
    return Pupil.objects.filter(
        pk__in=guardianships_reaching_app().filter(guardian__account_id=user.pk or 0).values("pupil_id")
    )


def current_group_of(pupil_ids: list[int]) -> dict[int, Group]:
    placements = Placement.objects.filter(pupil_id__in=pupil_ids, year__is_current=True).select_related("group")
    return {placement.pupil_id: placement.group for placement in placements}


def rounds_visible_to(user: Actor) -> QuerySet[ConferenceRound]:
    if is_guardian(user):
        groups = Placement.objects.filter(pupil__in=reachable_children(user), year__is_current=True).values("group_id")
        return ConferenceRound.objects.filter(groups__in=groups).distinct()
    staff = staff_member_of(user)
    if staff is None:
        return ConferenceRound.objects.none()
    return ConferenceRound.objects.filter(school_id=staff.school_id)


def get_round_for_user_or_404(user: Actor, round_id: int) -> ConferenceRound:
    return get_object_or_404(rounds_visible_to(user).select_related("school"), pk=round_id)


def get_round_for_staff_or_404(user: Actor, round_id: int) -> ConferenceRound:
    if staff_member_of(user) is None:
        raise Http404
    return get_round_for_user_or_404(user, round_id)


@dataclass
class ChildInRound:
    pupil: Pupil
    group: Group
    teacher_ids: list[int]


def children_in_round(user: Actor, conference: ConferenceRound) -> list[ChildInRound]:
    """The guardian's children in the round's groups, each with the teachers he may book."""
    children = list(
        reachable_children(user)
        .filter(placements__year__is_current=True, placements__group__conference_rounds=conference)
        .distinct()
        .order_by("birth_date", "first_name", "pk")
    )
    groups = current_group_of([child.pk for child in children])
    teachers: dict[int, list[int]] = {}
    for link in GroupStaff.objects.filter(group_id__in=[g.pk for g in groups.values()], is_teacher=True):
        teachers.setdefault(link.group_id, []).append(link.staff_member_id)
    return [
        ChildInRound(child, groups[child.pk], sorted(teachers.get(groups[child.pk].pk, [])))
        for child in children
        if child.pk in groups
    ]


def has_early_access(children: list[ChildInRound]) -> bool:
    """Families with children in several of the round's groups book earlier (CONF-2)."""
    return len({child.group.pk for child in children}) >= 2


def household_of(user: Actor, pupil: Pupil) -> str:
    """The booking guardian's household: his address, so guardians living together share one."""
    guardian = (
        Guardian.objects.filter(account_id=user.pk or 0, guardianships__pupil=pupil)
        .only("postcode", "house_number")
        .first()
    )
    if guardian is None:
        raise Http404
    key = f"{guardian.postcode}{guardian.house_number}".replace(" ", "").upper()
    return key or f"guardian-{guardian.pk}"


def free_slots(conference: ConferenceRound, teacher_ids: list[int]) -> list[FreeSlot]:
    rows = Slot.objects.filter(
        round=conference, staff_member_id__in=teacher_ids, booking__isnull=True, starts_at__gt=timezone.now()
    ).values_list("pk", "staff_member_id", "starts_at", "ends_at")
    return [FreeSlot(*row) for row in rows]


def teachers_by_id(ids: list[int]) -> dict[int, StaffMember]:
    return {staff.pk: staff for staff in StaffMember.objects.filter(pk__in=ids)}


def bookings_of_children(conference: ConferenceRound, pupil_ids: list[int]) -> list[Booking]:
    return list(
        Booking.objects.filter(round=conference, pupil_id__in=pupil_ids).select_related(
            "slot__staff_member", "slot__availability", "pupil", "booked_by"
        )
    )


def overview_slots(conference: ConferenceRound, staff: StaffMember | None) -> QuerySet[Slot]:
    """The teacher's day (or every teacher's, for administrators) with who comes."""
    slots = (
        Slot.objects.filter(round=conference)
        .select_related("staff_member", "availability", "booking__pupil", "booking__booked_by")
        .prefetch_related(
            Prefetch(
                "booking__pupil__guardianships",
                queryset=guardianships_reaching_app().select_related("guardian"),
            )
        )
    )
    if staff is not None:
        slots = slots.filter(staff_member=staff)
    return slots.order_by("staff_member__last_name", "staff_member_id", "starts_at")
