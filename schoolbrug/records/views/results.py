"""Staff pages for tests (REC-4): per group, enter a whole group's results at once; per pupil,
the results of a school year."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis.decorators import staff_required

from .. import policies_results as policies
from ..forms.results import (
    CurriculumResultFormSet,
    CurriculumTestForm,
    StandardisedResultFormSet,
    StandardisedTestForm,
)
from ..selectors import results as selectors
from ..services import results as services


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
        "standardised_tests": selectors.standardised_tests_of_year(group),
        "curriculum_form": curriculum_form or CurriculumTestForm(prefix="curriculum"),
        "standardised_form": standardised_form or StandardisedTestForm(prefix="standardised"),
    }
    return render(request, "records/result_group.html", context, status=status)


@staff_required
def group_tests(request: HttpRequest, group_id: int) -> HttpResponse:
    return _group_page(request, group_id)


@staff_required
@require_POST
def curriculum_test_new(request: HttpRequest, group_id: int) -> HttpResponse:
    group = sis_policies.get_group_for_user_or_404(request.user, group_id)
    form = CurriculumTestForm(request.POST, prefix="curriculum")
    if form.is_valid():
        try:
            test = services.curriculum_test_create(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("records:curriculum-entry", group_id=group.pk, test_id=test.pk)
    return _group_page(request, group_id, curriculum_form=form, status=400)


@staff_required
@require_POST
def standardised_test_new(request: HttpRequest, group_id: int) -> HttpResponse:
    group = sis_policies.get_group_for_user_or_404(request.user, group_id)
    form = StandardisedTestForm(request.POST, prefix="standardised")
    if form.is_valid():
        try:
            test = services.standardised_test_create(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("records:standardised-entry", group_id=group.pk, test_id=test.pk)
    return _group_page(request, group_id, standardised_form=form, status=400)


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
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            values = {form.pupil_obj.pk: form.cleaned_data.get("value") for form in formset.forms}
            try:
                services.curriculum_results_save(actor=request.user, test=test, group=group, values=values)
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)  # type: ignore[attr-defined]
            else:
                messages.success(request, _("The results have been saved."))
                return redirect("records:group-tests", group_id=group.pk)
        status = 400
    context = {"group": group, "test": test, "formset": formset, "rows": zip(pupils, formset.forms, strict=True)}
    return render(request, "records/result_curriculum_entry.html", context, status=status)


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
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            values = {
                form.pupil_obj.pk: services.StandardisedValues(
                    score=form.cleaned_data.get("score"),
                    level=form.cleaned_data.get("level", "").strip(),
                    adjusted_level=form.cleaned_data.get("adjusted_level", "").strip(),
                    level_value=form.cleaned_data.get("level_value"),
                )
                for form in formset.forms
            }
            try:
                services.standardised_results_save(actor=request.user, test=test, group=group, values=values)
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)  # type: ignore[attr-defined]
            else:
                messages.success(request, _("The results have been saved."))
                return redirect("records:group-tests", group_id=group.pk)
        status = 400
    context = {"group": group, "test": test, "formset": formset, "rows": zip(pupils, formset.forms, strict=True)}
    return render(request, "records/result_standardised_entry.html", context, status=status)


@staff_required
@never_cache
def pupil_results(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = sis_policies.get_pupil_for_user_or_404(request.user, pupil_id)
    years = selectors.years_of_pupil(pupil)
    year_id = request.GET.get("year")
    if year_id:
        year = next((y for y in years if str(y.pk) == year_id), None)
        if year is None:
            raise Http404
    else:
        year = next((y for y in years if y.is_current), years[0] if years else None)
    results = selectors.pupil_results(pupil=pupil, year=year) if year else None
    context = {"pupil": pupil, "years": years, "year": year, "results": results}
    return render(request, "records/result_pupil.html", context)
