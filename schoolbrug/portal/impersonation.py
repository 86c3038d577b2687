"""POR-12: an application administrator looks at the portal of one of his school's guardians.

The session keeps the administrator's own login; it only gains a marker with both account ids.
The portal shows the guardian's portal from it, the middleware refuses every change while it is
there, and start and stop are audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from schoolbrug.accounts.audit import AuditEvent, record
from schoolbrug.accounts.models import Account
from schoolbrug.sis.policies import application_admin_of

from .policies import IMPERSONATION_KEY, guardian_accounts_of_school, session_is_verified


def impersonation_start(*, actor: Any, request: HttpRequest, guardian_account_id: int) -> Account:
    staff = application_admin_of(actor)
    # Only a session that passed two-factor verification may look through a guardian's eyes.
    if staff is None or not session_is_verified(request):
        raise PermissionDenied
    guardian = guardian_accounts_of_school(staff.school).filter(pk=guardian_account_id).first()
    if guardian is None:
        raise PermissionDenied
    request.session[IMPERSONATION_KEY] = {"admin_id": actor.pk, "guardian_id": guardian.pk}
    record(
        AuditEvent.Kind.IMPERSONATION,
        actor=actor,
        request=request,
        school_id=staff.school_id,
        subject=guardian.email,
        data={"action": "start", "guardian_account_id": guardian.pk},
    )
    return guardian


def impersonation_stop(*, actor: Any, request: HttpRequest) -> None:
    data = request.session.pop(IMPERSONATION_KEY, None)
    if not isinstance(data, dict):
        return
    staff = application_admin_of(actor)
    guardian_id = data.get("guardian_id")
    email = Account.objects.filter(pk=guardian_id).values_list("email", flat=True).first() if guardian_id else None
    record(
        AuditEvent.Kind.IMPERSONATION,
        actor=actor,
        request=request,
        school_id=staff.school_id if staff else None,
        subject=email or "",
        data={"action": "stop", "guardian_account_id": data.get("guardian_id")},
    )
