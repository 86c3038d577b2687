"""Staff pages for tests (REC-4): per group, enter a whole group's results at once; per pupil,
the results of a school year."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from schoolbrug.core.confirm import confirmation_page, is_confirmed
from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.models import Group, Pupil

from ..forms.results import (
    CurriculumResultFormSet,
    CurriculumTestForm,
    StandardisedResultFormSet,
    StandardisedTestForm,
)
from ..models import CurriculumTest, StandardisedTest
from ..policies import results as policies
from ..selectors import results as selectors
from ..services import results as services
from .common import chosen_year, show_service_error


@staff_required
def tests_home(request: HttpRequest) -> HttpResponse:
    groups = selectors.groups_for_results(user=request.user)
    return render(request, "records/result_groups.html", {"groups": groups})


def _group_page(
    request: HttpRequest,
    group_id: int,
    curriculum_form: CurriculumTestForm | None = None,
    standardised_form: StandardisedTestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    group = sis_policies.get_group_for_user_or_404(request.user, group_id)
    context = {
        "group": group,
        "curriculum_tests": selectors.curriculum_tests_of_group(group),
        "standardised_tests": selectors.standardised_tests_of_year(group, user=request.user),
        "curriculum_form": curriculum_form or CurriculumTestForm(prefix="curriculum"),
        "standardised_form": standardised_form or StandardisedTestForm(prefix="standardised"),
    }
    return render(request, "records/result_group.html", context, status=status)


@staff_required
def group_tests(request: HttpRequest, group_id: int) -> HttpResponse:
    return _group_page(request, group_id)


def _test_create(
    request: HttpRequest, group_id: int, form: forms.BaseForm, create: Callable[..., Any], entry_page: str
) -> HttpResponse | None:
    """On to the new test's entry page, or None when the form or the service refused it."""
    group = sis_policies.get_group_for_user_or_404(request.user, group_id)
    if form.is_valid():
        try:
            test = create(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(entry_page, group_id=group.pk, test_id=test.pk)
    return None


@staff_required
@require_POST
def curriculum_test_new(request: HttpRequest, group_id: int) -> HttpResponse:
    form = CurriculumTestForm(request.POST, prefix="curriculum")
    created = _test_create(request, group_id, form, services.curriculum_test_create, "records:curriculum-entry")
    if created is not None:
        return created
    return _group_page(request, group_id, curriculum_form=form, status=400)


@staff_required
@require_POST
def standardised_test_new(request: HttpRequest, group_id: int) -> HttpResponse:
    form = StandardisedTestForm(request.POST, prefix="standardised")
    created = _test_create(request, group_id, form, services.standardised_test_create, "records:standardised-entry")
    if created is not None:
        return created
    return _group_page(request, group_id, standardised_form=form, status=400)


@staff_required
@require_http_methods(["GET", "POST"])
@never_cache
def standardised_test_delete(request: HttpRequest, group_id: int, test_id: int) -> HttpResponse:
    group = sis_policies.get_group_for_user_or_404(request.user, group_id)
    test = policies.get_standardised_test_of_creator_or_404(request.user, group, test_id)
    back = redirect("records:group-tests", group_id=group.pk)
    if not policies.can_delete_standardised_test(request.user, test):
        messages.error(request, services.standardised_test_has_results_message())
        return back
    if not is_confirmed(request):
        return confirmation_page(
            request,
            question=_("Remove this standardised test?"),
            subject=f"{test} · {date_format(test.date, 'j F Y')}",
            consequence=_("Nobody has entered results for it yet. This cannot be undone."),
            button=_("Yes, remove the test"),
            cancel_url=reverse("records:group-tests", args=[group.pk]),
        )
    try:
        services.standardised_test_delete(actor=request.user, test=test)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The standardised test has been removed."))
    return back


def _entry_page(
    request: HttpRequest,
    group: Group,
    test: CurriculumTest | StandardisedTest,
    pupils: list[Pupil],
    formset: forms.BaseFormSet[Any],
    *,
    values_of: Callable[[list[Any]], dict[int, Any]],
    save: Callable[..., object],
    template: str,
) -> HttpResponse:
    """Shows a group's rows for one test; a valid post saves them all, or none (400)."""
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            values = values_of(formset.forms)
            try:
                save(actor=request.user, test=test, group=group, values=values)
            except ValidationError as error:
                show_service_error(formset, error)
            else:
                messages.success(request, _("The results have been saved."))
                return redirect("records:group-tests", group_id=group.pk)
        status = 400
    context = {"group": group, "test": test, "formset": formset, "rows": zip(pupils, formset.forms, strict=True)}
    return render(request, template, context, status=status)


@staff_required
@never_cache
def curriculum_entry(request: HttpRequest, group_id: int, test_id: int) -> HttpResponse:
    group = sis_policies.get_group_for_user_or_404(request.user, group_id)
    test = policies.get_curriculum_test_for_group_or_404(request.user, group, test_id)
    pupils = selectors.entry_pupils(user=request.user, group=group)
    existing = selectors.curriculum_results_by_pupil(test, pupils)
    initial = [{"pupil": p.pk, "value": existing[p.pk].value if p.pk in existing else None} for p in pupils]
    formset = CurriculumResultFormSet(
        request.POST or None, initial=initial, pupils=pupils, row_kwargs={"test": test}, prefix="rows"
    )
    return _entry_page(
        request,
        group,
        test,
        pupils,
        formset,
        values_of=lambda forms: {form.pupil_obj.pk: form.cleaned_data.get("value") for form in forms},
        save=services.curriculum_results_save,
        template="records/result_curriculum_entry.html",
    )


@staff_required
@never_cache
def standardised_entry(request: HttpRequest, group_id: int, test_id: int) -> HttpResponse:
    group = sis_policies.get_group_for_user_or_404(request.user, group_id)
    test = policies.get_standardised_test_or_404(request.user, group, test_id)
    pupils = selectors.entry_pupils(user=request.user, group=group)
    existing = selectors.standardised_results_by_pupil(test, pupils)
    fields = ("score", "level", "adjusted_level", "level_value")
    initial = [
        {"pupil": p.pk, **({f: getattr(existing[p.pk], f) for f in fields} if p.pk in existing else {})} for p in pupils
    ]
    formset = StandardisedResultFormSet(
        request.POST or None, initial=initial, pupils=pupils, row_kwargs={"test": test}, prefix="rows"
    )
    return _entry_page(
        request,
        group,
        test,
        pupils,
        formset,
        values_of=lambda forms: {
            form.pupil_obj.pk: services.StandardisedValues(
                score=form.cleaned_data.get("score"),
                level=form.cleaned_data.get("level", "").strip(),
                adjusted_level=form.cleaned_data.get("adjusted_level", "").strip(),
                level_value=form.cleaned_data.get("level_value"),
            )
            for form in forms
        },
        save=services.standardised_results_save,
        template="records/result_standardised_entry.html",
    )


@staff_required
@never_cache
def pupil_results(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = sis_policies.get_pupil_for_user_or_404(request.user, pupil_id)
    years = selectors.years_of_pupil(pupil)
    year = chosen_year(request, years)
    results = selectors.pupil_results(pupil=pupil, year=year) if year else None
    context = {"pupil": pupil, "years": years, "year": year, "results": results}
    return render(request, "records/result_pupil.html", context)
