"""Forms for news items and the overview filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schoolbrug.core.forms import ModelMultipleIdChoiceField
from schoolbrug.sis.models import Group, School

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _groups(school: School) -> Any:
    return Group.objects.filter(school=school, year__is_current=True).order_by("name")


class NewsForm(forms.Form):
    subject = forms.CharField(label=pgettext_lazy("message", "Subject"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_(
            "Formatting: **bold**, *italic*, a line starting with - or 1. for a list, "
            "[text](https://...) for a link, # for a heading. An empty line starts a new paragraph."
        ),
    )
    publish_from = forms.DateField(label=_("Publish from"), widget=DATE_WIDGET)
    publish_until = forms.DateField(
        label=_("Publish until"), widget=DATE_WIDGET, required=False, help_text=_("Empty: no end.")
    )
    groups = ModelMultipleIdChoiceField(
        label=_("Groups"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: all groups."),
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = _groups(school)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("publish_from"), data.get("publish_until")
        if start and end and end < start:
            self.add_error("publish_until", _("Publication ends before it starts."))
        return data


class NewsFilterForm(forms.Form):
    subject = forms.CharField(label=_("Subject contains"), max_length=200, required=False)
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none(), required=False)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = _groups(school)  # type: ignore[attr-defined]
