"""The form for a year-plan activity: a day (or days) with times, or whole days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.forms import ModelMultipleIdChoiceField
from schoolbrug.sis.dates import local_datetime, school_zone
from schoolbrug.sis.models import Group, School

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date_from = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    date_until = forms.DateField(
        label=_("Until date"), widget=DATE_WIDGET, required=False, help_text=_("Empty: the same day.")
    )
    all_day = forms.BooleanField(label=_("All day"), required=False)
    time_from = forms.TimeField(label=_("From"), widget=TIME_WIDGET, required=False)
    time_until = forms.TimeField(label=_("Until"), widget=TIME_WIDGET, required=False)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    groups = ModelMultipleIdChoiceField(
        label=_("Groups"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: the whole school."),
    )
    publish_on_portal = forms.BooleanField(label=_("Publish on the portal"), required=False)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["groups"].queryset = Group.objects.filter(school=school, year__is_current=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first: dt.date | None = data.get("date_from")
        if first is None:
            return data
        last: dt.date = data.get("date_until") or first
        zone = school_zone(self.school)
        if data.get("all_day"):
            if last < first:
                self.add_error("date_until", _("The activity ends before it starts."))
                return data
            data["starts_at"] = local_datetime(first, None, zone)
            data["ends_at"] = local_datetime(last + dt.timedelta(days=1), None, zone)
            return data
        if data.get("time_from") is None:
            self.add_error("time_from", _("Enter a start time, or tick 'All day'."))
            return data
        starts_at = local_datetime(first, data["time_from"], zone)
        ends_at = local_datetime(last, data.get("time_until") or data["time_from"], zone)
        if ends_at < starts_at:
            self.add_error("time_until", _("The activity ends before it starts."))
            return data
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data

    @staticmethod
    def initial_from(activity: Any, zone: Any) -> dict[str, Any]:
        start = activity.starts_at.astimezone(zone)
        end = activity.ends_at.astimezone(zone)
        last = (end - dt.timedelta(days=1)).date() if activity.all_day else end.date()
        return {
            "title": activity.title,
            "date_from": start.date(),
            "date_until": last if last != start.date() else None,
            "all_day": activity.all_day,
            "time_from": None if activity.all_day else start.time(),
            "time_until": None if activity.all_day else end.time(),
            "location": activity.location,
            "description": activity.description,
            "groups": list(activity.groups.all()),
            "publish_on_portal": activity.publish_on_portal,
        }
