"""Notifications: the in-app item, each person's preferences and quiet hours, and the outbox.

A `Notification` is what the person sees in the app (the bell). Each way it also reaches him
outside the app (an e-mail, a push message to one device, a line in a digest) is a `Delivery`: an
outbox row written in the same transaction as the notification and sent later by the worker
(`schoolbrug.notifications.worker`). See docs/decisions/0019-notifications-outbox.md.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("announcement")
    CONVERSATION = "conversation", _("conversation message")
    PORTAL = "portal", _("portal item")
    AGENDA = "agenda", _("agenda")
    BOOKING = "booking", _("booking")
    ABSENCE = "absence", _("absence")


class Mode(models.TextChoices):
    """How one kind of notification reaches a person besides the bell."""

    PUSH = "push", _("push message")
    EMAIL = "email", _("e-mail")
    DIGEST = "digest", _("in the digest only")
    OFF = "off", _("only in the app")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PUSH = "push", _("push message")
    DIGEST = "digest", _("digest")


# What a person gets until he chooses otherwise: what someone wrote to him directly, or what
# concerns his child today, arrives at once; the rest waits for the digest.
DEFAULT_MODES: dict[str, str] = {
    NotificationKind.ANNOUNCEMENT: Mode.PUSH,
    NotificationKind.CONVERSATION: Mode.PUSH,
    NotificationKind.PORTAL: Mode.DIGEST,
    NotificationKind.AGENDA: Mode.DIGEST,
    NotificationKind.BOOKING: Mode.EMAIL,
    NotificationKind.ABSENCE: Mode.PUSH,
}

TITLE_MAX = 120
TEXT_MAX = 300
SPACE_MAX = 100


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.CharField(_("text"), max_length=TEXT_MAX, blank=True)
    # A path inside Schoolbrug (from `reverse`), made absolute only where it leaves the site.
    link = models.CharField(_("link"), max_length=500, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    # The space (e.g. an announcement channel) the item belongs to, for the per-space mute.
    space_key = models.CharField(max_length=100, blank=True)
    # The child the item is about (portal events) and the space's name as people read it: the
    # digest groups a person's items by child, then by space or kind.
    pupil = models.ForeignKey(
        "sis.Pupil",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("child"),
    )
    space = models.CharField(_("space"), max_length=SPACE_MAX, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The event that caused the item ("announcement:17"): the same event never notifies twice.
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""), name="notification_unique_dedupe_key"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_recent"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_recipient_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A person's choice for one kind; a missing row means the default of `DEFAULT_MODES`."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["account", "kind"], name="preference_unique_kind")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind}: {self.mode}"


class SpaceMute(models.Model):
    """A space (e.g. an announcement channel) the person muted: its items stay in the app only."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_spaces")
    space_key = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "space_key"], name="spacemute_unique")]

    def __str__(self) -> str:
        return f"{self.account_id} mutes {self.space_key}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


# The school's default contact hours, which new staff get: school days 08:00-17:00.
SCHOOL_DEFAULT_HOURS: tuple[tuple[int, bool, time, time], ...] = tuple(
    (day, day < Weekday.SATURDAY, time(8, 0), time(17, 0)) for day in Weekday.values
)


class QuietHours(models.Model):
    """One weekday of a person's contact hours; outside them his hours are quiet.

    `available` off means the whole day is quiet. The window starts on this weekday and may cross
    midnight (22:00-02:00 reaches into the next day). A person without rows has no quiet hours.
    Times are wall-clock times in the person's time zone (his school's).
    """

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    available = models.BooleanField(_("reachable"), default=True)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("contact hours")
        verbose_name_plural = _("contact hours")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["account", "weekday"], name="quiet_hours_unique_weekday"),
            # A window from 10:00 to 10:00 could mean nothing or the whole day: it is refused.
            models.CheckConstraint(condition=~Q(start=models.F("end")), name="quiet_hours_window_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.weekday} {self.start}-{self.end}"

    def clean(self) -> None:
        if self.start is not None and self.start == self.end:
            raise ValidationError(
                {"end": _("The end must differ from the start; to be unreachable all day, switch the day off.")},
                code="empty_window",
            )


class SchoolContactHours(models.Model):
    """One weekday of a school's default contact hours, which its new staff get.

    Made from `SCHOOL_DEFAULT_HOURS` the first time the school's defaults are read; the
    communication or application administrator changes them (`/notifications/school-hours/`).
    The same rules as a person's `QuietHours`: the window may cross midnight, never be empty.
    """

    school = models.ForeignKey("sis.School", on_delete=models.CASCADE, related_name="contact_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    available = models.BooleanField(_("reachable"), default=True)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("school contact hours")
        verbose_name_plural = _("school contact hours")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["school", "weekday"], name="school_contact_hours_unique_weekday"),
            models.CheckConstraint(condition=~Q(start=models.F("end")), name="school_contact_hours_window_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.weekday} {self.start}-{self.end}"


class Delivery(models.Model):
    """One outbox row: a notification to be sent on one channel (and, for push, one device)."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("not needed any more")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # The push subscription (device) for channel "push"; empty for the others.
    device_id = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Passed to the transport (e-mail Message-ID, push topic): a retry after a crash is
    # recognised as the same message by whoever receives it.
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="delivery_pending_due"),
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class RecordedDelivery(models.Model):
    """What the recording transport received (tests, the benchmark, demos without mail/push).

    The unique key is the sink's own deduplication, as a mail server or push service would do
    with the idempotency key; `received` counts raw attempts, duplicates included.
    """

    idempotency_key = models.CharField(max_length=100, unique=True)
    channel = models.CharField(max_length=10)
    notification_id = models.BigIntegerField()
    received = models.PositiveIntegerField(default=1)
    first_received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.idempotency_key


class DigestSchedule(models.Model):
    """When a person gets the digest of what waited for it: daily or weekly, at a local time.
    Made on first need: daily at 17:30."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_schedule")
    frequency = models.CharField(_("digest"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices, default=Weekday.FRIDAY)
    at = models.TimeField(_("at"), default=time(17, 30))
    # The next digest, an instant (computed in the person's time zone, with jitter).
    next_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.account_id} {self.frequency} {self.at}"
