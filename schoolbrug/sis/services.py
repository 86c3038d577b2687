"""Writes to the school records. Each service checks its own policy.

Every change of a pupil's or a guardian's record is audited (ACC-7) with the names of the changed
fields only: the audit log is readable by more people than the contact data, so values never go
in, except the two booleans that decide who may see a child (access right and custody).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from schoolbrug.accounts import audit

from . import policies
from .models import Guardian, Guardianship, Pupil

# Fields whose old and new value the audit event keeps: booleans, never contact data.
AUDITED_VALUES = ("portal_access", "has_custody")


def _stored(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values in the database (a form may already have put new values on the instance)."""
    names = list(fields)
    if not names:
        return {}
    return dict(type(instance)._default_manager.select_for_update().values(*names).get(pk=instance.pk))


def _changed(instance: models.Model, stored: dict[str, Any]) -> list[str]:
    return [name for name, old in stored.items() if getattr(instance, name) != old]


def _record_changed(*, actor: Any, school_id: int, subject: str, data: dict[str, Any]) -> None:
    audit.record(audit.AuditEvent.Kind.RECORD_CHANGED, actor=actor, school_id=school_id, subject=subject, data=data)


@transaction.atomic
def pupil_update(*, actor: Any, pupil: Pupil, data: dict[str, Any]) -> Pupil:
    if not policies.can_edit_pupil(actor, pupil):
        raise PermissionDenied
    stored = _stored(pupil, data)
    for field, value in data.items():
        setattr(pupil, field, value)
    pupil.full_clean()
    pupil.save()
    changed = _changed(pupil, stored)
    if changed:
        _record_changed(
            actor=actor,
            school_id=pupil.school_id,
            subject=pupil.full_name,
            data={"pupil_id": pupil.pk, "pupil_fields": changed},
        )
    return pupil


@transaction.atomic
def guardianship_update(
    *, actor: Any, guardianship: Guardianship, guardian_data: dict[str, Any], relation_data: dict[str, Any]
) -> Guardianship:
    """Saves a guardian's own data and his relation to one pupil, or nothing at all."""
    if not policies.can_edit_family(actor, guardianship.pupil):
        raise PermissionDenied
    guardian: Guardian = guardianship.guardian
    stored_guardian = _stored(guardian, guardian_data)
    for field, value in guardian_data.items():
        setattr(guardian, field, value)
    guardian.full_clean()
    guardian.save()
    stored_relation = _stored(guardianship, {*relation_data, *AUDITED_VALUES})
    for field, value in relation_data.items():
        setattr(guardianship, field, value)
    if guardianship.portal_access != stored_relation["portal_access"]:
        guardianship.portal_access_changed_on = timezone.localdate()
    guardianship.full_clean()
    guardianship.save()
    guardian_changed = _changed(guardian, stored_guardian)
    relation_changed = _changed(guardianship, stored_relation)
    if guardian_changed or relation_changed:
        data: dict[str, Any] = {
            "pupil_id": guardianship.pupil_id,
            "guardian_id": guardian.pk,
            "guardian_fields": guardian_changed,
            "relation_fields": relation_changed,
        }
        for name in AUDITED_VALUES:
            if name in relation_changed:
                data[name] = {"old": bool(stored_relation[name]), "new": bool(getattr(guardianship, name))}
        data["guardianship_id"] = guardianship.pk
        subject = f"{guardian.full_name} · {guardianship.pupil.full_name}"
        _record_changed(actor=actor, school_id=guardian.school_id, subject=subject, data=data)
    return guardianship
