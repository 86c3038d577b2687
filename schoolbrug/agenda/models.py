"""The agenda (AGE-1..3) and conference booking (CONF-1..4).

Events target a messaging `Space` (the school-wide space or a group's), so who sees an event is
the spaces rule and nothing else. The year plan (records `Activity`) is not copied: selectors
read it next to the events. A conference `Booking` holds its slot under a unique constraint,
which is the real guard against a slot given twice (docs/decisions/0026-agenda-and-conference-booking.md).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.media.models import StoredFile
from schoolbrug.messaging.models import Space
from schoolbrug.sis.models import Group, Pupil, School, StaffMember

ICS_MAX_BYTES = 1_000_000


class Event(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="agenda_events")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="events", verbose_name=_("for"))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    # A document or photo through the media pipeline: checked by content, private, served only
    # after `get_event_for_user_or_404` (views.event_file).
    attachment = models.ForeignKey(
        StoredFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("attachment")
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("reminder (days before)"), null=True, blank=True, help_text=_("Empty: no reminder.")
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    rsvp = models.BooleanField(_("ask who comes (yes / no / maybe)"), default=False)
    volunteer_places = models.PositiveSmallIntegerField(
        _("places for helping parents"), default=0, help_text=_("0: no sign-up for helpers.")
    )
    signup_deadline = models.DateTimeField(_("sign-up and cancelling until"), null=True, blank=True)
    # The UID of an imported event (or our own, for the feed): the same UID imported twice is a duplicate.
    uid = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["space", "starts_at"], name="agenda_event_space_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="agenda_event_ends_after_start"),
            models.UniqueConstraint(fields=["school", "uid"], condition=~Q(uid=""), name="agenda_event_unique_uid"),
        ]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        MAYBE = "maybe", _("maybe")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "account"], name="agenda_rsvp_once")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.account_id}: {self.answer}"


class VolunteerSignup(models.Model):
    """A helping parent; `position` orders the waiting list (the first `places` are confirmed)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="volunteers")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "account"], name="agenda_volunteer_once")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.account_id}"


class CalendarFeed(models.Model):
    """A person's secret feed address; only the token's SHA-256 is stored, like a password."""

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"feed of {self.account_id}"


class IcsImport(models.Model):
    """An uploaded .ics file between its preview and its import (deleted once imported)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"import {self.pk}"


class ConferenceRound(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("report conference")
        ADVICE = "advice", _("secondary-school advice")
        OTHER = "other", _("conference")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="conference_rounds")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPORT)
    groups = models.ManyToManyField(Group, related_name="conference_rounds", verbose_name=_("groups"))
    slot_minutes = models.PositiveSmallIntegerField(_("length of a conference (minutes)"), default=10)
    buffer_minutes = models.PositiveSmallIntegerField(
        _("changeover between two teachers (minutes)"),
        default=5,
        help_text=_("Time a family needs to walk from one classroom to the next."),
    )
    opens_at = models.DateTimeField(_("booking opens"))
    deadline = models.DateTimeField(_("booking, changing and cancelling until"))
    sibling_lead_hours = models.PositiveSmallIntegerField(
        _("families with children in several groups may book earlier (hours)"), default=24
    )
    per_household = models.BooleanField(
        _("one conference per household"),
        default=False,
        help_text=_("Guardians who live apart each book their own conference; otherwise one per pupil."),
    )
    early_notified_at = models.DateTimeField(null=True, blank=True)
    opened_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conference round")
        verbose_name_plural = _("conference rounds")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gt=F("opens_at")), name="conference_deadline_after_opening"),
            models.CheckConstraint(condition=Q(slot_minutes__gt=0), name="conference_slot_length_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def early_opens_at(self):
        return self.opens_at - timedelta(hours=self.sibling_lead_hours)


class Availability(models.Model):
    """A teacher's window on one day, cut into slots (with an optional break)."""

    round = models.ForeignKey(ConferenceRound, on_delete=models.CASCADE, related_name="availabilities")
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    break_starts_at = models.DateTimeField(_("break from"), null=True, blank=True)
    break_ends_at = models.DateTimeField(_("break until"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=100, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="availability_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.staff_member_id} {self.starts_at}"


class Slot(models.Model):
    round = models.ForeignKey(ConferenceRound, on_delete=models.CASCADE, related_name="slots")
    availability = models.ForeignKey(Availability, on_delete=models.CASCADE, related_name="slots")
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "staff_member", "starts_at"], name="slot_once_per_teacher_time")
        ]
        indexes = [models.Index(fields=["round", "staff_member", "starts_at"], name="slot_round_teacher_start")]

    def __str__(self) -> str:
        return f"{self.staff_member_id} {self.starts_at}"


class Booking(models.Model):
    round = models.ForeignKey(ConferenceRound, on_delete=models.CASCADE, related_name="bookings")
    # One-to-one: the database refuses a second booking of a slot, whatever the race (CONF-3).
    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="booking")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    # "" when the round has one conference per pupil; the booking guardian's address otherwise.
    household = models.CharField(max_length=100, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "pupil", "household"], name="booking_once_per_pupil_household")
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} @ {self.slot_id}"
