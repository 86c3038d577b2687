"""Forms for the school's absence rules, guardians' reports and leave requests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolbrug.sis.models import School

from ..models import AbsenceReason, AbsenceRules
from .absences import DATE_WIDGET, TIME_WIDGET, AbsenceForm


class AbsenceRulesForm(forms.ModelForm):
    """The school-wide switch and message, plus per reason: offered to guardians and until when."""

    class Meta:
        model = AbsenceRules
        fields = ["guardians_may_report", "message", "phone"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3}), "phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args: Any, reasons: list[AbsenceReason], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = reasons
        for reason in reasons:
            self.fields[f"allowed_{reason.pk}"] = forms.BooleanField(
                label=_("%(reason)s: guardians may report this reason") % {"reason": reason.name},
                required=False,
                initial=reason.guardians_may_report,
            )
            self.fields[f"cutoff_{reason.pk}"] = forms.ChoiceField(
                label=_("%(reason)s: when") % {"reason": reason.name},
                choices=AbsenceReason.Cutoff.choices,
                initial=reason.guardian_cutoff,
            )
            self.fields[f"time_{reason.pk}"] = forms.TimeField(
                label=_("%(reason)s: report today until") % {"reason": reason.name},
                required=False,
                widget=TIME_WIDGET,
                initial=reason.cutoff_time,
            )

    def reason_choices(self) -> dict[int, tuple[bool, str, dt.time | None]]:
        data = self.cleaned_data
        return {r.pk: (data[f"allowed_{r.pk}"], data[f"cutoff_{r.pk}"], data.get(f"time_{r.pk}")) for r in self.reasons}


class GuardianReasonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class GuardianReportForm(AbsenceForm):
    """A guardian's report: the reasons the school offers in the app (the service checks again)."""

    reason = GuardianReasonField(label=_("Reason"), queryset=AbsenceReason.objects.none())  # type: ignore[assignment]
    remark = forms.CharField(
        label=_("Note for the teacher"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, school=school, **kwargs)
        self.fields["reason"].queryset = AbsenceReason.objects.filter(  # type: ignore[attr-defined]
            school=school, active=True, guardians_may_report=True
        )
        self.fields["whole_day"].label = _("The whole day")
        self.fields["time_from"].help_text = _("For a visit of a few hours: untick 'The whole day'.")


class LeaveRequestForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=DATE_WIDGET)
    last_day = forms.DateField(label=_("Last day"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("A PDF or a photo, at most 5 MB; for example an invitation or a letter from an employer."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )
    client_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day lies before the first day."))
        return data


class LeaveDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    decision_reason = forms.CharField(
        label=_("Explanation for the guardian"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Required when you refuse."),
    )
