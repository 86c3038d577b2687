"""A pupil's medical data: GP, medicines, allergies, limitations. Only the names of changed
fields go into the audit log, never the text (ASVS 16.3.2 is about reading it; writing is logged
like every other change of the record)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from schoolbrug.accounts import audit
from schoolbrug.accounts.models import Account

from .. import policies
from ..decorators import staff_required
from ..models import MedicalInfo, Pupil
from .common import posted, record_change, require_editor

FIELDS = ["gp_name", "gp_phone", "medicines", "allergies", "limitations", "other"]


class MedicalForm(forms.ModelForm):
    class Meta:
        model = MedicalInfo
        fields = FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in ("medicines", "allergies", "limitations", "other")
        }


@transaction.atomic
def medical_update(*, actor: Account, pupil: Pupil, data: dict[str, Any]) -> MedicalInfo:
    require_editor(actor, pupil)
    medical = MedicalInfo.objects.select_for_update().filter(pupil=pupil).first() or MedicalInfo(pupil=pupil)
    stored = {name: getattr(medical, name) for name in data}
    for name, value in data.items():
        setattr(medical, name, value)
    changed = sorted(name for name, old in stored.items() if getattr(medical, name) != old)
    if changed:
        medical.full_clean()
        medical.save()
        record_change(actor=actor, pupil=pupil, data={"change": "medical_changed", "medical_fields": changed})
    return medical


@staff_required
@never_cache
def edit(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = policies.get_pupil_for_editor_or_404(request.user, pupil_id)
    instance = MedicalInfo.objects.filter(pupil=pupil).first()
    if request.method == "GET" and instance is not None and not instance.is_empty:
        # The form shows the medical text: reading it here is logged as on the pupil page.
        audit.record(
            audit.AuditEvent.Kind.MEDICAL_VIEWED,
            actor=request.user,
            request=request,
            school_id=pupil.school_id,
            subject=pupil.full_name,
            data={"pupil_id": pupil.pk},
        )
    form = MedicalForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        medical_update(actor=request.user, pupil=pupil, data=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("The medical data have been saved."))
        return redirect("staff:pupil", pupil_id=pupil.pk)
    return render(request, "sis/enrolment/medical.html", {"pupil": pupil, "form": form})
