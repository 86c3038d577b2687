"""Writes to guardian accounts done by the school: making an account inactive (ACC-3).

Reactivation is sending an invitation again (`invitations.guardian_invite`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from schoolbrug.accounts import audit
from schoolbrug.accounts.activation import activation_tokens_revoke
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.sessions import end_sessions_of

from ..models import Guardian
from .invitations import can_invite_guardian

__all__ = ["can_deactivate_guardian_account", "end_sessions_of", "guardian_account_deactivate"]


def can_deactivate_guardian_account(user: Any, guardian: Guardian) -> bool:
    # The same people who may invite a guardian may switch his account off again.
    return can_invite_guardian(user, guardian)


def guardian_account_deactivate(*, actor: Any, guardian: Guardian, request: HttpRequest | None = None) -> Account:
    """Makes the guardian's account inactive: login is refused and its open sessions end.

    Every request already checks `is_active` (Django's backend refuses inactive users, so a
    session cookie stops working at its next request); deleting the sessions as well ends them
    for good: the ones the session index knows of (`accounts.sessions`), without scanning the
    sessions of anyone else. Outstanding invitation links stop working too.
    """
    if not can_deactivate_guardian_account(actor, guardian):
        raise PermissionDenied
    with transaction.atomic():
        account = (
            Account.objects.select_for_update().filter(pk=guardian.account_id).first() if guardian.account_id else None
        )
        if account is None:
            raise ValidationError(_("This guardian has no account yet."), code="no_account")
        was_active = account.is_active
        if was_active:
            account.is_active = False
            account.save(update_fields=["is_active"])
        revoked = activation_tokens_revoke(account=account)
        ended = end_sessions_of(account)
        audit.record(
            audit.AuditEvent.Kind.ACCOUNT_DEACTIVATED,
            actor=actor,
            request=request,
            school_id=guardian.school_id,
            subject=guardian.full_name,
            data={
                "guardian_id": guardian.pk,
                "account_id": account.pk,
                "was_active": was_active,
                "sessions_ended": ended,
                "links_revoked": revoked,
            },
        )
    return account
