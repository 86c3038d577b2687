"""Forms of the agenda's staff pages; times are the school's wall clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.forms import ModelMultipleIdChoiceField
from schoolbrug.core.numbers import IntegerField
from schoolbrug.messaging.models import Space
from schoolbrug.sis.dates import local_datetime, school_zone
from schoolbrug.sis.models import Group, School, StaffMember

from .models import ICS_MAX_BYTES, ConferenceRound

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SpaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class EventForm(forms.Form):
    space = SpaceChoiceField(label=_("For"), queryset=Space.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    all_day = forms.BooleanField(label=_("All day"), required=False)
    time_from = forms.TimeField(label=_("From"), widget=TIME_WIDGET, required=False)
    time_until = forms.TimeField(label=_("Until"), widget=TIME_WIDGET, required=False)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)
    remind_days_before = IntegerField(
        label=_("Reminder (days before)"), min_value=0, max_value=30, required=False, help_text=_("Empty: no reminder.")
    )
    rsvp = forms.BooleanField(label=_("Ask who comes (yes / no / maybe)"), required=False)
    volunteer_places = IntegerField(
        label=_("Places for helping parents"),
        min_value=0,
        max_value=200,
        required=False,
        help_text=_("Empty or 0: none."),
    )
    signup_deadline = forms.DateField(
        label=_("Sign-up and cancelling until"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Empty: until the event starts."),
    )

    def __init__(self, *args: Any, school: School, spaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["space"].queryset = spaces  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day: dt.date | None = data.get("date")
        if day is None:
            return data
        zone = school_zone(self.school)
        if data.get("all_day"):
            data["starts_at"] = local_datetime(day, None, zone)
            data["ends_at"] = local_datetime(day + dt.timedelta(days=1), None, zone)
        elif data.get("time_from") is None:
            self.add_error("time_from", _("Enter a start time, or tick 'All day'."))
            return data
        else:
            data["starts_at"] = local_datetime(day, data["time_from"], zone)
            data["ends_at"] = local_datetime(day, data.get("time_until") or data["time_from"], zone)
            if data["ends_at"] < data["starts_at"]:
                self.add_error("time_until", _("The event ends before it starts."))
                return data
        deadline = data.get("signup_deadline")
        data["signup_deadline_at"] = (
            local_datetime(deadline + dt.timedelta(days=1), None, zone) if deadline is not None else None
        )
        return data


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Do you come?"),
        choices=[("yes", _("yes")), ("no", _("no")), ("maybe", _("maybe"))],
        widget=forms.RadioSelect,
    )


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message to the helpers"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    space = SpaceChoiceField(label=_("For"), queryset=Space.objects.none(), empty_label=None)
    file = forms.FileField(label=_("iCalendar file (.ics)"))

    def __init__(self, *args: Any, spaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > ICS_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s MB.") % {"size": ICS_MAX_BYTES // 1_000_000}, code="size"
            )
        return file


def _moment(data: dict[str, Any], day: str, time: str, zone: Any) -> dt.datetime | None:
    if data.get(day) is None or data.get(time) is None:
        return None
    return local_datetime(data[day], data[time], zone)


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ConferenceRound.Kind.choices)
    groups = ModelMultipleIdChoiceField(
        label=_("Groups"), queryset=Group.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    slot_minutes = IntegerField(label=_("Length of a conference (minutes)"), min_value=5, max_value=120, initial=10)
    buffer_minutes = IntegerField(
        label=_("Changeover between two teachers (minutes)"), min_value=0, max_value=60, initial=5
    )
    opens_date = forms.DateField(label=_("Booking opens on"), widget=DATE_WIDGET)
    opens_time = forms.TimeField(label=_("at"), widget=TIME_WIDGET)
    deadline_date = forms.DateField(label=_("Booking, changing and cancelling until"), widget=DATE_WIDGET)
    deadline_time = forms.TimeField(label=_("at"), widget=TIME_WIDGET)
    sibling_lead_hours = IntegerField(
        label=_("Families with children in several groups may book earlier (hours)"),
        min_value=0,
        max_value=14 * 24,
        initial=24,
    )
    per_household = forms.BooleanField(
        label=_("One conference per household"),
        required=False,
        help_text=_("Guardians who live apart each book their own conference; otherwise one per pupil."),
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["groups"].queryset = Group.objects.filter(school=school, year__is_current=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = school_zone(self.school)
        data["opens_at"] = _moment(data, "opens_date", "opens_time", zone)
        data["deadline"] = _moment(data, "deadline_date", "deadline_time", zone)
        if data["opens_at"] and data["deadline"] and data["deadline"] <= data["opens_at"]:
            self.add_error("deadline_date", _("The deadline must be after the opening."))
        return data


class AvailabilityForm(forms.Form):
    staff_member = forms.ModelChoiceField(label=_("Teacher"), queryset=StaffMember.objects.none(), empty_label=None)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    time_from = forms.TimeField(label=_("From"), widget=TIME_WIDGET)
    time_until = forms.TimeField(label=_("Until"), widget=TIME_WIDGET)
    break_from = forms.TimeField(label=_("Break from"), widget=TIME_WIDGET, required=False)
    break_until = forms.TimeField(label=_("Break until"), widget=TIME_WIDGET, required=False)
    location = forms.CharField(
        label=_("Place"), max_length=100, required=False, help_text=_("For example the classroom.")
    )

    def __init__(self, *args: Any, school: School, teachers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["staff_member"].queryset = teachers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = school_zone(self.school)
        data["starts_at"] = _moment(data, "date", "time_from", zone)
        data["ends_at"] = _moment(data, "date", "time_until", zone)
        data["break_starts_at"] = _moment(data, "date", "break_from", zone)
        data["break_ends_at"] = _moment(data, "date", "break_until", zone)
        return data
