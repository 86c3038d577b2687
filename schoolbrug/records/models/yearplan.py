"""The year plan (REC-6): the school's activities, optionally published on the portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.models import TimestampedModel
from schoolbrug.sis.models import Group, School

__all__ = ["Activity"]


class Activity(TimestampedModel):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("place"), max_length=200, blank=True)
    groups = models.ManyToManyField(
        Group, blank=True, related_name="activities", verbose_name=_("groups"), help_text=_("None: the whole school.")
    )
    publish_on_portal = models.BooleanField(_("publish on the portal"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("year plan")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["school", "starts_at"], name="activity_school_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="activity_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title
