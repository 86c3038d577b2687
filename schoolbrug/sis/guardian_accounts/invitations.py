"""Inviting a guardian (ACC-2): an account under his e-mail address and a link to set a password.

    guardian_invite(*, actor, guardian, batch_key="", request=None, base_url="") -> InvitationOutcome

- `actor` must be an application administrator of the guardian's school (PermissionDenied else),
  or, with `group` (a group's app invitation, MSG-8), someone who may invite that group, for a
  guardian of one of its pupils.
- A guardian without an e-mail address, or with a malformed one, is skipped with a reason.
- The guardian's account is created when missing (kind guardian, username = e-mail address,
  names and language from the guardian record) and linked at once: nobody owns it yet. An
  existing guardian account under the same address (of another school, or another family) is
  invited, not duplicated, but NOT linked now: a typo or another school's mistake must not hand
  that account these children. The token keeps the guardian reference, and the record is linked
  when the link is redeemed (`link_guardian_on_redeem`, registered in SisConfig.ready); a working
  login redeems it with its current password, never by setting a new one. The guardian's own
  inactive account is made active again.
- A fresh activation token is issued (older unused links of the account stop working) and the
  e-mail, in the guardian's language, goes out after the transaction commits. Its link follows
  the rule of `schoolbrug.core.outgoing.email_link`: from the task worker (bulk batches) the
  `base_url` captured from the administrator's request stands in for the request.
- Delivery failures are not swallowed: `outcome.delivery` tells, once the transaction has
  committed, whether the mail server took the message (`delivery.failed`, `delivery.error`). A
  failed mail withdraws its token, so the same batch key may send again.
- A single invitation (no batch key, or "single:<key>" from the family page) is refused with
  `limits.LimitReached` once the actor sent SCHOOLBRUG_SINGLE_INVITATIONS_PER_HOUR of them in
  the past hour (SECURITY 2.4.1): nothing is created or sent. Bulk batches are limited per batch.
- With a `batch_key`, a repeat for the same guardian and key sends nothing and answers "already
  sent in this batch": the issued tokens are the record (ActivationToken.reference/batch_key).

The bulk invitations call this from the task worker, one guardian at a time. For "invited"
and "activated" filters: `ActivationToken.objects.filter(reference=guardian_reference(g))` are
the invitations of guardian g; one with `used_at` set means he activated his account.

The mail is sent on commit in this process, not through a task: the raw token lives only in the
mail, and a task would have to store it in its arguments in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from schoolbrug.accounts import audit
from schoolbrug.accounts.activation import (
    ActivationToken,
    activation_token_already_issued,
    activation_token_issue,
    hash_token,
    needs_current_password,
)
from schoolbrug.accounts.models import Account
from schoolbrug.core.outgoing import EmailMessage, email_link

from .. import policies
from ..invitation_mail import Delivery, invitation_deliver, invitation_message
from ..models import Group, Guardian, Guardianship, StaffMember
from . import limits

MAIL_KIND = "invitation"
REFERENCE_PREFIX = "sis.guardian:"
REASON_NO_EMAIL = _("no e-mail address")
REASON_INVALID_EMAIL = _("invalid e-mail address")
REASON_ALREADY_SENT = _("already sent in this batch")


@dataclass(frozen=True)
class InvitationOutcome:
    # "Issued": a token was made and the e-mail queued for after the commit; see `delivery`.
    sent: bool
    skipped_reason: str = ""
    account: Account | None = None
    delivery: Delivery = field(default_factory=Delivery)


def guardian_reference(guardian: Guardian) -> str:
    """How activation tokens name the guardian record they were issued for."""
    return f"{REFERENCE_PREFIX}{guardian.pk}"


def can_invite_guardian(user: Any, guardian: Guardian, group: Group | None = None) -> bool:
    """An application administrator invites any guardian of his school; with `group` (MSG-8), whoever
    may invite that group invites the guardians of its pupils."""
    if group is None:
        return policies.is_application_admin(user, guardian.school_id)
    return (
        guardian.school_id == group.school_id
        and policies.may_invite_group(user, group)
        and Guardianship.objects.filter(
            guardian=guardian, pupil__placements__group=group, pupil__placements__year_id=group.year_id
        ).exists()
    )


def activation_url(raw_token: str, *, request: HttpRequest | None = None, base_url: str = "") -> str:
    return email_link(reverse("accounts:activate", args=[raw_token]), request=request, base_url=base_url)


def guardian_invite(
    *,
    actor: Account,
    guardian: Guardian,
    batch_key: str = "",
    request: HttpRequest | None = None,
    base_url: str = "",
    group: Group | None = None,
) -> InvitationOutcome:
    if not can_invite_guardian(actor, guardian, group):
        raise PermissionDenied
    reference = guardian_reference(guardian)
    with transaction.atomic():
        # One invitation per guardian at a time: the lock orders concurrent requests, so the
        # batch check below sees the other's token.
        guardian = (
            Guardian.objects.select_for_update(of=("self",)).select_related("school", "account").get(pk=guardian.pk)
        )
        if activation_token_already_issued(reference=reference, batch_key=batch_key):
            return InvitationOutcome(sent=False, skipped_reason=str(REASON_ALREADY_SENT), account=guardian.account)
        email = guardian.email.strip().lower()
        if not email:
            return InvitationOutcome(sent=False, skipped_reason=str(REASON_NO_EMAIL), account=guardian.account)
        try:
            validate_email(email)
        except ValidationError:
            return InvitationOutcome(sent=False, skipped_reason=str(REASON_INVALID_EMAIL), account=guardian.account)
        if limits.is_single_invitation(batch_key):
            # Checked after the repeat check: a double click is "already sent", not "too many".
            limits.check_single_invitation_limit(actor)

        account, created = _account_for(guardian, email)
        linked = guardian.account_id == account.pk
        # Only an account this record already holds is reactivated; anyone else's waits for redemption.
        reactivated = linked and not account.is_active
        if reactivated:
            account.is_active = True
            account.save(update_fields=["is_active"])
        try:
            with transaction.atomic():
                raw_token = activation_token_issue(
                    account=account,
                    school_id=guardian.school_id,
                    issued_by=actor,
                    reference=reference,
                    batch_key=batch_key,
                )
        except IntegrityError:
            # A concurrent request of the same batch won the race (the lock is a no-op on SQLite).
            return InvitationOutcome(sent=False, skipped_reason=str(REASON_ALREADY_SENT), account=account)
        link = activation_url(raw_token, request=request, base_url=base_url)
        message = _invitation_message(actor=actor, guardian=guardian, account=account, raw_token=raw_token, link=link)
        audit.record(
            audit.AuditEvent.Kind.INVITATION_SENT,
            actor=actor,
            request=request,
            school_id=guardian.school_id,
            subject=guardian.full_name,
            data={
                "guardian_id": guardian.pk,
                "account_id": account.pk,
                "account_created": created,
                "linked": linked,
                "reactivated": reactivated,
                "batch_key": batch_key,
            },
        )
        delivery = Delivery()
        transaction.on_commit(lambda: invitation_deliver(message, raw_token, delivery))
    return InvitationOutcome(sent=True, account=account, delivery=delivery)


def _account_for(guardian: Guardian, email: str) -> tuple[Account, bool]:
    """The guardian account to invite: his own, the one already holding the address, or a new one."""
    current = guardian.account
    if current is not None and current.email == email:
        return current, False
    holder = Account.objects.filter(kind=Account.Kind.GUARDIAN, email=email).first()
    if holder is not None:
        # Probably the same person known to another school (or family): one login for all his
        # records, but only once he accepts the link (see the module docstring).
        return holder, False
    if current is not None and not Guardian.objects.filter(account=current).exclude(pk=guardian.pk).exists():
        # The school corrected the address of an account only this record uses: the login
        # (username = e-mail address) follows the new address.
        current.email = email
        current.save()
        return current, False
    account = Account.objects.create_account(
        kind=Account.Kind.GUARDIAN,
        email=email,
        first_name=guardian.first_name,
        last_name=" ".join(part for part in (guardian.prefix, guardian.last_name) if part),
        language=guardian.language or settings.LANGUAGE_CODE,
    )
    _link(guardian, account)
    return account, True


def _link(guardian: Guardian, account: Account) -> None:
    guardian.account = account
    guardian.save(update_fields=["account", "updated_at"])


def link_guardian_on_redeem(*, token: ActivationToken, account: Account) -> None:
    """Redeem hook for "sis.guardian:<pk>" tokens: the record now belongs to whoever redeemed it."""
    pk = token.reference.removeprefix(REFERENCE_PREFIX)
    if not pk.isdigit() or token.school_id is None:
        return
    guardian = Guardian.objects.select_for_update(of=("self",)).filter(pk=int(pk), school_id=token.school_id).first()
    if guardian is None or guardian.account_id == account.pk:
        return
    _link(guardian, account)


def _signature_name(actor: Account, school_id: int) -> str:
    staff = StaffMember.objects.filter(account=actor, school_id=school_id).first()
    return staff.full_name if staff is not None else actor.get_full_name()


def _invitation_message(
    *, actor: Account, guardian: Guardian, account: Account, raw_token: str, link: str
) -> EmailMessage:
    school = guardian.school
    context = {
        "guardian": guardian,
        "school": school,
        "username": account.email,
        "link": link,
        # A working login is asked for its password on the link's page, not for a new one.
        "existing_login": needs_current_password(account),
        "expires_at": ActivationToken.objects.values_list("expires_at", flat=True).get(
            token_hash=hash_token(raw_token)
        ),
        "sender_name": _signature_name(actor, school.pk),
    }
    return invitation_message(
        templates="sis/email/invitation",
        context=context,
        language=guardian.language,
        to=account.email,
        school=school,
        kind=MAIL_KIND,
        link=link,
    )
