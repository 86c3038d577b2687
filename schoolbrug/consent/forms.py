from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ConsentQuestion

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A lock date further away than this is a typing error, not a plan.
LOCK_RANGE = dt.timedelta(days=2 * 366)


class QuestionForm(forms.ModelForm):
    class Meta:
        model = ConsentQuestion
        fields = ["text", "explanation", "is_app_photos", "locked_from"]
        widgets = {"locked_from": DATE_WIDGET, "explanation": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"text": {"required": _("Enter the question.")}}

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_text(self) -> str:
        text = (self.cleaned_data.get("text") or "").strip()
        if not text:
            raise forms.ValidationError(_("Enter the question."))
        return text

    def clean_locked_from(self) -> dt.date | None:
        day = self.cleaned_data.get("locked_from")
        if day is not None and not (self.today - LOCK_RANGE <= day <= self.today + LOCK_RANGE):
            raise forms.ValidationError(_("Choose a date within two years from today."))
        return day


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class AnswersForm(forms.Form):
    """One yes/no per open question; locked questions are shown, not asked."""

    def __init__(self, *args: Any, questions: Sequence[Any], initial_answers: dict[int, bool | None], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for question in questions:
            own = initial_answers.get(question.pk)
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=question.text,
                choices=YES_NO,
                widget=forms.RadioSelect,
                help_text=question.explanation,
                initial=None if own is None else ("yes" if own else "no"),
                error_messages={"required": _("Choose yes or no.")},
            )

    def choices(self) -> dict[int, bool]:
        return {int(name[1:]): value == "yes" for name, value in self.cleaned_data.items()}
