from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_MODES, DigestSchedule, Mode, NotificationKind, Weekday


class PreferencesForm(forms.Form):
    """One choice per kind of notification."""

    def __init__(self, *args: Any, modes: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Mode.choices, initial=modes.get(kind, DEFAULT_MODES[kind])
            )

    def modes(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in NotificationKind.values}


class UseQuietHoursForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Use contact hours: outside them no push messages"),
        required=False,
    )


class DayHoursForm(forms.Form):
    """One weekday's contact hours; the window may cross midnight (22:00 until 02:00)."""

    available = forms.BooleanField(label=_("Reachable"), required=False)
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, data: Any = None, *, weekday: int, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, prefix=f"day{weekday}", initial=initial)
        self.weekday = weekday
        self.label = Weekday(weekday).label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") is not None and data.get("start") == data.get("end"):
            self.add_error(
                "end", _("The end must differ from the start; to be unreachable all day, switch the day off.")
            )
        return data


class DigestForm(forms.ModelForm):
    class Meta:
        model = DigestSchedule
        fields = ["frequency", "weekday", "at"]
        labels = {"weekday": _("Day (weekly digest)"), "at": _("Time")}
        widgets = {"at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
