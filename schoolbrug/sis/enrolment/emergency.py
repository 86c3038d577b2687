"""A pupil's emergency numbers: add, edit, remove, and the order in which the school calls them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schoolbrug.accounts.models import Account
from schoolbrug.core import confirm

from .. import policies
from ..decorators import staff_required
from ..models import EmergencyContact, Pupil
from .common import posted, record_change, require_editor


class EmergencyContactForm(forms.ModelForm):
    class Meta:
        model = EmergencyContact
        fields = ["name", "relation", "phone", "remark"]


def get_contact_for_editor_or_404(user: Any, pupil_id: int, contact_id: int) -> EmergencyContact:
    pupil = policies.get_pupil_for_editor_or_404(user, pupil_id)
    return get_object_or_404(EmergencyContact.objects.select_related("pupil"), pk=contact_id, pupil=pupil)


# --- writes -------------------------------------------------------------------------------


def _audit(actor: Account, pupil: Pupil, change: str, contact: EmergencyContact, fields: list[str]) -> None:
    record_change(
        actor=actor, pupil=pupil, data={"change": change, "contact_id": contact.pk, "emergency_fields": fields}
    )


@transaction.atomic
def contact_add(*, actor: Account, pupil: Pupil, data: dict[str, Any]) -> EmergencyContact:
    require_editor(actor, pupil)
    last = EmergencyContact.objects.filter(pupil=pupil).aggregate(last=Max("position"))["last"] or 0
    contact = EmergencyContact(pupil=pupil, position=last + 1, **data)
    contact.full_clean()
    contact.save()
    _audit(actor, pupil, "emergency_added", contact, sorted(k for k, v in data.items() if v))
    return contact


@transaction.atomic
def contact_update(*, actor: Account, contact: EmergencyContact, data: dict[str, Any]) -> EmergencyContact:
    pupil = contact.pupil
    require_editor(actor, pupil)
    stored = EmergencyContact.objects.select_for_update().values(*data).get(pk=contact.pk)
    for name, value in data.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    changed = sorted(name for name, old in stored.items() if getattr(contact, name) != old)
    if changed:
        _audit(actor, pupil, "emergency_changed", contact, changed)
    return contact


@transaction.atomic
def contact_remove(*, actor: Account, contact: EmergencyContact) -> None:
    pupil = contact.pupil
    require_editor(actor, pupil)
    _audit(actor, pupil, "emergency_removed", contact, [])
    contact.delete()
    _renumber(list(EmergencyContact.objects.filter(pupil=pupil).order_by("position", "pk")))


@transaction.atomic
def contact_move(*, actor: Account, contact: EmergencyContact, up: bool) -> None:
    """Swaps the number with its neighbour above or below; the ends stay where they are."""
    pupil = contact.pupil
    require_editor(actor, pupil)
    contacts = list(EmergencyContact.objects.select_for_update().filter(pupil=pupil).order_by("position", "pk"))
    index = next(i for i, c in enumerate(contacts) if c.pk == contact.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(contacts):
        return
    contacts[index], contacts[other] = contacts[other], contacts[index]
    _renumber(contacts)
    _audit(actor, pupil, "emergency_moved", contact, ["position"])


def _renumber(contacts: list[EmergencyContact]) -> None:
    for position, contact in enumerate(contacts, start=1):
        contact.position = position
    EmergencyContact.objects.bulk_update(contacts, ["position"])


# --- pages --------------------------------------------------------------------------------


@staff_required
@never_cache
def contact_list(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """The numbers in calling order with their buttons, and the form for a new one."""
    pupil = policies.get_pupil_for_editor_or_404(request.user, pupil_id)
    form = EmergencyContactForm(posted(request))
    if request.method == "POST" and form.is_valid():
        contact_add(actor=request.user, pupil=pupil, data=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("The emergency number has been added."))
        return redirect("staff:emergency", pupil_id=pupil.pk)
    contacts = list(EmergencyContact.objects.filter(pupil=pupil).order_by("position", "pk"))
    return render(request, "sis/enrolment/emergency.html", {"pupil": pupil, "contacts": contacts, "form": form})


@staff_required
@never_cache
def contact_edit(request: HttpRequest, pupil_id: int, contact_id: int) -> HttpResponse:
    contact = get_contact_for_editor_or_404(request.user, pupil_id, contact_id)
    form = EmergencyContactForm(posted(request), instance=contact)
    if request.method == "POST" and form.is_valid():
        contact_update(actor=request.user, contact=contact, data=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("The emergency number has been saved."))
        return redirect("staff:emergency", pupil_id=pupil_id)
    return render(
        request, "sis/enrolment/emergency_edit.html", {"pupil": contact.pupil, "contact": contact, "form": form}
    )


@staff_required
@never_cache
def contact_delete(request: HttpRequest, pupil_id: int, contact_id: int) -> HttpResponse:
    contact = get_contact_for_editor_or_404(request.user, pupil_id, contact_id)
    if not confirm.is_confirmed(request):
        return confirm.confirmation_page(
            request,
            question=_("Remove this emergency number?"),
            subject=f"{contact.name_with_relation}: {contact.phone}",
            consequence=_("The school will no longer call this number in an emergency."),
            button=_("Yes, remove the number"),
            cancel_url=reverse("staff:emergency", args=[pupil_id]),
        )
    contact_remove(actor=request.user, contact=contact)  # type: ignore[arg-type]
    messages.success(request, _("The emergency number has been removed."))
    return redirect("staff:emergency", pupil_id=pupil_id)


@staff_required
@require_POST
def contact_reorder(request: HttpRequest, pupil_id: int, contact_id: int) -> HttpResponse:
    contact = get_contact_for_editor_or_404(request.user, pupil_id, contact_id)
    contact_move(actor=request.user, contact=contact, up=request.POST.get("direction") == "up")  # type: ignore[arg-type]
    return redirect(reverse("staff:emergency", args=[pupil_id]) + f"#contact-{contact.pk}")
