"""Staff pages for support plans (REC-3) and the pupil-file settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.policies import get_pupil_for_user_or_404, require_application_admin

from ..forms.common import add_service_error
from ..forms.plans import RecordsSettingsForm, SupportPlanForm
from ..models import SupportPlan
from ..policies import plans as policies
from ..selectors import plans as selectors
from ..services import plans as services


@staff_required
@never_cache
def pupil_plans(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for_user_or_404(request.user, pupil_id)
    plans = selectors.plans_for_pupil(pupil=pupil)
    return render(request, "records/plan_list.html", {"pupil": pupil, "plans": plans})


@staff_required
@never_cache
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = policies.get_plan_for_user_or_404(request.user, plan_id)
    term = selectors.records_settings_of(plan.pupil.school).problem_statement_term
    return render(request, "records/plan_detail.html", {"plan": plan, "pupil": plan.pupil, "term": term})


def _edit(request: HttpRequest, pupil_id: int, plan: SupportPlan | None) -> HttpResponse:
    pupil = plan.pupil if plan else get_pupil_for_user_or_404(request.user, pupil_id)
    term = selectors.records_settings_of(pupil.school).problem_statement_term
    form = SupportPlanForm(request.POST or None, instance=plan, problem_statement_term=term)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.support_plan_save(actor=request.user, pupil=pupil, plan=plan, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The support plan has been saved."))
            return redirect("records:plan-detail", plan_id=saved.pk)
    return render(request, "records/plan_form.html", {"pupil": pupil, "plan": plan, "form": form})


@staff_required
@never_cache
def plan_new(request: HttpRequest, pupil_id: int) -> HttpResponse:
    return _edit(request, pupil_id, None)


@staff_required
@never_cache
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = policies.get_plan_for_user_or_404(request.user, plan_id)
    return _edit(request, plan.pupil_id, plan)


@staff_required
@never_cache
def records_settings(request: HttpRequest) -> HttpResponse:
    staff = require_application_admin(request.user)
    form = RecordsSettingsForm(request.POST or None, instance=selectors.records_settings_of(staff.school))
    if request.method == "POST" and form.is_valid():
        services.records_settings_update(actor=request.user, data=form.cleaned_data, request=request)
        messages.success(request, _("The settings have been saved."))
        return redirect("records:settings")
    return render(request, "records/plan_settings.html", {"form": form})
