"""School data (address, contact, BRIN and branch code, time zone) and the school's branches."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from schoolbrug.accounts.models import Account
from schoolbrug.core.models import normalise_postcode

from .. import policies
from ..decorators import staff_required
from ..models import Branch, School
from .common import actor_of, admin_of, changed_fields, record_setup, stored_values

ADDRESS_FIELDS = ["street", "house_number", "house_number_suffix", "postcode", "city"]


# The areas of the tz database's own names; aliases such as "US/Eastern" or "Etc/GMT+1" are left out.
AREAS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(name for name in zoneinfo.available_timezones() if name.startswith(AREAS))
    return [(name, name.replace("_", " ")) for name in names]


# Forms ---------------------------------------------------------------------------------------


class SchoolForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=capfirst(School._meta.get_field("time_zone").verbose_name), choices=time_zone_choices
    )

    class Meta:
        model = School
        fields = ["name", *ADDRESS_FIELDS, "phone", "email", "website", "brin", "branch_code", "time_zone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.time_zone
        choices = time_zone_choices()
        if current and current not in dict(choices):
            # A valid zone stored another way (the command line, a sync) stays choosable.
            time_zone = self.fields["time_zone"]
            assert isinstance(time_zone, forms.ChoiceField)
            time_zone.choices = [(current, current), *choices]

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def clean_brin(self) -> str:
        return str(self.cleaned_data.get("brin", "")).strip().upper()


class BranchForm(forms.ModelForm):
    class Meta:
        model = Branch
        fields = ["name", *ADDRESS_FIELDS, "phone"]

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data.get("postcode", ""))


# Writes ---------------------------------------------------------------------------------------


@transaction.atomic
def school_update(*, actor: Account, school: School, form: SchoolForm) -> School:
    if policies.application_admin_of(actor, school.pk) is None:
        raise PermissionDenied
    stored = stored_values(school, form.Meta.fields)
    school = form.save()
    changed = changed_fields(school, stored)
    if changed:
        record_setup(
            actor=actor, school_id=school.pk, subject=school.name, what="school", action="changed", fields=changed
        )
    return school


@transaction.atomic
def branch_save(*, actor: Account, school: School, form: BranchForm) -> Branch:
    if policies.application_admin_of(actor, school.pk) is None:
        raise PermissionDenied
    branch = form.instance
    creating = branch.pk is None
    stored = stored_values(branch, form.Meta.fields)
    branch.school = school
    branch = form.save()
    changed = form.Meta.fields if creating else changed_fields(branch, stored)
    if changed:
        record_setup(
            actor=actor,
            school_id=school.pk,
            subject=branch.name,
            what="branch",
            action="created" if creating else "changed",
            fields=[] if creating else changed,
        )
    return branch


# Pages ----------------------------------------------------------------------------------------


@staff_required
@never_cache
def school_edit(request: HttpRequest) -> HttpResponse:
    school = admin_of(request).school
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        school_update(actor=actor_of(request), school=school, form=form)
        messages.success(request, _("The school data have been saved."))
        return redirect("staff:setup-school")
    branches = list(Branch.objects.filter(school=school))
    return render(request, "sis/setup/school.html", {"school": school, "form": form, "branches": branches})


@staff_required
@never_cache
def branch_edit(request: HttpRequest, branch_id: int | None = None) -> HttpResponse:
    school = admin_of(request).school
    # Only branches of the administrator's own school exist for him.
    branch = get_object_or_404(Branch, pk=branch_id, school=school) if branch_id is not None else Branch(school=school)
    form = BranchForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.is_valid():
        branch = branch_save(actor=actor_of(request), school=school, form=form)
        messages.success(request, _("Branch %(name)s has been saved.") % {"name": branch.name})
        return redirect("staff:setup-school")
    return render(request, "sis/setup/branch_edit.html", {"form": form, "branch": branch})
