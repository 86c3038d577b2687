"""The rollover wizard's forms: which mixed groups to split (a GET form that redraws the
proposal), the year's settings, and the names, staff and pupils of each proposed group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ..models import Group
from .services import LEAVES, ProposedGroup, PupilMove, RolloverChoices, RolloverPlan

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOW, AT_START = "now", "start"


def split_choices(plan: RolloverPlan) -> list[tuple[str, str]]:
    return [(str(source.group.pk), source.group.name) for source in plan.mixed_groups]


class SplitForm(forms.Form):
    split = forms.MultipleChoiceField(
        label=_("Split these mixed groups by year level"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A mixed group that is not split moves up together: 3/4 becomes 4/5."),
    )

    def __init__(self, plan: RolloverPlan, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "redraw_%s")  # the confirm form carries a field "split" too
        super().__init__(*args, **kwargs)
        self.fields["split"].choices = split_choices(plan)  # type: ignore[attr-defined]

    def split_ids(self) -> frozenset[int]:
        if not self.is_valid():
            return frozenset()
        return frozenset(int(value) for value in self.cleaned_data["split"])


class SettingsForm(forms.Form):
    """The new year's dates (when it does not exist yet), the leaving date and the switch."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    source_year = forms.IntegerField(widget=forms.HiddenInput)
    split = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    year_name = forms.CharField(label=_("Name of the new school year"), max_length=20)
    start_date = forms.DateField(label=_("First day of the new school year"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Last day of the new school year"), widget=DATE_WIDGET)
    leave_date = forms.DateField(
        label=_("Date of leaving for the pupils who leave the school"),
        widget=DATE_WIDGET,
        help_text=_("Their guardians keep access to the portal until this date."),
    )
    make_current = forms.ChoiceField(
        label=_("When does the new year become the current school year?"),
        widget=forms.RadioSelect,
        choices=[
            (NOW, _("Now: teachers and guardians see the new groups at once")),
            (AT_START, _("On its first day")),
        ],
    )

    def __init__(self, plan: RolloverPlan, today: dt.date, *args: Any, **kwargs: Any) -> None:
        source = plan.source_year
        assert source is not None and plan.start_date is not None
        kwargs["initial"] = {
            "fingerprint": plan.fingerprint,
            "source_year": source.pk,
            "split": [str(s.group.pk) for s in plan.source_groups if s.split],
            "year_name": plan.year_name,
            "start_date": plan.start_date,
            "end_date": plan.end_date,
            "leave_date": source.end_date,
            "make_current": NOW if today >= plan.start_date else AT_START,
        }
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["split"].choices = split_choices(plan)  # type: ignore[attr-defined]
        if plan.target_year is not None:
            # The year exists already (made on the school years page): its dates are not asked.
            for name in ("year_name", "start_date", "end_date"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        source = self.plan.source_year
        if start and end and end <= start:
            self.add_error("end_date", _("The last day lies before the first day."))
        if start and source and start <= source.end_date:
            self.add_error("start_date", _("The new school year must start after the current one ends."))
        name = cleaned.get("year_name")
        if name and self.plan.school.years.filter(name=name.strip()).exists():
            self.add_error("year_name", _("A school year with this name exists already."))
        return cleaned


@dataclass
class GroupSection:
    key: str  # the proposed group's key, or LEAVES for the pupils who leave the school
    group: ProposedGroup | None
    name: forms.BoundField | None
    staff: forms.BoundField | None
    move_to: forms.BoundField
    pupils: list[PupilMove]

    @property
    def label(self) -> str:
        # Each table region needs a name of its own (two regions called "Pupils" confuse a reader).
        if self.group is None:
            return str(_("Pupils who leave the school"))
        return str(_("Pupils of %(name)s") % {"name": self.group.name})


class GroupsForm(forms.Form):
    """Per proposed group its name and whether its staff come along; pupils are moved per group:
    tick them, choose where they go. Only ticked pupils are sent, so a school of a thousand
    pupils stays far below the number of fields a request may carry."""

    move = forms.TypedMultipleChoiceField(required=False, coerce=int)

    def __init__(self, plan: RolloverPlan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["move"].choices = [(move.pupil.pk, move.pupil.full_name) for move in plan.moves]  # type: ignore[attr-defined]
        leaves = str(_("Leaves the school"))
        targets = [(g.key, g.name) for g in plan.groups] + [(LEAVES, leaves)]
        for group in plan.groups:
            self.fields[f"name_{group.key}"] = forms.CharField(
                label=_("Name next year"), max_length=Group._meta.get_field("name").max_length, initial=group.name
            )
            if group.staff_links:
                self.fields[f"staff_{group.key}"] = forms.BooleanField(
                    label=_("Carry over the staff: %(names)s") % {"names": ", ".join(group.teacher_names)},
                    required=False,
                    initial=True,
                )
        for key, name in targets:
            self.fields[f"move_to_{key}"] = forms.ChoiceField(
                label=_("Move the ticked pupils of %(name)s to") % {"name": name},
                required=False,
                choices=[("", _("(choose a group)")), *((k, n) for k, n in targets if k != key)],
            )

    def ticked(self) -> set[int]:
        if not self.is_bound:
            return set()
        values = self.data.getlist("move") if isinstance(self.data, QueryDict) else self.data.get("move", [])
        return {int(value) for value in values if str(value).isdigit() and len(str(value)) < 12}

    def sections(self) -> list[GroupSection]:
        """The form's fields in the order the page shows them: each proposed group, then the leavers."""
        sections = [
            GroupSection(
                key=group.key,
                group=group,
                name=self[f"name_{group.key}"],
                staff=self[f"staff_{group.key}"] if group.staff_links else None,
                move_to=self[f"move_to_{group.key}"],
                pupils=group.pupils,
            )
            for group in self.plan.groups
        ]
        leavers = GroupSection(
            key=LEAVES, group=None, name=None, staff=None, move_to=self[f"move_to_{LEAVES}"], pupils=self.plan.leavers
        )
        return [*sections, leavers]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: set[str] = set()
        for group in self.plan.groups:
            name = (cleaned.get(f"name_{group.key}") or "").strip()
            if name and name.casefold() in seen:
                self.add_error(f"name_{group.key}", _("Another group has this name already."))
            seen.add(name.casefold())
        ticked = set(cleaned.get("move") or ())
        for key in {move.target for move in self.plan.moves if move.pupil.pk in ticked}:
            if f"move_to_{key}" in cleaned and not cleaned[f"move_to_{key}"]:
                self.add_error(f"move_to_{key}", _("Choose where the ticked pupils go."))
        return cleaned

    def targets(self) -> dict[int, str]:
        """The proposed group (or LEAVES) of each pupil the administrator moved."""
        ticked = set(self.cleaned_data["move"])
        return {
            move.pupil.pk: self.cleaned_data[f"move_to_{move.target}"]
            for move in self.plan.moves
            if move.pupil.pk in ticked and self.cleaned_data.get(f"move_to_{move.target}")
        }


def choices_from(settings: SettingsForm, groups: GroupsForm) -> RolloverChoices:
    data, plan = settings.cleaned_data, groups.plan
    return RolloverChoices(
        fingerprint=data["fingerprint"],
        leave_date=data["leave_date"],
        make_current=data["make_current"] == NOW,
        source_year_id=data["source_year"],
        split_groups=frozenset(int(value) for value in data["split"]),
        year_name=data.get("year_name", ""),
        start_date=data.get("start_date"),
        end_date=data.get("end_date"),
        group_names={g.key: groups.cleaned_data[f"name_{g.key}"].strip() for g in plan.groups},
        carry_staff=frozenset(g.key for g in plan.groups if groups.cleaned_data.get(f"staff_{g.key}")),
        targets=groups.targets(),
    )
