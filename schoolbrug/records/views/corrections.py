"""The correction-request inbox (REC-7) for application administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.policies import require_application_admin

from ..forms.corrections import RejectForm
from ..policies import corrections as policies
from ..selectors import corrections as selectors
from ..services import corrections as services


@staff_required
@never_cache
def inbox(request: HttpRequest) -> HttpResponse:
    require_application_admin(request.user)
    rows = selectors.correction_inbox(user=request.user)
    context = {"rows": rows, "funding_warning": services.FUNDING_WARNING, "reject_form": RejectForm()}
    return render(request, "records/correction_inbox.html", context)


@staff_required
@require_POST
def apply(request: HttpRequest, correction_id: int) -> HttpResponse:
    require_application_admin(request.user)
    correction = policies.get_correction_for_user_or_404(request.user, correction_id)
    try:
        services.correction_request_apply(actor=request.user, correction=correction, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The correction has been applied."))
    return redirect("records:corrections")


@staff_required
@require_POST
def reject(request: HttpRequest, correction_id: int) -> HttpResponse:
    require_application_admin(request.user)
    correction = policies.get_correction_for_user_or_404(request.user, correction_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.correction_request_reject(
                actor=request.user, correction=correction, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The request has been rejected."))
    else:
        messages.error(request, _("Give the reason for rejecting, the guardian will read it."))
    return redirect("records:corrections")
