"""Forms for recording absences and keeping the school's absence reasons."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.forms import ModelMultipleIdChoiceField
from schoolbrug.sis.dates import local_datetime, school_zone
from schoolbrug.sis.models import Pupil, School

from ..models import AbsenceReason

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ReasonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        kind = _("authorised") if obj.is_authorised else _("not authorised")
        return f"{obj.name} ({kind})"


class AbsenceForm(forms.Form):
    """A date range (whole days) or a date-time range, turned into `starts_at`/`ends_at` in the
    school's time zone. `client_key` makes a repeated post return the first result."""

    date_from = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    date_until = forms.DateField(
        label=_("Until (inclusive)"), widget=DATE_WIDGET, required=False, help_text=_("Empty: the same day.")
    )
    whole_day = forms.BooleanField(label=_("Whole days"), required=False, initial=True)
    time_from = forms.TimeField(label=_("From time"), widget=TIME_WIDGET, required=False)
    time_until = forms.TimeField(label=_("Until time"), widget=TIME_WIDGET, required=False)
    reason = ReasonChoiceField(label=_("Reason"), queryset=AbsenceReason.objects.none())
    remark = forms.CharField(
        label=_("Remark"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False
    )
    client_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["reason"].queryset = AbsenceReason.objects.filter(school=school, active=True)  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from: dt.date | None = data.get("date_from")
        if date_from is None:
            return data
        date_until: dt.date = data.get("date_until") or date_from
        zone = school_zone(self.school)
        if data.get("whole_day"):
            if date_until < date_from:
                self.add_error("date_until", _("The absence ends before it starts."))
                return data
            data["starts_at"] = local_datetime(date_from, None, zone)
            data["ends_at"] = local_datetime(date_until + dt.timedelta(days=1), None, zone)
            return data
        time_from, time_until = data.get("time_from"), data.get("time_until")
        if time_from is None:
            self.add_error("time_from", _("Enter a start time, or tick 'Whole days'."))
        if time_until is None:
            self.add_error("time_until", _("Enter an end time, or tick 'Whole days'."))
        if time_from is None or time_until is None:
            return data
        starts_at, ends_at = local_datetime(date_from, time_from, zone), local_datetime(date_until, time_until, zone)
        if ends_at <= starts_at:
            self.add_error("time_until", _("The absence ends before it starts."))
            return data
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data


class PupilsChoiceField(ModelMultipleIdChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.sort_name


class GroupAbsenceForm(AbsenceForm):
    pupils = PupilsChoiceField(label=_("Pupils"), queryset=Pupil.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils  # type: ignore[attr-defined]
        self.order_fields(["pupils", *[name for name in self.fields if name != "pupils"]])


class AbsenceReasonForm(forms.ModelForm):
    class Meta:
        model = AbsenceReason
        fields = ["name", "is_authorised", "guardians_may_report", "guardian_cutoff", "cutoff_time", "active"]
        widgets = {"cutoff_time": TIME_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out (an older form, a script): the reason may be reported any time.
        self.fields["guardian_cutoff"].required = False

    def clean_guardian_cutoff(self) -> str:
        return self.cleaned_data.get("guardian_cutoff") or AbsenceReason.Cutoff.ANYTIME
