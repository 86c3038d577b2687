"""Writes to the school records. Each service checks its own policy."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import policies
from .models import Guardian, Guardianship, Pupil


@transaction.atomic
def pupil_update(*, actor: Any, pupil: Pupil, data: dict[str, Any]) -> Pupil:
    if not policies.can_edit_pupil(actor, pupil):
        raise PermissionDenied
    for field, value in data.items():
        setattr(pupil, field, value)
    pupil.full_clean()
    pupil.save()
    return pupil


@transaction.atomic
def guardianship_update(
    *, actor: Any, guardianship: Guardianship, guardian_data: dict[str, Any], relation_data: dict[str, Any]
) -> Guardianship:
    """Saves a guardian's own data and his relation to one pupil, or nothing at all."""
    if not policies.can_edit_family(actor, guardianship.pupil):
        raise PermissionDenied
    guardian: Guardian = guardianship.guardian
    for field, value in guardian_data.items():
        setattr(guardian, field, value)
    guardian.full_clean()
    guardian.save()
    # Forms may already have set the new values on the instance; compare with what is stored.
    stored_access = (
        Guardianship.objects.select_for_update().values_list("portal_access", flat=True).get(pk=guardianship.pk)
    )
    access_changed = relation_data.get("portal_access", stored_access) != stored_access
    for field, value in relation_data.items():
        setattr(guardianship, field, value)
    if access_changed:
        guardianship.portal_access_changed_on = timezone.localdate()
    guardianship.full_clean()
    guardianship.save()
    return guardianship
