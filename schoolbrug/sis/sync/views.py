"""The administrator's sync pages (SIS-9): upload, preview, apply in the task worker, result.

Application administrators of the school only: everyone else gets 404, like a missing page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import policies
from ..decorators import staff_required
from . import engine, guardians_csv, upload_selectors, upload_services
from .forms import SyncUploadForm
from .upload_models import SyncUpload


def _upload_page(request: HttpRequest, form: SyncUploadForm, status: int = 200) -> HttpResponse:
    staff = policies.require_application_admin(request.user)
    context = {
        "form": form,
        "school": staff.school,
        "uploads": list(upload_selectors.recent_sync_uploads(request.user)),
        "limit_mb": upload_services.max_upload_bytes() // (1024 * 1024),
    }
    return render(request, "sis/sync/upload.html", context, status=status)


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def sync_upload(request: HttpRequest) -> HttpResponse:
    policies.require_application_admin(request.user)
    if request.method != "POST":
        return _upload_page(request, SyncUploadForm())
    form = SyncUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    try:
        upload = upload_services.sync_upload_create(actor=request.user, files=form.cleaned_data["uploads"])
    except ValidationError as error:
        form.add_error("uploads", error)
        return _upload_page(request, form, status=400)
    return redirect("staff:sync-upload", upload_id=upload.pk)


@staff_required
@never_cache
@require_GET
def sync_upload_detail(request: HttpRequest, upload_id: int) -> HttpResponse:
    """The preview while the upload waits for the administrator; the progress and then the
    result once it is confirmed (the polled part alone for htmx)."""
    upload = upload_selectors.get_sync_upload_for_user_or_404(request.user, upload_id)
    context: dict[str, object] = {"upload": upload}
    if upload.status == SyncUpload.Status.UPLOADED:
        files = upload_services.upload_files(upload)
        dataset = engine.read_files(files)
        plan = engine.sync_plan(school=upload.school, dataset=dataset)
        issues = engine.plan_issues(plan)
        context.update(
            files=[(name, len(content)) for name, content in files],
            dataset=dataset,
            plan=plan,
            kinds=upload_services.plan_kinds(plan),
            issues=issues,
            fingerprint=upload_services.plan_fingerprint(plan),
        )
        return render(request, "sis/sync/preview.html", context)
    context["result"] = upload_services.result_rows(upload)
    template = "sis/sync/progress.html"
    if getattr(request, "htmx", False):
        template += "#progress"  # the polled part only
    return render(request, template, context)


@staff_required
@require_POST
def sync_upload_apply(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = upload_selectors.get_sync_upload_for_user_or_404(request.user, upload_id)
    fingerprint = request.POST.get("plan", "")
    if upload.status == SyncUpload.Status.UPLOADED and len(fingerprint) == 64:
        upload_services.sync_upload_confirm(
            actor=request.user, upload=upload, fingerprint=fingerprint, language=request.POST.get("language", "")
        )
    return redirect("staff:sync-upload", upload_id=upload.pk)


@staff_required
@require_POST
def sync_upload_discard(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = upload_selectors.get_sync_upload_for_user_or_404(request.user, upload_id)
    if upload_services.sync_upload_discard(actor=request.user, upload=upload):
        messages.success(request, _("The uploaded files have been removed; nothing was applied."))
    return redirect("staff:sync")


@staff_required
@require_GET
def sync_guardian_template(request: HttpRequest) -> HttpResponse:
    policies.require_application_admin(request.user)
    response = HttpResponse(guardians_csv.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="guardians-template.csv"'
    return response
