"""What several staff pages of the pupil file do alike: the school year asked for in the
address, a service's refusal shown above a formset, and the pages of a school-wide list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from schoolbrug.sis.models import School, SchoolYear
from schoolbrug.sis.policies import is_application_admin, require_staff_member

from ..forms.common import add_service_error


def chosen_year(request: HttpRequest, years: Sequence[SchoolYear]) -> SchoolYear | None:
    """`?year=<id>` among `years` (another id: 404); else the current year, else the first."""
    year_id = request.GET.get("year")
    if year_id:
        year = next((y for y in years if str(y.pk) == year_id), None)
        if year is None:
            raise Http404
        return year
    return next((y for y in years if y.is_current), years[0] if years else None)


def show_service_error(formset: forms.BaseFormSet[Any], error: ValidationError) -> None:
    """A refusal of the whole set (naming the pupils) goes above the rows."""
    formset._non_form_errors = formset.error_class(error.messages)  # type: ignore[attr-defined]


def school_list_page(
    request: HttpRequest, template: str, *, name: str, rows_of: Callable[[School], object]
) -> HttpResponse:
    """A school's own list (absence reasons, note categories): read by all staff, changed by
    application administrators."""
    staff = require_staff_member(request.user)
    context = {name: rows_of(staff.school), "can_manage": is_application_admin(request.user)}
    return render(request, template, context)


def school_list_edit(
    request: HttpRequest,
    form: forms.ModelForm[Any],
    *,
    save: Callable[[dict[str, Any]], object],
    saved_message: str,
    success_url: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Edit page of one row of a school's own list (absence reasons, note categories)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, saved_message)
            return redirect(success_url)
    return render(request, template, {"form": form, **context})
