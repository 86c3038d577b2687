"""Correction requests (REC-7, POR-10): guardians propose, application administrators decide.

Guardians may only propose changes to an explicit allow-list of fields, only for pupils they
reach and only for their own guardian record. Nothing changes in the school records until an
administrator applies the request; the change then goes through the model's own validation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolbrug.accounts import audit
from schoolbrug.core.models import normalise_postcode
from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis import selectors as sis_selectors
from schoolbrug.sis.models import EmergencyContact, Guardian, MedicalInfo, Pupil

from ..models import CorrectionRequest
from ..policies import corrections as policies

Target = CorrectionRequest.Target

_ADDRESS = ("street", "house_number", "house_number_suffix", "postcode", "city")
ALLOWED_FIELDS: dict[str, tuple[str, ...]] = {
    Target.PUPIL: ("first_name", "called_name", "prefix", "last_name", "birth_date", *_ADDRESS, "phone"),
    Target.GUARDIAN: (
        "initials", "first_name", "prefix", "last_name", *_ADDRESS,
        "email", "phone_mobile", "phone_home", "phone_work", "birth_country", "education_level",
    ),
    Target.EMERGENCY_CONTACT: ("name", "phone", "relation"),
    # Only fields that already hold a value: the portal takes no new medical data (POR-10).
    Target.MEDICAL: ("gp_name", "gp_phone", "medicines", "limitations", "allergies", "other"),
}  # fmt: skip

TARGET_MODELS: dict[str, type[models.Model]] = {
    Target.PUPIL: Pupil,
    Target.GUARDIAN: Guardian,
    Target.EMERGENCY_CONTACT: EmergencyContact,
    Target.MEDICAL: MedicalInfo,
}

# Funding of Dutch primary schools depends on these; they are fixed at enrolment.
FUNDING_FIELDS = frozenset({(Target.GUARDIAN.value, "birth_country"), (Target.GUARDIAN.value, "education_level")})
FUNDING_WARNING = gettext_lazy(
    "This field affects the school's funding. It is fixed at enrolment and should only be "
    "corrected if it was entered wrongly."
)

# Text fields without a length of their own (medical notes) still get a bound.
MAX_TEXT_LENGTH = 2000


def stored_text(value: Any) -> str:
    """The text form of a field value, as snapshot and as compared for staleness."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def model_field(target: str, field_name: str) -> models.Field[Any, Any]:
    if field_name not in ALLOWED_FIELDS.get(target, ()):
        raise ValidationError(_("This field cannot be corrected through the portal."), code="field_not_allowed")
    try:
        field = TARGET_MODELS[target]._meta.get_field(field_name)
    except FieldDoesNotExist as error:  # pragma: no cover - the allow-list names real fields
        raise ValidationError(_("Unknown field."), code="unknown_field") from error
    assert isinstance(field, models.Field)
    return field


def field_label(target: str, field_name: str) -> str:
    """The field as people call it (its verbose name, in the active language), for pages and mail."""
    return str(model_field(target, field_name).verbose_name)


def clean_proposed_value(target: str, obj: models.Model, field_name: str, raw: str) -> Any:
    """The proposed text as the field's Python value, validated as the model would."""
    field = model_field(target, field_name)
    value = (raw or "").strip()
    if not value:
        raise ValidationError(_("Enter the correct value."), code="empty")
    max_length = field.max_length or MAX_TEXT_LENGTH
    if len(value) > max_length:
        raise ValidationError(
            _("Enter at most %(max)s characters (now %(count)s).") % {"max": max_length, "count": len(value)},
            code="too_long",
        )
    if field_name == "postcode":
        value = normalise_postcode(value)
    if field_name == "email":
        value = value.lower()
    return field.clean(value, obj)


def _reaches_pupil(actor: Any, pupil_id: int) -> bool:
    return sis_policies.pupils_visible_to(actor).filter(pk=pupil_id).exists()


def _resolve(actor: Any, target: str, obj: models.Model) -> tuple[Pupil | None, Guardian | None, int]:
    """(pupil, guardian, school id) of the object, or PermissionDenied when it is not the actor's."""
    if target == Target.PUPIL and isinstance(obj, Pupil):
        if _reaches_pupil(actor, obj.pk):
            return obj, None, obj.school_id
    elif target == Target.EMERGENCY_CONTACT and isinstance(obj, EmergencyContact):
        if _reaches_pupil(actor, obj.pupil_id):
            pupil = Pupil.objects.get(pk=obj.pupil_id)
            # The About page's own selector: a number hidden from this guardian (the other
            # parent's) cannot be the subject of his correction either.
            if sis_selectors.emergency_contacts_visible_to(actor, [pupil], pk=obj.pk):
                return pupil, None, pupil.school_id
    elif target == Target.MEDICAL and isinstance(obj, MedicalInfo):
        if _reaches_pupil(actor, obj.pupil_id):
            pupil = Pupil.objects.get(pk=obj.pupil_id)
            return pupil, None, pupil.school_id
    elif target == Target.GUARDIAN and isinstance(obj, Guardian):
        # Only his own record: a co-guardian's data is never his to see or change.
        own = obj.account_id is not None and obj.account_id == actor.pk
        reaches = Pupil.objects.filter(
            pk__in=sis_policies.pupils_visible_to(actor).values("pk"), guardianships__guardian=obj
        ).exists()
        if own and reaches:
            return None, obj, obj.school_id
    raise PermissionDenied


@transaction.atomic
def correction_request_submit(
    *, actor: Any, target: str, obj: models.Model, field: str, proposed_value: str
) -> CorrectionRequest:
    """Files a guardian's proposed correction; nothing in the records changes yet.

    A second proposal for the same field replaces a still pending one.
    """
    if not getattr(actor, "is_guardian", False) or not actor.is_active:
        raise PermissionDenied
    if target not in TARGET_MODELS:
        raise ValidationError(_("Unknown kind of data."), code="unknown_target")
    pupil, guardian, school_id = _resolve(actor, target, obj)
    model_field(target, field)
    current = getattr(obj, field)
    if target == Target.MEDICAL and not current:
        raise ValidationError(_("New medical data cannot be added through the portal."), code="no_new_medical")
    value = clean_proposed_value(target, obj, field, proposed_value)
    if stored_text(value) == stored_text(current):
        raise ValidationError(_("The proposed value is the same as the current value."), code="unchanged")
    request, _created = CorrectionRequest.objects.update_or_create(
        school_id=school_id,
        target=target,
        object_id=obj.pk,
        field_name=field,
        requested_by=actor,
        status=CorrectionRequest.Status.PENDING,
        defaults={
            "pupil": pupil,
            "guardian": guardian,
            "current_value": stored_text(current),
            "proposed_value": stored_text(value),
        },
    )
    return request


def live_value(correction: CorrectionRequest, obj: models.Model | None) -> str | None:
    """The field's value now, or None when the row is gone."""
    return None if obj is None else stored_text(getattr(obj, correction.field_name))


def target_queryset(target: str, school_id: int) -> models.QuerySet[Any]:
    """The rows a request of this school may change: never another school's."""
    model = TARGET_MODELS[target]
    if model in (EmergencyContact, MedicalInfo):
        return model._default_manager.filter(pupil__school_id=school_id)
    return model._default_manager.filter(school_id=school_id)


def _target_for_update(correction: CorrectionRequest) -> models.Model:
    try:
        return target_queryset(correction.target, correction.school_id).select_for_update().get(pk=correction.object_id)  # type: ignore[no-any-return]
    except ObjectDoesNotExist as error:
        raise ValidationError(_("The data this request is about no longer exist."), code="gone") from error


def _lock_pending(actor: Any, correction: CorrectionRequest) -> CorrectionRequest:
    """The request again, locked, so two administrators cannot both decide it."""
    correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    if not policies.can_decide_corrections(actor, correction):
        raise PermissionDenied
    if correction.status != CorrectionRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    return correction


def _audit_decision(actor: Any, request: Any, correction: CorrectionRequest, action: str) -> None:
    # The field name only: values can be medical text, which never goes into the audit log.
    person = correction.pupil or correction.guardian
    audit.record(
        audit.AuditEvent.Kind.RECORD_CHANGED,
        actor=actor,
        request=request,
        school_id=correction.school_id,
        subject=person.full_name if person is not None else "",
        data={
            "action": action,
            "correction_id": correction.pk,
            "target": correction.target,
            "object_id": correction.object_id,
            "field": correction.field_name,
        },
    )


@transaction.atomic
def correction_request_apply(*, actor: Any, correction: CorrectionRequest, request: Any = None) -> CorrectionRequest:
    """Makes the proposed change in the school records, validated and audited."""
    correction = _lock_pending(actor, correction)
    obj = _target_for_update(correction)
    value = clean_proposed_value(correction.target, obj, correction.field_name, correction.proposed_value)
    setattr(obj, correction.field_name, value)
    try:
        obj.full_clean()
    except ValidationError as error:
        messages = [str(m) for m in error.messages]
        raise ValidationError(
            _("The change cannot be applied: %(errors)s") % {"errors": " ".join(messages)}, code="invalid"
        ) from error
    obj.save()
    correction.status = CorrectionRequest.Status.APPLIED
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_decision(actor, request, correction, "correction_applied")
    return correction


@transaction.atomic
def correction_request_reject(
    *, actor: Any, correction: CorrectionRequest, reason: str, request: Any = None
) -> CorrectionRequest:
    correction = _lock_pending(actor, correction)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting, the guardian will read it.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Enter at most 500 characters.")})
    correction.status = CorrectionRequest.Status.REJECTED
    correction.rejection_reason = reason
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    _audit_decision(actor, request, correction, "correction_rejected")
    return correction
