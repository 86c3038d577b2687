"""Privacy preferences (PRIV-1): the school's questions and the guardians' answers per child.

Answers are a history: every choice a guardian makes is a new row, never changed or removed, so
the school can show who gave or withdrew consent and when (AVG: consent must be provable).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolbrug.sis.models import Guardian, Pupil, School


class ConsentQuestion(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="consent_questions")
    text = models.CharField(_("question"), max_length=200)
    explanation = models.TextField(_("explanation"), blank=True)
    is_app_photos = models.BooleanField(
        _("question for photos in the app"),
        default=False,
        help_text=_(
            "Authors of announcements are warned about children without this consent. One question per school."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    locked_from = models.DateField(
        _("answers locked from"),
        null=True,
        blank=True,
        help_text=_("From this day on guardians can no longer change their answers. Leave empty to keep them open."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("privacy question")
        verbose_name_plural = _("privacy questions")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=Q(is_app_photos=True), name="consent_one_app_photos_question_per_school"
            )
        ]

    def __str__(self) -> str:
        return self.text

    def is_locked_on(self, day: dt.date) -> bool:
        return self.locked_from is not None and day >= self.locked_from


class ConsentAnswer(models.Model):
    """One guardian's yes or no for one child to one question, at one moment. Append-only."""

    question = models.ForeignKey(ConsentQuestion, on_delete=models.PROTECT, related_name="answers")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="consent_answers")
    # Kept when the guardian record goes (a sync may remove it): the history still says who.
    guardian = models.ForeignKey(
        Guardian, on_delete=models.SET_NULL, null=True, blank=True, related_name="consent_answers"
    )
    guardian_name = models.CharField(_("guardian"), max_length=200)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent = models.BooleanField(_("consent"))
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("privacy answer")
        verbose_name_plural = _("privacy answers")
        indexes = [models.Index(fields=["pupil", "question", "answered_at"], name="consent_answer_history")]

    def __str__(self) -> str:
        return f"{self.guardian_name}: {self.question_id} {self.consent}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Consent answers are history: add a new answer instead of changing one.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Consent answers are history and are never deleted one by one.")
