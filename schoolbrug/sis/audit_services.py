"""Audit records for reading sensitive parts of the school records (ASVS 16.3.2, L3 adopted:
every view of medical and contact data is logged)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from schoolbrug.accounts.audit import AuditEvent, record

from .models import Pupil
from .policies import staff_member_of


def pupil_file_viewed(*, actor: Any, pupil: Pupil, request: HttpRequest | None) -> None:
    """Logs that `actor` opened the pupil's file: contact data always, medical data when the
    file holds any. Only ids and the name go into the log, never the medical text."""
    staff = staff_member_of(actor)
    if staff is None or staff.school_id != pupil.school_id:
        raise PermissionDenied
    medical = getattr(pupil, "medical", None)
    kinds = [AuditEvent.Kind.CONTACT_VIEWED]
    if medical is not None and not medical.is_empty:
        kinds.append(AuditEvent.Kind.MEDICAL_VIEWED)
    for kind in kinds:
        record(kind, actor=actor, request=request, school_id=pupil.school_id, subject=pupil.full_name,
               data={"pupil_id": pupil.pk})  # fmt: skip
