"""Tests of the pupil file (REC-4): curriculum tests and standardised tests, per school year."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.models import TimestampedModel
from schoolbrug.sis.models import Group, Pupil, School, SchoolYear

__all__ = ["CurriculumResult", "CurriculumTest", "StandardisedResult", "StandardisedTest"]

GRADE_MIN = Decimal("1.0")
GRADE_MAX = Decimal("10.0")

# Bounds of a standardised result. Scores are the provider's ability scores ("vaardigheidsscores"),
# which stay well below 999; the level value is Cito's "functioneringsniveau"-style number.
STANDARDISED_SCORE_MAX = Decimal(999)
LEVEL_VALUE_MAX = Decimal(150)
# Levels per provider, kept deliberately simple: Cito reports I (highest) to V, IEP and any other
# provider are entered as A (highest) to E. Cito's newer I-V with a/b splits are entered as I-V.
CITO_LEVELS = ("I", "II", "III", "IV", "V")
LETTER_LEVELS = ("A", "B", "C", "D", "E")


class CurriculumTest(TimestampedModel):
    """A test from the teaching method ("methodetoets"), marked as a grade or as a score."""

    class Scale(models.TextChoices):
        GRADE = "grade", _("grade 1-10")
        SCORE = "score", _("score")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="curriculum_tests")
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="curriculum_tests")
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curriculum_tests",
        verbose_name=_("group"),
    )
    subject = models.CharField(_("subject"), max_length=100)
    name = models.CharField(_("name"), max_length=150)
    date = models.DateField(_("date"))
    scale = models.CharField(_("scale"), max_length=5, choices=Scale.choices, default=Scale.GRADE)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("curriculum test")
        verbose_name_plural = _("curriculum tests")
        ordering = ["-date", "subject", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale="grade", max_score__isnull=True) | Q(scale="score", max_score__gt=0),
                name="curriculumtest_max_score_only_for_scores",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.name}"

    @property
    def lowest(self) -> Decimal:
        return GRADE_MIN if self.scale == self.Scale.GRADE else Decimal(0)

    @property
    def highest(self) -> Decimal:
        return GRADE_MAX if self.scale == self.Scale.GRADE else Decimal(self.max_score or 0)

    def in_scale(self, value: Decimal) -> bool:
        return self.lowest <= value <= self.highest


class CurriculumResult(TimestampedModel):
    """A pupil's grade or score; `value` is read on the scale of its test."""

    test = models.ForeignKey(CurriculumTest, on_delete=models.CASCADE, related_name="results")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="curriculum_results")
    value = models.DecimalField(_("result"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("curriculum test result")
        verbose_name_plural = _("curriculum test results")
        constraints = [
            models.UniqueConstraint(fields=["test", "pupil"], name="curriculumresult_one_per_pupil"),
            models.CheckConstraint(condition=Q(value__gte=0), name="curriculumresult_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id}: {self.value}"


class StandardisedTest(TimestampedModel):
    """A national standardised test ("niet-methodetoets"), such as CITO Rekenen-Wiskunde M5."""

    class Provider(models.TextChoices):
        CITO = "cito", "Cito"
        IEP = "iep", "IEP"
        OTHER = "other", _("other")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="standardised_tests")
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="standardised_tests")
    name = models.CharField(_("name"), max_length=150, help_text=_("For example Rekenen-Wiskunde M5."))
    provider = models.CharField(_("provider"), max_length=5, choices=Provider.choices, default=Provider.CITO)
    date = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("standardised test")
        verbose_name_plural = _("standardised tests")
        ordering = ["-date", "name"]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.name}"

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels a result of this test may have."""
        return CITO_LEVELS if self.provider == self.Provider.CITO else LETTER_LEVELS


class StandardisedResult(TimestampedModel):
    test = models.ForeignKey(StandardisedTest, on_delete=models.CASCADE, related_name="results")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="standardised_results")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=1, null=True, blank=True)
    level = models.CharField(_("level"), max_length=10, blank=True, help_text=_("For example I-V or A-E."))
    adjusted_level = models.CharField(_("adjusted level"), max_length=10, blank=True)
    level_value = models.DecimalField(_("level value"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("standardised test result")
        verbose_name_plural = _("standardised test results")
        constraints = [
            models.UniqueConstraint(fields=["test", "pupil"], name="standardisedresult_one_per_pupil"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=STANDARDISED_SCORE_MAX),
                name="standardisedresult_score_range",
            ),
            models.CheckConstraint(
                condition=Q(level_value__isnull=True) | Q(level_value__gte=0, level_value__lte=LEVEL_VALUE_MAX),
                name="standardisedresult_level_value_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id}: {self.level or self.score}"
