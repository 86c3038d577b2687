"""Booking, changing and cancelling conferences (CONF-2, CONF-3).

The unique constraint on `Booking.slot` is the guard: two guardians inserting a booking for the
same slot at the same moment cannot both commit, on PostgreSQL and SQLite alike. Each attempt
runs in its own transaction (a savepoint inside a caller's), so a lost race rolls back everything
of that attempt: a sibling combination is booked all or none. The loser gets `SlotTaken` with
fresh free slots to choose from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account

from .combinations import FreeSlot
from .models import Booking, ConferenceRound, Slot
from .selectors import ChildInRound, children_in_round, free_slots, has_early_access, household_of


class SlotTaken(Exception):
    """Someone else was first; `fresh` are the slots still free for the same teachers."""

    def __init__(self, fresh: list[FreeSlot]) -> None:
        super().__init__("slot taken")
        self.fresh = fresh


@dataclass(frozen=True)
class Choice:
    pupil_id: int
    slot_id: int


def access_opens_at(conference: ConferenceRound, children: list[ChildInRound]) -> dt.datetime:
    return conference.early_opens_at if has_early_access(children) else conference.opens_at


def check_window(conference: ConferenceRound, children: list[ChildInRound], now: dt.datetime) -> None:
    if now < access_opens_at(conference, children):
        raise ValidationError(_("Booking has not opened yet."), code="not_open")
    if now >= conference.deadline:
        raise ValidationError(_("The deadline for booking, changing and cancelling has passed."), code="deadline")


def book(
    *, actor: Account, conference: ConferenceRound, choices: list[Choice], now: dt.datetime | None = None
) -> list[Booking]:
    """Book one slot per chosen child, all or none; a child's earlier booking (his household's)
    in this round is replaced, which is how a guardian changes his time.

    Raises Http404 for a pupil or slot the guardian may not book (another family's, another
    group's), ValidationError outside the window, SlotTaken when another guardian was first."""
    now = now or timezone.now()
    children = {child.pupil.pk: child for child in children_in_round(actor, conference)}
    if not choices or len({choice.pupil_id for choice in choices}) != len(choices):
        raise ValidationError(_("Choose one time per child."), code="choices")
    slots = {slot.pk: slot for slot in Slot.objects.filter(round=conference, pk__in=[c.slot_id for c in choices])}
    for choice in choices:
        child = children.get(choice.pupil_id)
        slot = slots.get(choice.slot_id)
        # Another family's child, or a slot of another round or of a teacher not his: not found.
        if child is None or slot is None or slot.staff_member_id not in child.teacher_ids:
            raise Http404
    check_window(conference, list(children.values()), now)
    for choice in choices:
        if slots[choice.slot_id].starts_at <= now:
            raise ValidationError(_("This time has already passed."), code="past")
    ordered = sorted((slots[c.slot_id] for c in choices), key=lambda slot: slot.starts_at)
    for previous, following in pairwise(ordered):
        if following.starts_at < previous.ends_at:
            raise ValidationError(_("Two conferences of yours would overlap."), code="overlap")
    households = (
        {c.pupil_id: household_of(actor, children[c.pupil_id].pupil) for c in choices}
        if conference.per_household
        else {c.pupil_id: "" for c in choices}
    )
    try:
        with transaction.atomic():
            Booking.objects.filter(
                round=conference,
                pupil_id__in=[c.pupil_id for c in choices],
                household__in=set(households.values()),
            ).delete()
            made = Booking.objects.bulk_create(
                [
                    Booking(
                        round=conference,
                        slot_id=choice.slot_id,
                        pupil_id=choice.pupil_id,
                        household=households[choice.pupil_id],
                        booked_by=actor,
                    )
                    for choice in choices
                ]
            )
    except IntegrityError:
        teachers = sorted({t for child in children.values() for t in child.teacher_ids})
        raise SlotTaken(free_slots(conference, teachers)) from None
    return made


def cancel(*, actor: Account, booking: Booking, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    conference = booking.round
    if now >= conference.deadline:
        raise ValidationError(_("The deadline for booking, changing and cancelling has passed."), code="deadline")
    if conference.per_household and booking.household != household_of(actor, booking.pupil):
        # The other household's conference is theirs to cancel.
        raise Http404
    booking.delete()


def get_booking_for_guardian_or_404(actor: Account, booking_id: int) -> Booking:
    from .selectors import reachable_children

    booking = (
        Booking.objects.filter(pk=booking_id, pupil__in=reachable_children(actor))
        .select_related("round", "slot__staff_member", "pupil")
        .first()
    )
    if booking is None:
        raise Http404
    return booking
