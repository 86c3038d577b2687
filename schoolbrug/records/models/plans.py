"""Support plans (REC-3) and the school's settings for the pupil file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.models import TimestampedModel
from schoolbrug.sis.models import Pupil, School

__all__ = ["RecordsSettings", "SupportPlan"]


class RecordsSettings(models.Model):
    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="records_settings")
    problem_statement_label = models.CharField(
        _("term for the problem statement"),
        max_length=100,
        blank=True,
        help_text=_("For example 'Hulpvraag' or 'Onderwijsbehoefte'. Leave empty for the default term."),
    )

    class Meta:
        verbose_name = _("pupil file settings")
        verbose_name_plural = _("pupil file settings")

    def __str__(self) -> str:
        return str(self.school_id)

    @property
    def problem_statement_term(self) -> str:
        # Translated at display time so the default follows the reader's language.
        return self.problem_statement_label or gettext("Problem statement")


class SupportPlan(TimestampedModel):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="support_plans")
    title = models.CharField(_("title"), max_length=200)
    problem_statement = models.TextField(_("problem statement"), max_length=10000, blank=True)
    goals = models.TextField(_("goals"), max_length=10000, blank=True)
    approach = models.TextField(_("approach"), max_length=10000, blank=True)
    execution = models.TextField(_("execution"), max_length=10000, blank=True)
    evaluation = models.TextField(_("evaluation"), max_length=10000, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="supportplan_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title
