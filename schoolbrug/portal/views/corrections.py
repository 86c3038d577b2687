"""The pencil next to personal data (POR-10)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from schoolbrug.accounts.models import Account
from schoolbrug.records.services.corrections import stored_text

from ..corrections import (
    ModuleSwitchedOff,
    correctable_object,
    field_label,
    pending_corrections,
    portal_correction_submit,
)
from .child import stale_form
from .common import PortalRequestContext, portal_page, render_portal


class CorrectionForm(forms.Form):
    # The service bounds each value by its field; this only stops absurd posts early.
    proposed_value = forms.CharField(
        label=_("Correct value"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


@portal_page()
def correction(
    request: HttpRequest, portal: PortalRequestContext, target: str, object_id: int, field: str
) -> HttpResponse:
    try:
        obj = correctable_object(
            account=portal.account,
            children=portal.children,
            guardian_records=portal.guardian_records,
            target=target,
            object_id=object_id,
            field=field,
        )
    except ModuleSwitchedOff:
        if request.method != "POST":
            raise
        return stale_form(request, portal, None, request.POST.get("proposed_value", ""))
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The logged-in guardian himself files it (an impersonating administrator cannot post).
        if not isinstance(request.user, Account):
            raise Http404
        try:
            portal_correction_submit(
                actor=request.user,
                target=target,
                obj=obj,
                field=field,
                proposed_value=form.cleaned_data["proposed_value"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            form.add_error("proposed_value", error)
        else:
            return redirect("portal:correction-sent")
    context = {
        "form": form,
        "field_label": field_label(target, field),
        "current": stored_text(getattr(obj, field)),
        "target": target,
        # A request still waiting for the school: sending again replaces it.
        "pending": pending_corrections(portal.account, portal.portals).get((target, obj.pk, field)),
    }
    response = render_portal(request, portal, "portal/correction.html", context)
    if form.errors:
        response.status_code = 400
    return response


@portal_page()
def correction_sent(request: HttpRequest, portal: PortalRequestContext) -> HttpResponse:
    return render_portal(request, portal, "portal/correction_sent.html", {})
