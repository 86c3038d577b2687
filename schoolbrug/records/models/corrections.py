"""Correction requests (REC-7, POR-10): a guardian proposes a new value, the school decides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolbrug.sis.models import Guardian, Pupil, School

__all__ = ["CorrectionRequest"]


class CorrectionRequest(models.Model):
    class Target(models.TextChoices):
        PUPIL = "pupil", _("pupil personal data")
        EMERGENCY_CONTACT = "emergency_contact", _("emergency number")
        GUARDIAN = "guardian", _("guardian contact data")
        MEDICAL = "medical", _("medical data")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPLIED = "applied", _("applied")
        REJECTED = "rejected", _("rejected")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="correction_requests")
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, null=True, blank=True, related_name="correction_requests"
    )
    guardian = models.ForeignKey(
        Guardian, on_delete=models.CASCADE, null=True, blank=True, related_name="correction_requests"
    )
    target = models.CharField(_("about"), max_length=20, choices=Target.choices)
    # The row the change is meant for: a pupil, emergency contact, guardian or medical record.
    object_id = models.PositiveBigIntegerField()
    field_name = models.CharField(_("field"), max_length=50)
    current_value = models.TextField(_("value when requested"), blank=True)
    proposed_value = models.TextField(_("proposed value"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="correction_requests"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"], name="correction_school_status")]

    def __str__(self) -> str:
        return f"{self.target}.{self.field_name} ({self.status})"
