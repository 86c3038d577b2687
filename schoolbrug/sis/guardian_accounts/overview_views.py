"""Guardian account overview (ACC-5), bulk invitations (ACC-2) and the Excel export.

Application administrators of the school only: everyone else gets 404, like a missing page.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from schoolbrug.core.converters import parse_object_id
from schoolbrug.core.outgoing import site_base_url

from .. import policies
from ..decorators import staff_required
from ..models import StaffMember
from . import batch_services, export, selectors
from .forms import GuardianAccountFilterForm, GuardianAccountFilters

PAGE_SIZE = 50


def _overview_url(form: GuardianAccountFilterForm | None = None) -> str:
    url = reverse("staff:guardian-accounts")
    items = form.querystring_items() if form is not None else []
    return f"{url}?{urlencode(items)}" if items else url


def _rate_limited(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "sis/guardian_accounts/overview_limited.html", {"message": message}, status=429)


@staff_required
@never_cache
@require_GET
def guardian_account_overview(request: HttpRequest) -> HttpResponse:
    staff = policies.require_application_admin(request.user)
    form = GuardianAccountFilterForm(request.GET, school=staff.school)
    if form.is_valid():
        guardians = selectors.guardian_account_rows(user=request.user, filters=form.filters())
    else:
        # A tampered or stale filter shows its error and no rows, never "everything".
        guardians = selectors.guardian_account_rows(user=request.user, filters=GuardianAccountFilters()).none()
    page = Paginator(guardians, PAGE_SIZE).get_page(request.GET.get("page"))
    filter_items = form.querystring_items()
    context = {
        "form": form,
        "page": page,
        "rows": selectors.rows_of(page.object_list),
        "filter_items": filter_items,
        "filter_query": urlencode(filter_items),
        "batches": list(selectors.recent_invitation_batches(user=request.user)),
    }
    return render(request, "sis/guardian_accounts/overview.html", context)


def _selection(request: HttpRequest, staff: StaffMember) -> tuple[GuardianAccountFilterForm, bool, list[int]]:
    """The guardians the administrator chose: ticked rows, or every guardian the filters match."""
    form = GuardianAccountFilterForm(request.POST, school=staff.school)
    all_filtered = request.POST.get("all_filtered") == "1"
    if not form.is_valid():
        return form, all_filtered, []
    if all_filtered:
        return form, True, selectors.selected_guardian_ids(user=request.user, filters=form.filters())
    chosen = [pk for pk in map(parse_object_id, request.POST.getlist("guardian")) if pk is not None]
    # Ticked rows are taken as they are; only the school's own guardians remain.
    ids = selectors.selected_guardian_ids(user=request.user, filters=GuardianAccountFilters(), ids=chosen)
    return form, False, ids


@staff_required
@never_cache
@require_POST
def guardian_account_confirm(request: HttpRequest) -> HttpResponse:
    staff = policies.require_application_admin(request.user)
    form, all_filtered, ids = _selection(request, staff)
    if not form.is_valid():
        messages.error(request, _("The filters are not valid: correct them and select the guardians again."))
        return redirect(_overview_url())
    if not ids:
        messages.error(request, _("Select at least one guardian, or choose all guardians that match the filters."))
        return redirect(_overview_url(form))
    context = {
        "summary": selectors.selection_summary(user=request.user, guardian_ids=ids),
        "all_filtered": all_filtered,
        "filter_items": form.querystring_items(),
        "client_key": uuid.uuid4(),
        "back_url": _overview_url(form),
    }
    return render(request, "sis/guardian_accounts/confirm.html", context)


@staff_required
@never_cache
@require_POST
def guardian_account_send(request: HttpRequest) -> HttpResponse:
    staff = policies.require_application_admin(request.user)
    try:
        client_key = uuid.UUID(request.POST.get("client_key", ""))
    except ValueError:
        return HttpResponseBadRequest(_("This confirmation is not valid. Please start again from the overview."))
    form, _all_filtered, ids = _selection(request, staff)
    try:
        batch = batch_services.invitation_batch_start(
            actor=request.user, guardian_ids=ids, client_key=client_key, base_url=site_base_url(request)
        )
    except batch_services.RateLimited as error:
        return _rate_limited(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_overview_url(form if form.is_valid() else None))
    return redirect("staff:guardian-accounts-batch", batch_id=batch.pk)


@staff_required
@never_cache
@require_GET
def invitation_batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.get_invitation_batch_for_user_or_404(request.user, batch_id)
    skipped = [(item.guardian, selectors.skip_reason_label(item.reason)) for item in selectors.skipped_items(batch)]
    context = {
        "batch": batch,
        "skipped": skipped,
        "failed": list(selectors.failed_items(batch)),
        "stalled": batch_services.is_stalled(batch),
        "can_resume": batch_services.can_resume(batch),
    }
    template = "sis/guardian_accounts/batch.html"
    if getattr(request, "htmx", False):
        template += "#progress"  # the polled part only
    return render(request, template, context)


@staff_required
@require_POST
def invitation_batch_resume_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.get_invitation_batch_for_user_or_404(request.user, batch_id)
    batch_services.invitation_batch_resume(actor=request.user, batch=batch, base_url=site_base_url(request))
    return redirect("staff:guardian-accounts-batch", batch_id=batch.pk)


@staff_required
@never_cache
@require_GET
def guardian_account_export(request: HttpRequest) -> HttpResponse:
    staff = policies.require_application_admin(request.user)
    form = GuardianAccountFilterForm(request.GET, school=staff.school)
    if not form.is_valid():
        return redirect(_overview_url(form))  # the overview shows what is wrong
    try:
        exported = export.guardian_accounts_export(actor=request.user, filters=form.filters(), request=request)
    except batch_services.RateLimited as error:
        return _rate_limited(request, error.message)
    if exported is None:
        messages.info(request, _("No guardians match these filters, so there is nothing to export."))
        return redirect(_overview_url(form))
    response = HttpResponse(exported.content, content_type=export.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response
