"""The rollover wizard: one page that shows the proposal, redraws it when mixed groups are split
or kept, and applies it on confirmation. Only the school's application administrator reaches it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import policies
from ..dates import school_today
from ..decorators import staff_required
from ..models import SchoolYear
from .forms import GroupsForm, SettingsForm, SplitForm
from .forms import choices_from as rollover_choices
from .services import PlanChanged, rollover_apply, rollover_plan

STALE = gettext_lazy("The groups or pupils changed while you were looking. Check the new proposal.")


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _groups_url(year: SchoolYear | None) -> str:
    url = reverse("staff:groups")
    return f"{url}?year={year.pk}" if year is not None else url


@staff_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rollover(request: HttpRequest) -> HttpResponse:
    admin = policies.require_application_admin(request.user)
    school = admin.school
    # The mixed groups to split come from the redraw form (GET) or ride along in the confirm form,
    # as does the year the proposal started from.
    source = request.POST if request.method == "POST" else request.GET
    source_year_id = _number(request.POST.get("source_year")) if request.method == "POST" else None
    plan = rollover_plan(school, source_year_id=source_year_id)
    split_form = SplitForm(plan, {"split": source.getlist("split")})
    if split_form.split_ids():
        plan = rollover_plan(school, split_groups=split_form.split_ids(), source_year_id=source_year_id)
    context = {"plan": plan, "split_form": split_form}
    if request.method == "POST" and plan.done:
        # A second confirm of the same form (double click, reload): nothing more to do.
        messages.info(request, _("The rollover had already been done; nothing was changed."))
        return redirect(_groups_url(plan.target_year))
    if plan.source_year is None or plan.done or not plan.source_groups:
        return render(request, "sis/rollover/rollover.html", context)
    fingerprint = request.POST.get("fingerprint", "")
    if request.method == "POST" and fingerprint and fingerprint != plan.fingerprint:
        messages.error(request, STALE)
        return redirect(request.path)
    data = request.POST if request.method == "POST" else None
    settings_form = SettingsForm(plan, school_today(school), data)
    groups_form = GroupsForm(plan, data)
    if request.method == "POST" and settings_form.is_valid() and groups_form.is_valid():
        try:
            outcome = rollover_apply(request.user, school, rollover_choices(settings_form, groups_form))  # type: ignore[arg-type]
        except PlanChanged:
            messages.error(request, STALE)
            return redirect(request.path)
        except ValidationError as error:
            settings_form.add_error(None, error)
        else:
            year = outcome.year
            if outcome.applied and year is not None:
                messages.success(
                    request,
                    _(
                        "School year %(year)s has been prepared: %(groups)s groups, "
                        "%(placed)s pupils placed, %(left)s pupils leave."
                    )
                    % {"year": year, "groups": outcome.groups, "placed": outcome.placed, "left": outcome.leavers},
                )
            else:
                messages.info(request, _("The rollover had already been done; nothing was changed."))
            return redirect(_groups_url(year))
    context.update(
        settings_form=settings_form,
        groups_form=groups_form,
        sections=groups_form.sections(),
        ticked=groups_form.ticked(),
    )
    return render(request, "sis/rollover/rollover.html", context)
