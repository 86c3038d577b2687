"""Filters of the guardian account overview (ACC-5); a GET form, so the filters live in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Group, School

YES, NO = "yes", "no"
TRI_STATE_CHOICES = [("", _("all")), (YES, _("yes")), (NO, _("no"))]
FILTER_FIELDS = ("group", "name", "active", "invited", "activated", "reachable")


@dataclass(frozen=True)
class GuardianAccountFilters:
    """Validated filters; None means "not filtered"."""

    group: Group | None = None
    name: str = ""
    active: bool | None = None
    invited: bool | None = None
    activated: bool | None = None
    # "Reachable in app" (ACC-5): selectors.reachable_in_app.
    reachable: bool | None = None

    def describe(self) -> dict[str, str]:
        """The filters in use, as plain values for the audit log and the export."""
        described: dict[str, str] = {}
        if self.group is not None:
            described["group"] = self.group.name
        if self.name:
            described["name"] = self.name
        for key in ("active", "invited", "activated", "reachable"):
            value = getattr(self, key)
            if value is not None:
                described[key] = YES if value else NO
        return described


def _tri_state(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


class GuardianAccountFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=Group.objects.none(), required=False, empty_label=_("all groups")
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False, strip=True)
    active = forms.ChoiceField(label=_("Account active"), choices=TRI_STATE_CHOICES, required=False)
    invited = forms.ChoiceField(label=_("Invited"), choices=TRI_STATE_CHOICES, required=False)
    activated = forms.ChoiceField(label=_("Activated"), choices=TRI_STATE_CHOICES, required=False)
    reachable = forms.ChoiceField(label=_("Reachable in app"), choices=TRI_STATE_CHOICES, required=False)

    def __init__(self, data: Any = None, *, school: School, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ModelChoiceField)
        # Only this school's groups of the current year: a group id of another school is
        # an invalid choice, never a way to list someone else's guardians.
        group_field.queryset = Group.objects.filter(school=school, year__is_current=True).order_by("name")
        group_field.error_messages["invalid_choice"] = _("Choose one of this school year's groups.")

    def filters(self) -> GuardianAccountFilters:
        """The filters of a valid form (call is_valid() first)."""
        data = self.cleaned_data
        return GuardianAccountFilters(
            group=data.get("group"),
            name=data.get("name", ""),
            active=_tri_state(data.get("active", "")),
            invited=_tri_state(data.get("invited", "")),
            activated=_tri_state(data.get("activated", "")),
            reachable=_tri_state(data.get("reachable", "")),
        )

    def querystring_items(self) -> list[tuple[str, str]]:
        """The submitted filter values, to carry them to the next page (confirm, export)."""
        if not self.is_bound:
            return []
        return [(key, str(self.data.get(key, ""))) for key in FILTER_FIELDS if self.data.get(key)]
