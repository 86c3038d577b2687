"""Reports of the pupil file (REC-5): one per pupil per period, editable until locked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.models import TimestampedModel
from schoolbrug.sis.models import Pupil, School, SchoolYear

__all__ = ["Report", "ReportPeriod", "ReportPrint", "ReportSection"]


class ReportPeriod(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="report_periods")
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="report_periods")
    name = models.CharField(_("name"), max_length=80, help_text=_("For example Rapport 1."))
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("report period")
        verbose_name_plural = _("report periods")
        ordering = ["year", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="reportperiod_unique_name_per_year")]

    def __str__(self) -> str:
        return self.name


class Report(TimestampedModel):
    """Guardians see a report only once it is locked; a locked report no longer changes."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="reports")
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["period__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["pupil", "period"], name="report_one_per_pupil_per_period")]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.pupil_id}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ReportSection(models.Model):
    """One heading with its text (a subject, work attitude, a general word from the teacher)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("heading"), max_length=120)
    body = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportPrint(models.Model):
    """The PDF of a locked report, kept once rendered (WeasyPrint takes ~0.1 s of CPU per copy).

    `digest` is the SHA-256 of the HTML the PDF was made from: any change to what the report shows
    (a renamed pupil, the school's address, the language) gives another digest and a new PDF.
    Unlocking a report deletes its prints (records.services.reports.report_unlock).
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="prints")
    language = models.CharField(max_length=10)
    digest = models.CharField(max_length=64)
    pdf = models.BinaryField()
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report PDF")
        verbose_name_plural = _("report PDFs")
        constraints = [models.UniqueConstraint(fields=["report", "language"], name="reportprint_one_per_language")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.language}"
