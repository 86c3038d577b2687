"""Inviting a staff member: a staff account under his e-mail address and a link to set a password.

The same activation machinery as guardian invitations (`accounts.activation`): a token of 7 days,
only its hash stored, the e-mail sent after the transaction commits through `core.outgoing`, the
link built by `email_link` and kept out of the outbox (`mark_secret`).

- A staff member without an account gets a new staff account (no usable password), linked at
  once: nobody owns it yet. Until it is activated, inviting again sends a new link (the older
  one stops working) to the address on the staff record; once activated, inviting is refused:
  a forgotten password is reset from the login page.
- A staff account that already exists under the address and belongs to no staff record is
  invited but linked only when the link is redeemed (`link_staff_on_redeem`), so a typo cannot
  hand somebody's working login the rights of this school. An address whose staff account is
  another staff record's is refused: a staff account serves one school (StaffMember.account).
- An application administrator is told in the mail that he sets up two-factor authentication
  at first login; the two-factor middleware enforces it.

`staff_invite` is for an administrator of the school (PermissionDenied else);
`staff_invite_by_operator` is for `manage.py school_create`, run by whoever operates the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from schoolbrug.accounts import audit
from schoolbrug.accounts.activation import (
    ActivationToken,
    activation_token_issue,
    hash_token,
    needs_current_password,
)
from schoolbrug.accounts.models import Account
from schoolbrug.core.outgoing import EmailMessage, email_link

from .. import policies
from ..invitation_mail import Delivery, invitation_deliver, invitation_message
from ..models import StaffMember

MAIL_KIND = "staff_invitation"
REFERENCE_PREFIX = "sis.staff:"


@dataclass(frozen=True)
class StaffInvitation:
    account: Account
    account_created: bool
    delivery: Delivery


def staff_reference(staff: StaffMember) -> str:
    return f"{REFERENCE_PREFIX}{staff.pk}"


def staff_invite(
    *, actor: Account, staff: StaffMember, request: HttpRequest | None = None, base_url: str = ""
) -> StaffInvitation:
    if policies.application_admin_of(actor, staff.school_id) is None:
        raise PermissionDenied
    return _invite(actor=actor, staff=staff, request=request, base_url=base_url)


def staff_invite_by_operator(*, staff: StaffMember, base_url: str = "") -> StaffInvitation:
    """From the command line: whoever runs manage.py operates the server (no school policy)."""
    return _invite(actor=None, staff=staff, request=None, base_url=base_url)


def _invite(
    *, actor: Account | None, staff: StaffMember, request: HttpRequest | None, base_url: str
) -> StaffInvitation:
    with transaction.atomic():
        staff = StaffMember.objects.select_for_update(of=("self",)).select_related("school", "account").get(pk=staff.pk)
        if not staff.is_active:
            raise ValidationError(_("This staff member is no longer employed."), code="inactive")
        email = staff.email.strip().lower()
        if not email:
            raise ValidationError(_("This staff member has no e-mail address."), code="no_email")
        account, created = _account_for(staff, email)
        raw_token = activation_token_issue(
            account=account, school_id=staff.school_id, issued_by=actor, reference=staff_reference(staff)
        )
        link = email_link(reverse("accounts:activate", args=[raw_token]), request=request, base_url=base_url)
        message = _message(staff=staff, account=account, raw_token=raw_token, link=link, actor=actor)
        audit.record(
            audit.AuditEvent.Kind.INVITATION_SENT,
            actor=actor,
            request=request,
            school_id=staff.school_id,
            subject=staff.full_name,
            data={"staff_id": staff.pk, "account_id": account.pk, "account_created": created},
        )
        delivery = Delivery()
        transaction.on_commit(lambda: invitation_deliver(message, raw_token, delivery))
    return StaffInvitation(account=account, account_created=created, delivery=delivery)


def _account_for(staff: StaffMember, email: str) -> tuple[Account, bool]:
    current = staff.account
    if current is not None and needs_current_password(current):
        # His working login: a link would add nothing, and a forgotten password has its own page.
        raise ValidationError(
            _(
                "%(name)s has already activated the account %(email)s; a forgotten password is reset from "
                "the login page."
            ),
            code="activated",
            params={"name": staff.full_name, "email": current.email},
        )
    holder = Account.objects.filter(kind=Account.Kind.STAFF, email=email).first()
    if holder is not None and holder != current:
        if StaffMember.objects.filter(account=holder).exists():
            raise ValidationError(
                _("The staff account %(email)s already belongs to another staff member."),
                code="account_taken",
                params={"email": email},
            )
        return holder, False  # somebody's existing login: linked only when he redeems the link
    if current is not None:
        # Not activated yet: the login follows a corrected address, and may be used again.
        current.email = email
        current.is_active = True
        current.save()
        return current, False
    account = Account.objects.create_account(
        kind=Account.Kind.STAFF,
        email=email,
        first_name=staff.first_name,
        last_name=" ".join(part for part in (staff.prefix, staff.last_name) if part),
        language=settings.LANGUAGE_CODE,
    )
    staff.account = account
    staff.save(update_fields=["account", "updated_at"])
    return account, True


def link_staff_on_redeem(*, token: ActivationToken, account: Account) -> None:
    """Redeem hook for "sis.staff:<pk>" tokens: the staff record now belongs to whoever redeemed it."""
    pk = token.reference.removeprefix(REFERENCE_PREFIX)
    if not pk.isdigit() or token.school_id is None or account.kind != Account.Kind.STAFF:
        return
    staff = StaffMember.objects.select_for_update(of=("self",)).filter(pk=int(pk), school_id=token.school_id).first()
    if staff is None or staff.account_id == account.pk or staff.account_id is not None:
        return
    if StaffMember.objects.filter(account=account).exists():
        return  # one staff record per account; the other school keeps it
    staff.account = account
    staff.save(update_fields=["account", "updated_at"])


def _message(*, staff: StaffMember, account: Account, raw_token: str, link: str, actor: Account | None) -> EmailMessage:
    school = staff.school
    sender = StaffMember.objects.filter(account=actor, school=school).first() if actor is not None else None
    context = {
        "staff": staff,
        "school": school,
        "username": account.email,
        "link": link,
        "existing_login": needs_current_password(account),
        "is_admin": policies.holds_administrator_role(staff),
        "expires_at": ActivationToken.objects.values_list("expires_at", flat=True).get(
            token_hash=hash_token(raw_token)
        ),
        "sender_name": sender.full_name if sender is not None else "",
    }
    return invitation_message(
        templates="sis/email/staff_invitation",
        context=context,
        language=account.language,
        to=account.email,
        school=school,
        kind=MAIL_KIND,
        link=link,
    )
