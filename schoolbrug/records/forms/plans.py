"""Forms for support plans and the pupil-file settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import RecordsSettings, SupportPlan

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})


class SupportPlanForm(forms.ModelForm):
    class Meta:
        model = SupportPlan
        fields = [
            "title",
            "start_date",
            "end_date",
            "problem_statement",
            "goals",
            "approach",
            "execution",
            "evaluation",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "problem_statement": TEXT,
            "goals": TEXT,
            "approach": TEXT,
            "execution": TEXT,
            "evaluation": TEXT,
        }

    def __init__(self, *args: Any, problem_statement_term: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The school chooses its own word for the problem statement (REC-3).
        self.fields["problem_statement"].label = problem_statement_term

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The plan ends before it starts."))
        return data


class RecordsSettingsForm(forms.ModelForm):
    class Meta:
        model = RecordsSettings
        fields = ["problem_statement_label"]
