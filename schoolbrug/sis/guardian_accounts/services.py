"""Writes to guardian accounts done by the school: withdrawing a guardian's access (ACC-3).

One guardian account may serve guardian records at several schools (`Guardian.account` is shared
on purpose), so "make inactive" at one school withdraws that school's access only: its records
let go of the account. The account itself is made inactive, with its sessions ended, only when
no record of any school links it any more. Reactivation is sending an invitation again
(`invitations.guardian_invite`): the link asks the guardian to accept, which links the record
again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolbrug.accounts import audit
from schoolbrug.accounts.activation import activation_tokens_revoke
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.sessions import end_sessions_of

from ..models import Guardian
from .invitations import can_invite_guardian

__all__ = ["AccessWithdrawal", "can_deactivate_guardian_account", "end_sessions_of", "guardian_account_deactivate"]


@dataclass(frozen=True)
class AccessWithdrawal:
    account: Account
    # True when no other school links the account: it is inactive and its sessions have ended.
    account_deactivated: bool
    sessions_ended: int


def can_deactivate_guardian_account(user: Account, guardian: Guardian) -> bool:
    # The same people who may invite a guardian may switch his access off again.
    return can_invite_guardian(user, guardian)


def guardian_account_deactivate(
    *, actor: Account, guardian: Guardian, request: HttpRequest | None = None
) -> AccessWithdrawal:
    """Withdraws the guardian's access at his record's school, and deactivates the account when
    no other school still links it.

    At once: every record of this school lets go of the account (so nothing of the school is
    reachable through it, on its very next request) and the school's outstanding invitation
    links stop working. When no record of any school links the account any more, it is made
    inactive (login is refused; Django's backend refuses inactive users) and its sessions are
    deleted: the ones the session index knows of (`accounts.sessions`), without scanning anyone
    else's. An account another school still links stays active, with its sessions: the guardian
    keeps what that school gives him.
    """
    if not can_deactivate_guardian_account(actor, guardian):
        raise PermissionDenied
    school_id = guardian.school_id
    with transaction.atomic():
        # The account row is the lock: two schools withdrawing at once see each other's unlinking.
        account = (
            Account.objects.select_for_update().filter(pk=guardian.account_id).first() if guardian.account_id else None
        )
        if account is None:
            raise ValidationError(_("This guardian has no account yet."), code="no_account")
        # A person may hold records in two families of the same school: the school withdraws all.
        unlinked = Guardian.objects.filter(account=account, school_id=school_id).update(
            account=None, updated_at=timezone.now()
        )
        linked_elsewhere = Guardian.objects.filter(account=account).exists()
        # Links this school sent would link its record again on acceptance; other schools' stay.
        revoked = activation_tokens_revoke(account=account, schools=[school_id])
        was_active = account.is_active
        ended = 0
        if not linked_elsewhere:
            if was_active:
                account.is_active = False
                account.save(update_fields=["is_active"])
            revoked += activation_tokens_revoke(account=account, schools=[None])
            ended = end_sessions_of(account)
        audit.record(
            audit.AuditEvent.Kind.ACCESS_WITHDRAWN if linked_elsewhere else audit.AuditEvent.Kind.ACCOUNT_DEACTIVATED,
            actor=actor,
            request=request,
            school_id=school_id,
            subject=guardian.full_name,
            data={
                "guardian_id": guardian.pk,
                "account_id": account.pk,
                "records_unlinked": unlinked,
                "account_deactivated": not linked_elsewhere,
                "was_active": was_active,
                "sessions_ended": ended,
                "links_revoked": revoked,
            },
        )
    guardian.account = None
    return AccessWithdrawal(account=account, account_deactivated=not linked_elsewhere, sessions_ended=ended)
