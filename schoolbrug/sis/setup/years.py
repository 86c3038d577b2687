"""School years: the list, editing one, choosing the current one, and creating the next year.

The database allows one current year per school (constraint `schoolyear_one_current_per_school`);
making a year current therefore first lets go of the old current year, in one transaction.
Moving pupils to next year's groups is the rollover wizard's work, not this page's.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from schoolbrug.accounts.models import Account
from schoolbrug.core import confirm

from .. import policies
from ..decorators import staff_required
from ..forms import DATE_WIDGET
from ..models import School, SchoolYear
from .common import actor_of, admin_of, changed_fields, record_setup, stored_values

_NAME = re.compile(r"^(\d{4})\s*[-/]\s*(\d{4})$")


# Forms ---------------------------------------------------------------------------------------


class SchoolYearForm(forms.ModelForm):
    class Meta:
        model = SchoolYear
        fields = ["name", "start_date", "end_date", "is_current"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", gettext_lazy("The last day must come after the first day."))
        if start and end and (end - start).days > 400:
            self.add_error("end_date", gettext_lazy("A school year cannot last longer than about a year."))
        return data


# Reads and writes ----------------------------------------------------------------------------


def next_year_proposal(latest: SchoolYear) -> tuple[str, dt.date, dt.date]:
    """Next year's name and dates: the same weekdays 52 weeks later (a week more when the
    calendar would drift earlier by more than three days), so a Monday start stays a Monday."""
    start = latest.start_date + dt.timedelta(weeks=52)
    end = latest.end_date + dt.timedelta(weeks=52)
    same_date = _same_date_next_year(latest.start_date)
    if (same_date - start).days > 3:
        start += dt.timedelta(weeks=1)
        end += dt.timedelta(weeks=1)
    match = _NAME.match(latest.name.strip())
    name = f"{int(match.group(1)) + 1}-{int(match.group(2)) + 1}" if match else f"{start.year}-{end.year}"
    return name, start, end


def _same_date_next_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def rollover_url() -> str:
    """The rollover wizard's address when that feature is installed; empty otherwise."""
    try:
        return reverse("staff:rollover")
    except NoReverseMatch:
        return ""


def _check(actor: Account, school: School) -> None:
    if policies.application_admin_of(actor, school.pk) is None:
        raise PermissionDenied


def _make_current(year: SchoolYear) -> None:
    # Let go of the old current year first: the constraint allows one at a time.
    SchoolYear.objects.filter(school_id=year.school_id, is_current=True).exclude(pk=year.pk).update(is_current=False)


@transaction.atomic
def school_year_save(*, actor: Account, school: School, form: SchoolYearForm) -> SchoolYear:
    _check(actor, school)
    year = form.instance
    stored = stored_values(year, form.Meta.fields)
    if stored.get("is_current") and not form.cleaned_data["is_current"]:
        raise ValidationError(
            _("A school always has a current school year: make another year current instead."), code="keep_current"
        )
    year = form.save(commit=False)
    year.school = school
    if year.is_current:
        _make_current(year)
    year.save()
    changed = changed_fields(year, stored)
    if changed:
        record_setup(
            actor=actor, school_id=school.pk, subject=year.name, what="school_year", action="changed", fields=changed
        )
    return year


@transaction.atomic
def school_year_create_next(*, actor: Account, school: School) -> SchoolYear:
    _check(actor, school)
    latest = SchoolYear.objects.select_for_update().filter(school=school).order_by("-start_date").first()
    if latest is None:
        raise ValidationError(_("This school has no school year yet to continue from."), code="no_year")
    name, start, end = next_year_proposal(latest)
    if SchoolYear.objects.filter(school=school, name=name).exists():
        raise ValidationError(_("School year %(name)s already exists."), code="exists", params={"name": name})
    year = SchoolYear.objects.create(school=school, name=name, start_date=start, end_date=end, is_current=False)
    record_setup(actor=actor, school_id=school.pk, subject=year.name, what="school_year", action="created")
    return year


# Pages ----------------------------------------------------------------------------------------


@staff_required
def year_list(request: HttpRequest) -> HttpResponse:
    school = admin_of(request).school
    years = list(SchoolYear.objects.filter(school=school).annotate(group_count=Count("groups")).order_by("-start_date"))
    proposal = next_year_proposal(years[0]) if years else None
    context = {"years": years, "proposal": proposal, "rollover_url": rollover_url()}
    return render(request, "sis/setup/years.html", context)


@staff_required
@never_cache
def year_edit(request: HttpRequest, year_id: int) -> HttpResponse:
    school = admin_of(request).school
    year = get_object_or_404(SchoolYear, pk=year_id, school=school)
    form = SchoolYearForm(request.POST or None, instance=year)
    if request.method == "POST" and form.is_valid():
        try:
            year = school_year_save(actor=actor_of(request), school=school, form=form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("School year %(name)s has been saved.") % {"name": year.name})
            return redirect("staff:setup-years")
    return render(request, "sis/setup/year_edit.html", {"form": form, "year": year})


@staff_required
def year_create_next(request: HttpRequest) -> HttpResponse:
    school = admin_of(request).school
    latest = SchoolYear.objects.filter(school=school).order_by("-start_date").first()
    if latest is None:
        messages.error(request, _("This school has no school year yet to continue from."))
        return redirect("staff:setup-years")
    name, start, end = next_year_proposal(latest)
    if not confirm.is_confirmed(request):
        return confirm.confirmation_page(
            request,
            question=_("Create the next school year?"),
            subject=name,
            consequence=_(
                "The year runs from %(start)s to %(end)s; you can change its dates afterwards. It does not become "
                "the current year, and no groups or pupils move yet."
            )
            % {"start": f"{start:%d-%m-%Y}", "end": f"{end:%d-%m-%Y}"},
            button=_("Create school year"),
            cancel_url=reverse("staff:setup-years"),
        )
    try:
        year = school_year_create_next(actor=actor_of(request), school=school)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("School year %(name)s has been created.") % {"name": year.name})
    return redirect("staff:setup-years")
