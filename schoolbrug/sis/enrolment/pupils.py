"""Enrolling a pupil, placing him in a group of the current or next school year, and marking him
as left on a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from schoolbrug.accounts.models import Account

from .. import policies
from ..dates import school_today
from ..decorators import staff_required
from ..forms import DATE_WIDGET, PupilForm
from ..models import Group, Placement, Pupil, School, StaffMember
from .common import placement_groups, posted, record_change, require_editor


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:  # type: ignore[override]
        return f"{obj.year.name} · {obj.name}"


class EnrolmentForm(PupilForm):
    group = GroupChoiceField(
        label=capfirst(gettext_lazy("group")),
        queryset=Group.objects.none(),
        required=False,
        help_text=gettext_lazy("A group of the current or the next school year; you can also place the pupil later."),
    )

    class Meta(PupilForm.Meta):
        fields = [
            "first_name", "called_name", "prefix", "last_name", "birth_date", "sex",
            "street", "house_number", "house_number_suffix", "postcode", "city", "phone",
            "address_secret", "status", "enrolled_on", "remark",
        ]  # fmt: skip

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["group"].queryset = placement_groups(school)  # type: ignore[attr-defined]
        # A new pupil is registered or expected; "left" is reached through leaving.
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [(value, label) for value, label in Pupil.Status.choices if value != Pupil.Status.LEFT]
        self.fields["enrolled_on"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last, born = data.get("first_name"), data.get("last_name"), data.get("birth_date")
        if first and last and born:
            twin = Pupil.objects.filter(
                school=self.school, first_name__iexact=first, last_name__iexact=last, birth_date=born
            ).first()
            if twin is not None:
                raise ValidationError(
                    _("%(name)s, born on the same day, is already registered at this school.")
                    % {"name": twin.full_name},
                    code="duplicate",
                )
        return data


class PlacementForm(forms.Form):
    group = GroupChoiceField(label=capfirst(gettext_lazy("group")), queryset=Group.objects.none())

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = placement_groups(school)  # type: ignore[attr-defined]


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=capfirst(gettext_lazy("date of leaving")), widget=DATE_WIDGET)

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pupil = pupil

    def clean_left_on(self) -> dt.date:
        left_on: dt.date = self.cleaned_data["left_on"]
        if self.pupil.enrolled_on and left_on < self.pupil.enrolled_on:
            raise ValidationError(_("The date of leaving must not lie before the date of registration."))
        if left_on > school_today(self.pupil.school):
            # Leaving takes the portal away from the guardians at once, so it waits for the day.
            raise ValidationError(_("Mark the pupil as left on or after the day he leaves, not in advance."))
        return left_on


# --- writes -------------------------------------------------------------------------------


def _check_group(pupil: Pupil, group: Group) -> None:
    if not placement_groups(pupil.school).filter(pk=group.pk).exists():
        raise ValidationError(_("Choose a group of the current or the next school year."), code="group")


@transaction.atomic
def pupil_enrol(*, actor: Account, school: School, data: dict[str, Any], group: Group | None) -> Pupil:
    if policies.application_admin_of(actor, school.pk) is None:
        raise PermissionDenied
    pupil = Pupil(school=school, **data)
    pupil.full_clean()
    pupil.save()
    placed: dict[str, Any] = {}
    if group is not None:
        _check_group(pupil, group)
        Placement.objects.create(pupil=pupil, group=group, year=group.year)
        placed = {"group": group.name, "school_year": group.year.name}
    record_change(actor=actor, pupil=pupil, data={"change": "enrolled", **placed})
    return pupil


@transaction.atomic
def pupil_place(*, actor: Account, pupil: Pupil, group: Group) -> Placement:
    """Puts the pupil in `group` for its school year, moving him if he already had a group then."""
    require_editor(actor, pupil)
    _check_group(pupil, group)
    placement = Placement.objects.select_for_update().filter(pupil=pupil, year=group.year).first()
    previous = placement.group.name if placement is not None else ""
    if placement is None:
        placement = Placement.objects.create(pupil=pupil, group=group, year=group.year)
    elif placement.group_id != group.pk:
        placement.group = group
        placement.save(update_fields=["group"])
    else:
        return placement
    record_change(
        actor=actor,
        pupil=pupil,
        data={"change": "placed", "school_year": group.year.name, "group": {"old": previous, "new": group.name}},
    )
    return placement


@transaction.atomic
def pupil_mark_left(*, actor: Account, pupil: Pupil, left_on: dt.date) -> Pupil:
    """Marks the pupil as left (never deleted: his file stays readable). A place in a year that
    starts after he left is withdrawn; the groups he was in stay his school career."""
    require_editor(actor, pupil)
    pupil.status = Pupil.Status.LEFT
    pupil.left_on = left_on
    pupil.full_clean()
    pupil.save(update_fields=["status", "left_on", "updated_at"])
    withdrawn, _count = Placement.objects.filter(pupil=pupil, year__start_date__gt=left_on).delete()
    record_change(
        actor=actor,
        pupil=pupil,
        data={"change": "left", "left_on": left_on.isoformat(), "placements_withdrawn": withdrawn},
    )
    return pupil


# --- pages --------------------------------------------------------------------------------


@staff_required
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    staff: StaffMember = policies.require_application_admin(request.user)
    initial: dict[str, Any] = {"enrolled_on": school_today(staff.school)}
    wanted_group = request.GET.get("group", "")
    if wanted_group.isdigit():
        initial["group"] = placement_groups(staff.school).filter(pk=wanted_group).first()
    form = EnrolmentForm(posted(request), initial=initial, school=staff.school)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "group"}
        try:
            pupil = pupil_enrol(actor=request.user, school=staff.school, data=data, group=form.cleaned_data["group"])  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s has been enrolled.") % {"name": pupil.full_name})
            return redirect("staff:pupil", pupil_id=pupil.pk)
    return render(request, "sis/enrolment/enrol.html", {"form": form})


@staff_required
@never_cache
def placement(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = policies.get_pupil_for_editor_or_404(request.user, pupil_id)
    current = list(
        Placement.objects.filter(pupil=pupil, year__in=placement_groups(pupil.school).values("year"))
        .select_related("group", "year")
        .order_by("year__start_date")
    )
    form = PlacementForm(posted(request), school=pupil.school)
    if request.method == "POST" and form.is_valid():
        group: Group = form.cleaned_data["group"]
        try:
            pupil_place(actor=request.user, pupil=pupil, group=group)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is placed in %(group)s for %(year)s.")
                % {"name": pupil.display_name, "group": group.name, "year": group.year.name},
            )
            return redirect("staff:pupil", pupil_id=pupil.pk)
    return render(request, "sis/enrolment/placement.html", {"pupil": pupil, "form": form, "current": current})


@staff_required
@never_cache
def leave(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = policies.get_pupil_for_editor_or_404(request.user, pupil_id)
    form = LeaveForm(posted(request), pupil=pupil, initial={"left_on": school_today(pupil.school)})
    if request.method == "POST" and form.is_valid():
        try:
            pupil_mark_left(actor=request.user, pupil=pupil, left_on=form.cleaned_data["left_on"])  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is marked as left.") % {"name": pupil.full_name})
            return redirect("staff:pupil", pupil_id=pupil.pk)
    return render(request, "sis/enrolment/leave.html", {"pupil": pupil, "form": form})
