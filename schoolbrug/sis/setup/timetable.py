"""The timetable of a group: lessons per weekday, with their times and subject."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from schoolbrug.accounts.models import Account
from schoolbrug.core import confirm

from .. import policies
from ..decorators import staff_required
from ..models import Group, School, TimetableEntry
from .common import actor_of, admin_of, changed_fields, record_setup, stored_values

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TimetableEntryForm(forms.ModelForm):
    class Meta:
        model = TimetableEntry
        fields = ["weekday", "start_time", "end_time", "subject"]
        widgets = {"start_time": TIME_WIDGET, "end_time": TIME_WIDGET}

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", gettext_lazy("The lesson must end after it starts."))
        return data


def _check(actor: Account, school: School, group: Group) -> None:
    if policies.application_admin_of(actor, school.pk) is None or group.school_id != school.pk:
        raise PermissionDenied


def _subject(group: Group) -> str:
    return f"{group.name} ({group.year.name})"


@transaction.atomic
def timetable_entry_save(*, actor: Account, school: School, group: Group, form: TimetableEntryForm) -> TimetableEntry:
    _check(actor, school, group)
    entry = form.instance
    creating = entry.pk is None
    stored = stored_values(entry, form.Meta.fields)
    entry.group = group
    entry = form.save()
    changed = changed_fields(entry, stored)
    if creating or changed:
        record_setup(
            actor=actor,
            school_id=school.pk,
            subject=_subject(group),
            what="timetable",
            action="created" if creating else "changed",
            fields=[] if creating else changed,
        )
    return entry


@transaction.atomic
def timetable_entry_delete(*, actor: Account, school: School, entry: TimetableEntry) -> None:
    _check(actor, school, entry.group)
    entry.delete()
    record_setup(actor=actor, school_id=school.pk, subject=_subject(entry.group), what="timetable", action="removed")


def _lesson_label(entry: TimetableEntry) -> str:
    return f"{entry.get_weekday_display()} {entry.start_time:%H:%M}\N{EN DASH}{entry.end_time:%H:%M} {entry.subject}"


def _group_of(request: HttpRequest, group_id: int) -> tuple[School, Group]:
    school = admin_of(request).school
    return school, get_object_or_404(Group.objects.select_related("year"), pk=group_id, school=school)


@staff_required
@never_cache
def timetable(request: HttpRequest, group_id: int) -> HttpResponse:
    """The group's lessons, with a form to add one."""
    school, group = _group_of(request, group_id)
    form = TimetableEntryForm(request.POST or None, instance=TimetableEntry(group=group))
    if request.method == "POST" and form.is_valid():
        timetable_entry_save(actor=actor_of(request), school=school, group=group, form=form)
        messages.success(request, _("The lesson has been added."))
        return redirect("staff:setup-timetable", group_id=group.pk)
    entries = list(TimetableEntry.objects.filter(group=group))
    return render(request, "sis/setup/timetable.html", {"group": group, "entries": entries, "form": form})


@staff_required
@never_cache
def timetable_entry_edit(request: HttpRequest, group_id: int, entry_id: int) -> HttpResponse:
    school, group = _group_of(request, group_id)
    entry = get_object_or_404(TimetableEntry, pk=entry_id, group=group)
    form = TimetableEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        timetable_entry_save(actor=actor_of(request), school=school, group=group, form=form)
        messages.success(request, _("The lesson has been saved."))
        return redirect("staff:setup-timetable", group_id=group.pk)
    return render(request, "sis/setup/timetable_entry_edit.html", {"group": group, "entry": entry, "form": form})


@staff_required
def timetable_entry_remove(request: HttpRequest, group_id: int, entry_id: int) -> HttpResponse:
    school, group = _group_of(request, group_id)
    entry = get_object_or_404(TimetableEntry.objects.select_related("group__year"), pk=entry_id, group=group)
    back = reverse("staff:setup-timetable", args=[group.pk])
    if not confirm.is_confirmed(request):
        return confirm.confirmation_page(
            request,
            question=_("Remove this lesson from the timetable?"),
            subject=_lesson_label(entry),
            consequence=_("The lesson disappears from the timetable of %(group)s.") % {"group": group.name},
            button=_("Remove lesson"),
            cancel_url=back,
        )
    timetable_entry_delete(actor=actor_of(request), school=school, entry=entry)
    messages.success(request, _("The lesson has been removed."))
    return redirect(back)
