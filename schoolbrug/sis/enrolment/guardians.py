"""Adding a guardian to a pupil and removing a guardianship.

A guardian is one record per person per school: brothers and sisters share it, so the portal
shows a parent all his children with one account. Adding therefore starts with the e-mail
address: an existing guardian of the school with that address is linked, not created again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from schoolbrug.accounts.models import Account
from schoolbrug.core import confirm

from .. import policies
from ..dates import school_today
from ..decorators import staff_required
from ..forms import GuardianForm, GuardianshipForm
from ..models import Guardian, Guardianship, Pupil
from .common import posted, record_change, require_editor


class LookupForm(forms.Form):
    email = forms.EmailField(
        label=capfirst(gettext_lazy("e-mail address of the guardian")),
        required=False,
        help_text=gettext_lazy(
            "A guardian of this school with this address (a parent of a brother or sister) is linked, "
            "not registered twice. Leave empty for a guardian without an e-mail address."
        ),
    )

    def clean_email(self) -> str:
        return self.cleaned_data.get("email", "").strip().lower()


def find_guardian_by_email(pupil: Pupil, email: str) -> Guardian | None:
    """The school's guardian with this address (case does not matter), the oldest record when an
    earlier import left two."""
    if not email:
        return None
    return Guardian.objects.filter(school_id=pupil.school_id, email__iexact=email).order_by("pk").first()


# --- writes -------------------------------------------------------------------------------


@transaction.atomic
def guardian_add(
    *,
    actor: Account,
    pupil: Pupil,
    guardian: Guardian | None,
    guardian_data: dict[str, Any],
    relation_data: dict[str, Any],
) -> Guardianship:
    """Links `guardian` (an existing record of the school) or a new guardian made of
    `guardian_data` to the pupil, with the relation, custody, access right and app invitation."""
    require_editor(actor, pupil)
    created = guardian is None
    if guardian is None:
        email = guardian_data.get("email", "")
        if find_guardian_by_email(pupil, email) is not None:
            raise ValidationError(
                {
                    "email": _(
                        "A guardian with this e-mail address is already registered; look the address up to link him."
                    )
                }
            )
        guardian = Guardian(school_id=pupil.school_id, **guardian_data)
        guardian.full_clean()
        guardian.save()
    elif guardian.school_id != pupil.school_id:
        raise PermissionDenied
    if Guardianship.objects.filter(pupil=pupil, guardian=guardian).exists():
        raise ValidationError(_("%(name)s is already a guardian of this pupil.") % {"name": guardian.full_name})
    last = Guardianship.objects.filter(pupil=pupil).aggregate(last=Max("contact_order"))["last"] or 0
    guardianship = Guardianship(pupil=pupil, guardian=guardian, contact_order=last + 1, **relation_data)
    if not guardianship.portal_access:
        guardianship.portal_access_changed_on = school_today(pupil.school)
    guardianship.full_clean()
    guardianship.save()
    record_change(
        actor=actor,
        pupil=pupil,
        subject=f"{guardian.full_name} · {pupil.full_name}",
        data={
            "change": "guardian_added",
            "guardian_id": guardian.pk,
            "guardianship_id": guardianship.pk,
            "guardian_created": created,
            "portal_access": guardianship.portal_access,
            "has_custody": guardianship.has_custody,
        },
    )
    return guardianship


@transaction.atomic
def guardianship_remove(*, actor: Account, guardianship: Guardianship) -> None:
    """Ends the guardian's relation to this pupil. His record stays while he is linked to another
    child or has an account (the account has its own page); otherwise nothing is left to keep."""
    pupil = guardianship.pupil
    require_editor(actor, pupil)
    guardian = guardianship.guardian
    guardian_id = guardian.pk  # delete() clears it
    guardianship.delete()
    record_deleted = guardian.account_id is None and not guardian.guardianships.exists()
    if record_deleted:
        guardian.delete()
    record_change(
        actor=actor,
        pupil=pupil,
        subject=f"{guardian.full_name} · {pupil.full_name}",
        data={"change": "guardian_removed", "guardian_id": guardian_id, "guardian_record_deleted": record_deleted},
    )


# --- pages --------------------------------------------------------------------------------


@staff_required
@never_cache
def add(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Step 1 asks for the e-mail address (a POST with `lookup`: an address is contact data and
    stays out of URLs and access logs); step 2 shows the guardian found, or the form for a new
    one, with the relation to this pupil, and carries the address along in a hidden field."""
    pupil = policies.get_pupil_for_editor_or_404(request.user, pupil_id)
    lookup = LookupForm(posted(request))
    context: dict[str, Any] = {"pupil": pupil, "lookup": lookup}
    if not lookup.is_bound or not lookup.is_valid():
        return render(request, "sis/enrolment/guardian_lookup.html", context)
    email = lookup.cleaned_data["email"]
    existing = find_guardian_by_email(pupil, email)
    # The lookup itself shows step 2 unbound; only a step-2 submission binds its forms.
    data = None if "lookup" in request.POST else request.POST
    guardian_form = None
    if existing is None:
        guardian_form = GuardianForm(data, prefix="guardian", initial={"email": email, "language": "nl"})
    relation_form = GuardianshipForm(data, prefix="relation")
    forms_valid = relation_form.is_valid() and (guardian_form is None or guardian_form.is_valid())
    if data is not None and forms_valid:
        try:
            guardianship = guardian_add(
                actor=request.user,  # type: ignore[arg-type]
                pupil=pupil,
                guardian=existing,
                guardian_data=guardian_form.cleaned_data if guardian_form is not None else {},
                relation_data=relation_form.cleaned_data,
            )
        except ValidationError as error:
            (guardian_form or relation_form).add_error(None, error)
        else:
            messages.success(
                request,
                _("%(guardian)s is now registered as guardian of %(pupil)s.")
                % {"guardian": guardianship.guardian.full_name, "pupil": pupil.display_name},
            )
            return redirect("staff:pupil", pupil_id=pupil.pk)
    if existing is not None:
        context["children"] = list(Pupil.objects.filter(guardianships__guardian=existing).order_by("birth_date"))
    context.update(existing=existing, guardian_form=guardian_form, relation_form=relation_form, email=email)
    return render(request, "sis/enrolment/guardian_add.html", context)


@staff_required
@never_cache
def remove(request: HttpRequest, pupil_id: int, guardianship_id: int) -> HttpResponse:
    guardianship = policies.get_guardianship_for_editor_or_404(request.user, pupil_id, guardianship_id)
    names = {"guardian": guardianship.guardian.full_name, "pupil": guardianship.pupil.display_name}
    if not confirm.is_confirmed(request):
        return confirm.confirmation_page(
            request,
            question=_("Remove this guardian from the pupil?"),
            subject=_("%(guardian)s, %(relation)s of %(pupil)s")
            % {**names, "relation": guardianship.get_relation_display()},
            consequence=_(
                "He no longer sees this child in the portal and is no longer a contact for the school. "
                "His other children and his account are kept."
            ),
            button=_("Yes, remove the guardian"),
            cancel_url=reverse("staff:pupil", args=[pupil_id]),
        )
    guardianship_remove(actor=request.user, guardianship=guardianship)  # type: ignore[arg-type]
    messages.success(request, _("%(guardian)s is no longer a guardian of %(pupil)s.") % names)
    return redirect("staff:pupil", pupil_id=pupil_id)
