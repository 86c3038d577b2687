"""Absences (REC-1): school-defined reasons and the absences recorded against them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.sis.models import Pupil, School, SchoolYear

__all__ = ["Absence", "AbsenceReason", "AbsenceRules", "LeaveRequest"]


class AbsenceReason(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="absence_reasons")
    name = models.CharField(_("name"), max_length=100)
    is_authorised = models.BooleanField(
        _("authorised"), default=True, help_text=_("Authorised absence (geoorloofd) or not.")
    )
    guardians_may_report = models.BooleanField(
        _("guardians may report"), default=False, help_text=_("Guardians may choose this reason in the portal.")
    )

    class Cutoff(models.TextChoices):
        ANYTIME = "anytime", _("any time")
        BEFORE_TIME = "before_time", _("for today only before the time below")
        PHONE_ONLY = "phone_only", _("never in the app: phone the school")

    guardian_cutoff = models.CharField(
        _("when guardians may report"), max_length=12, choices=Cutoff.choices, default=Cutoff.ANYTIME
    )
    cutoff_time = models.TimeField(
        _("report today until"),
        null=True,
        blank=True,
        help_text=_("For example 08:30: after this time an absence for today must be phoned in."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("absence reason")
        verbose_name_plural = _("absence reasons")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="absencereason_unique_name")]

    def __str__(self) -> str:
        return self.name


class Absence(models.Model):
    """One pupil away from `starts_at` until `ends_at` (exclusive); a whole-day absence runs from
    midnight to midnight in the school's time zone."""

    class Source(models.TextChoices):
        STAFF = "staff", _("school")
        GUARDIAN = "guardian", _("guardian")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="absences", verbose_name=_("pupil"))
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="absences")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    whole_day = models.BooleanField(_("whole days"), default=True)
    reason = models.ForeignKey(
        AbsenceReason, on_delete=models.PROTECT, related_name="absences", verbose_name=_("reason")
    )
    remark = models.TextField(_("remark"), max_length=1000, blank=True)
    processed = models.BooleanField(_("processed"), default=False)
    source = models.CharField(_("reported by"), max_length=10, choices=Source.choices, default=Source.STAFF)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    leave_request = models.ForeignKey(
        "LeaveRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="absences"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_at", "pk"]
        indexes = [
            models.Index(fields=["pupil", "starts_at"], name="absence_pupil_start"),
            models.Index(fields=["client_key"], name="absence_client_key"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start"),
            models.UniqueConstraint(
                fields=["pupil", "client_key"], condition=Q(client_key__isnull=False), name="absence_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%Y-%m-%d %H:%M}"


class AbsenceRules(models.Model):
    """ABS-1: whether guardians may report absences in the app, and what they are told."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="absence_rules")
    guardians_may_report = models.BooleanField(_("guardians may report absences in the app"), default=False)
    message = models.TextField(
        _("message to guardians"),
        max_length=1000,
        blank=True,
        help_text=_("Explains the school's rules; shown above the report form with a link to the leave request."),
    )
    phone = models.CharField(
        _("telephone for absences"),
        max_length=20,
        blank=True,
        help_text=_("Empty: the school's own telephone number."),
    )

    class Meta:
        verbose_name = _("absence rules")
        verbose_name_plural = _("absence rules")

    def __str__(self) -> str:
        return str(self.school_id)

    @property
    def phone_number(self) -> str:
        return self.phone or self.school.phone


class LeaveRequest(models.Model):
    """ABS-3: a guardian asks leave (verlof) for whole school days; the principal decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting a decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="leave_requests")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="leave_requests", verbose_name=_("pupil"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_by_name = models.CharField(_("requested by"), max_length=200)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.TextField(_("reason"), max_length=2000)
    school_days = models.PositiveSmallIntegerField(_("school days"))
    needs_attendance_officer = models.BooleanField(_("needs the attendance officer"), default=False)
    # A small attachment (a doctor's letter or an invitation) lives in the row itself: it is
    # read only through the request's permission check and leaves with the request.
    attachment = models.BinaryField(null=True, blank=True, editable=False)
    attachment_type = models.CharField(max_length=40, blank=True, editable=False)
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("explanation of the decision"), max_length=2000, blank=True)
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"], name="leave_school_status")]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="leave_last_after_first"),
            models.UniqueConstraint(
                fields=["requested_by", "client_key"], condition=Q(client_key__isnull=False), name="leave_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.first_day}-{self.last_day}"
