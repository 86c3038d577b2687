"""Groups per school year: name, classroom and year levels (a mixed group such as 3/4 has two)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from schoolbrug.accounts.models import Account

from .. import policies
from ..decorators import staff_required
from ..models import Group, GroupStaff, GroupYearLevel, School, SchoolYear
from .common import actor_of, admin_of, changed_fields, record_setup, stored_values

LEVEL_CHOICES = [(level, str(level)) for level in range(1, 9)]


# Forms ---------------------------------------------------------------------------------------


class GroupForm(forms.ModelForm):
    levels = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Year levels"),
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick two or more for a mixed group, such as 3 and 4."),
        error_messages={"required": gettext_lazy("Choose at least one year level.")},
    )

    class Meta:
        model = Group
        fields = ["name", "classroom"]

    def __init__(self, *args: Any, year: SchoolYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        if self.instance.pk is not None:
            self.initial["levels"] = [level.level for level in self.instance.year_levels.all()]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        taken = Group.objects.filter(year=self.year, name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                gettext_lazy("School year %(year)s already has a group with this name."),
                code="taken",
                params={"year": self.year.name},
            )
        return name


# Reads and writes ----------------------------------------------------------------------------


def groups_of_year(year: SchoolYear) -> QuerySet[Group]:
    """The set-up list: levels, teachers and pupil counts in a fixed number of queries."""
    return (
        Group.objects.filter(year=year)
        .annotate(pupil_count=Count("placements", distinct=True))
        .prefetch_related(
            "year_levels",
            Prefetch(
                "staff_links",
                queryset=GroupStaff.objects.filter(is_teacher=True).select_related("staff_member"),
                to_attr="teacher_links",
            ),
        )
        .order_by("name")
    )


@transaction.atomic
def group_save(*, actor: Account, school: School, year: SchoolYear, form: GroupForm) -> Group:
    if policies.application_admin_of(actor, school.pk) is None or year.school_id != school.pk:
        raise PermissionDenied
    group = form.instance
    creating = group.pk is None
    stored = stored_values(group, form.Meta.fields)
    old_levels = [] if creating else sorted(group.year_levels.values_list("level", flat=True))
    group.school = school
    group.year = year
    group = form.save()
    levels = sorted(set(form.cleaned_data["levels"]))
    if levels != old_levels:
        GroupYearLevel.objects.filter(group=group).exclude(level__in=levels).delete()
        GroupYearLevel.objects.bulk_create(
            [GroupYearLevel(group=group, level=level) for level in levels if level not in old_levels]
        )
    changed = changed_fields(group, stored) + (["year_levels"] if levels != old_levels and not creating else [])
    if creating or changed:
        record_setup(
            actor=actor,
            school_id=school.pk,
            subject=f"{group.name} ({year.name})",
            what="group",
            action="created" if creating else "changed",
            fields=[] if creating else changed,
        )
    return group


def _year_for(request: HttpRequest, school: School) -> tuple[list[SchoolYear], SchoolYear | None]:
    years = list(SchoolYear.objects.filter(school=school).order_by("-start_date"))
    wanted = request.GET.get("year", "")
    if wanted:
        year = next((y for y in years if str(y.pk) == wanted), None)
        if year is None:
            raise Http404
        return years, year
    return years, next((y for y in years if y.is_current), years[0] if years else None)


# Pages ----------------------------------------------------------------------------------------


@staff_required
def group_list(request: HttpRequest) -> HttpResponse:
    school = admin_of(request).school
    years, year = _year_for(request, school)
    groups = list(groups_of_year(year)) if year is not None else []
    return render(request, "sis/setup/groups.html", {"years": years, "year": year, "groups": groups})


@staff_required
@never_cache
def group_edit(request: HttpRequest, group_id: int | None = None) -> HttpResponse:
    school = admin_of(request).school
    if group_id is not None:
        group = get_object_or_404(Group.objects.select_related("year"), pk=group_id, school=school)
        year = group.year
    else:
        _years, found = _year_for(request, school)
        if found is None:
            raise Http404
        year = found
        group = Group(school=school, year=year)
    form = GroupForm(request.POST or None, instance=group, year=year)
    if request.method == "POST" and form.is_valid():
        group = group_save(actor=actor_of(request), school=school, year=year, form=form)
        messages.success(request, _("Group %(name)s has been saved.") % {"name": group.name})
        return redirect(f"{reverse('staff:setup-groups')}?year={year.pk}")
    return render(request, "sis/setup/group_edit.html", {"form": form, "group": group, "year": year})
