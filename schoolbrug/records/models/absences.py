"""Absences (REC-1): school-defined reasons and the absences recorded against them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.sis.models import Pupil, School, SchoolYear

__all__ = ["Absence", "AbsenceReason"]


class AbsenceReason(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="absence_reasons")
    name = models.CharField(_("name"), max_length=100)
    is_authorised = models.BooleanField(
        _("authorised"), default=True, help_text=_("Authorised absence (geoorloofd) or not.")
    )
    guardians_may_report = models.BooleanField(
        _("guardians may report"), default=False, help_text=_("Guardians may choose this reason in the portal.")
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
