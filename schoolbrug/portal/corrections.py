"""Correction requests from the portal (POR-10): what a pencil may point at, and filing a
request (records' service) plus the e-mail to the school's correction address (POR-1)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from schoolbrug.records.models import CorrectionRequest
from schoolbrug.records.services.corrections import ALLOWED_FIELDS, correction_request_submit, field_label
from schoolbrug.sis.models import EmergencyContact, Guardian, MedicalInfo, Pupil

from .config import portal_for
from .modules import Module

Target = CorrectionRequest.Target


class ModuleSwitchedOff(Http404):
    """The row is the guardian's, but its module is off: a page that does not exist, or, for
    a form posted just after the school switched the module off, a message that keeps the text."""


def correctable_object(*, account: Any, children: list[Pupil], target: str, object_id: int, field: str) -> models.Model:
    """The row a pencil points at, if it is the guardian's to propose a change to; else 404.

    Pupils come from the guardian's reachable children; guardian data only from his own
    records; medical fields only while the medical module is on and only when they already hold
    a value (no new medical data through the portal).
    """
    if field not in ALLOWED_FIELDS.get(target, ()):
        raise Http404
    child_ids = [c.pk for c in children]
    obj: models.Model | None
    if target == Target.PUPIL:
        obj = next((c for c in children if c.pk == object_id), None)
    elif target == Target.EMERGENCY_CONTACT:
        obj = EmergencyContact.objects.filter(pk=object_id, pupil_id__in=child_ids).first()
    elif target == Target.MEDICAL:
        obj = MedicalInfo.objects.filter(pk=object_id, pupil_id__in=child_ids).select_related("pupil").first()
        if obj is not None and not getattr(obj, field):
            obj = None
        elif obj is not None and not portal_for(obj.pupil.school_id).is_on(Module.MEDICAL):
            raise ModuleSwitchedOff
    elif target == Target.GUARDIAN:
        # Only when the guardian reaches a child: without access right there is no portal data.
        obj = Guardian.objects.filter(pk=object_id, account=account, guardianships__pupil_id__in=child_ids).first()
    else:
        obj = None
    if obj is None:
        raise Http404
    return obj


def school_id_of(obj: models.Model) -> int:
    if isinstance(obj, Pupil | Guardian):
        return obj.school_id
    pupil = obj.pupil if isinstance(obj, MedicalInfo) else Pupil.objects.get(pk=obj.pupil_id)  # type: ignore[attr-defined]
    return pupil.school_id


@transaction.atomic
def portal_correction_submit(
    *, actor: Any, target: str, obj: models.Model, field: str, proposed_value: str
) -> CorrectionRequest:
    """Files the request in the staff inbox and, after commit, tells the school's correction
    address. The e-mail names who and what, not the values: those stay inside the platform."""
    correction = correction_request_submit(
        actor=actor, target=target, obj=obj, field=field, proposed_value=proposed_value
    )
    address = portal_for(correction.school_id).correction_email
    if address:
        # For the school's office, in the school's language (not the guardian's page language),
        # naming the field as the school's pages do.
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Correction request from %(name)s") % {"name": actor.get_full_name() or actor.email}
            body = _(
                "%(name)s asks to correct the field '%(field)s' (%(target)s).\n\n"
                "Open the correction requests in Schoolbrug to apply or reject it."
            ) % {
                "name": actor.get_full_name() or actor.email,
                "field": field_label(target, field),
                "target": correction.get_target_display(),
            }
        transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    return correction
